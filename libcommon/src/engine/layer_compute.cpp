// CompiledModel::compute_node: one layer over a range of output positions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "activations.hpp"
#include "conv1d.hpp"
#include "conv_kernels.hpp"
#include "conv_winograd.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/error.hpp"

namespace s2f::engine {

namespace {

// Layers whose output position p depends only on input position p.
bool row_wise(Op op) {
  return op == Op::dense || op == Op::batchnorm || op == Op::activation || op == Op::add || op == Op::concat ||
         op == Op::logsumexp || op == Op::crop;
}

void pool_forward(const CompiledNode& c, const TensorView& in, int64_t in_length, const TensorView& out,
                  PositionRange r) {
  const Node& n = c.node;
  const bool is_max = n.op == Op::maxpool1d;
  const int64_t ch = in.channels;
  for (int64_t p = r.lo; p < r.hi; ++p) {
    float* o = out.row(p);
    std::fill(o, o + ch, is_max ? -std::numeric_limits<float>::infinity() : 0.0f);
    int64_t count = 0;
    for (int64_t k = 0; k < n.kernel; ++k) {
      const int64_t q = p * n.stride + k - n.pad_left;
      if (q < 0 || q >= in_length) continue;  // padding: ignored by max, zero for average
      ++count;
      const float* x = in.row(q);
      for (int64_t j = 0; j < ch; ++j) o[j] = is_max ? std::max(o[j], x[j]) : o[j] + x[j];
    }
    if (!is_max) {
      const float d = static_cast<float>(n.count_include_pad ? n.kernel : std::max<int64_t>(count, 1));
      for (int64_t j = 0; j < ch; ++j) o[j] /= d;
    }
  }
}

void global_pool_forward(const CompiledNode& c, const TensorView& in, int64_t in_length, const TensorView& out) {
  const int64_t ch = in.channels;
  float* o = out.row(0);
  if (c.node.op == Op::global_max_pool) {
    std::copy(in.row(0), in.row(0) + ch, o);
    for (int64_t p = 1; p < in_length; ++p)
      for (int64_t j = 0; j < ch; ++j) o[j] = std::max(o[j], in.row(p)[j]);
    return;
  }
  // Double accumulation keeps the mean of ~10^3 positions exact to float.
  std::vector<double> sum(static_cast<size_t>(ch), 0.0);
  for (int64_t p = 0; p < in_length; ++p) {
    const float* x = in.row(p);
    for (int64_t j = 0; j < ch; ++j) sum[static_cast<size_t>(j)] += x[j];
  }
  for (int64_t j = 0; j < ch; ++j) o[j] = static_cast<float>(sum[static_cast<size_t>(j)] / static_cast<double>(in_length));
}

}  // namespace

void dense_forward(const CompiledNode& c, int isa, const TensorView& in, int64_t in_length, const TensorView& out,
                   PositionRange r, bool parallel) {
  const int64_t cin = in.channels, units = c.node.units;
  if (!c.packed.empty()) {  // a Dense layer is a one-tap convolution
    const auto k = static_cast<kernels::Isa>(isa);
    kernels::ConvArgs a = layer_args(c, in, in_length, out);
    a.w = c.packed.data();
    a.lo = r.lo;
    a.hi = r.hi;
    const int64_t panels = kernels::panel_count(k, units);
    if (!parallel || panels < 2) {
      kernels::conv_packed(k, a);
    } else {
      // Threads take whole column panels: each streams its own share of the
      // weights, which is what a Dense layer on few rows is bound by.
      oneapi::tbb::parallel_for(int64_t{0}, panels, [&](int64_t p) {
        kernels::ConvArgs part = a;
        part.col_lo = kernels::panel_columns(k, units, p).lo;
        part.col_hi = kernels::panel_columns(k, units, p).hi;
        kernels::conv_packed(k, part);
      });
    }
    if (c.activation != Activation::linear) apply_activation(c.activation, c.node.alpha, out, out, r);
    return;
  }
  // Few units (count heads): one dot product an output, summed in the same
  // order whatever the number of rows.
  for (int64_t p = r.lo; p < r.hi; ++p) {
    const float* x = in.row(p);
    float* y = out.row(p);
    for (int64_t u = 0; u < units; ++u) {
      const float* w = c.kernel_dot.data() + u * cin;
      float s = 0.0f;
      for (int64_t k = 0; k < cin; ++k) s += x[k] * w[k];
      y[u] = s + (c.bias.empty() ? 0.0f : c.bias[static_cast<size_t>(u)]);
    }
  }
  if (c.activation != Activation::linear) apply_activation(c.activation, c.node.alpha, out, out, r);
}

void CompiledModel::compute_rows(int i, const TensorView* inputs, const TensorView& out, int64_t rows,
                                 bool parallel) const {
  const CompiledNode& c = nodes_[static_cast<size_t>(i)];
  if (!row_wise(c.node.op) || c.node.op == Op::crop)
    fail(Exit::internal, "compute_rows needs a layer that works position by position", c.node.name);
  if (c.node.op == Op::dense)
    dense_forward(c, isa_, inputs[0], rows, out, PositionRange{0, rows}, parallel);
  else
    compute_node(i, inputs, out, PositionRange{0, rows}, parallel);
}

bool CompiledModel::computes_sequences_together(int i) const {
  return nodes_[static_cast<size_t>(i)].winograd > 0;
}

void CompiledModel::compute_node_sequences(int i, std::span<const TensorView> inputs, std::span<const TensorView> outs,
                                           PositionRange r) const {
  const CompiledNode& c = nodes_[static_cast<size_t>(i)];
  if (r.empty()) return;
  conv1d_forward_sequences(c, isa_, inputs, length(c.node.inputs[0]), outs, r);
}

int64_t CompiledModel::sequences_per_block() const {
  int64_t most = 0;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (computes_sequences_together(static_cast<int>(i))) {
      const int outputs = nodes_[i].winograd;
      const int64_t tiles = (length(static_cast<int>(i)) + outputs - 1) / outputs;
      most = std::max(most, winograd_block_tiles(outputs) / std::max<int64_t>(tiles, 1));
    }
  return most;
}

void CompiledModel::compute_node(int i, const TensorView* inputs, const TensorView& out, PositionRange r,
                                 bool parallel_rows) const {
  const CompiledNode& c = nodes_[static_cast<size_t>(i)];
  const Node& n = c.node;
  if (r.empty()) return;
  // One long sequence: position-wise layers split their rows between threads
  // too (every position is computed the same way whoever computes it).
  constexpr int64_t kRowGrain = 256;
  if (parallel_rows && n.op != Op::dense && (row_wise(n.op) || n.op == Op::maxpool1d || n.op == Op::avgpool1d) &&
      r.size() >= 2 * kRowGrain) {
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(r.lo, r.hi, kRowGrain),
                              [&](const oneapi::tbb::blocked_range<int64_t>& sub) {
                                compute_node(i, inputs, out, PositionRange{sub.begin(), sub.end()}, false);
                              });
    return;
  }
  const int64_t in_len = n.inputs.empty() ? 0 : length(n.inputs[0]);
  switch (n.op) {
    case Op::input:
      fail(Exit::internal, "compute_node called on the input node", n.name);
    case Op::conv1d:
      conv1d_forward(c, isa_, inputs[0], in_len, out, r, parallel_rows);
      break;
    case Op::dense:
      dense_forward(c, isa_, inputs[0], in_len, out, r, parallel_rows);
      break;
    case Op::batchnorm:
      if (c.scale.empty()) {  // folded into the producer
        apply_activation(Activation::linear, 1.0f, inputs[0], out, r);
        break;
      }
      for (int64_t p = r.lo; p < r.hi; ++p) {
        const float* x = inputs[0].row(p);
        float* y = out.row(p);
        for (int64_t j = 0; j < out.channels; ++j)
          y[j] = x[j] * c.scale[static_cast<size_t>(j)] + c.shift[static_cast<size_t>(j)];
      }
      break;
    case Op::activation:
      apply_activation(c.activation, n.alpha, inputs[0], out, r);
      break;
    case Op::maxpool1d:
    case Op::avgpool1d:
      pool_forward(c, inputs[0], in_len, out, r);
      break;
    case Op::global_avg_pool:
    case Op::global_max_pool:
      global_pool_forward(c, inputs[0], in_len, out);
      break;
    case Op::flatten: {
      const TensorView& x = inputs[0];
      float* y = out.row(0);
      for (int64_t p = 0; p < in_len; ++p)
        for (int64_t j = 0; j < x.channels; ++j) {
          const int64_t at = n.flatten_order == "lc" ? p * x.channels + j : j * in_len + p;
          y[at] = x.row(p)[j];
        }
      break;
    }
    case Op::crop:
      for (int64_t p = r.lo; p < r.hi; ++p) std::copy(inputs[0].row(p + n.crop_left), inputs[0].row(p + n.crop_left) + out.channels, out.row(p));
      break;
    case Op::add:
      for (int64_t p = r.lo; p < r.hi; ++p) {
        float* y = out.row(p);
        const float* a = inputs[0].row(p);
        if (y != a) std::copy(a, a + out.channels, y);
        for (size_t k = 1; k < n.inputs.size(); ++k) {
          const float* b = inputs[k].row(p);
          for (int64_t j = 0; j < out.channels; ++j) y[j] += b[j];
        }
      }
      break;
    case Op::logsumexp:
      for (int64_t p = r.lo; p < r.hi; ++p) {
        const float* x = inputs[0].row(p);
        const float m = *std::max_element(x, x + inputs[0].channels);
        double sum = 0.0;
        for (int64_t j = 0; j < inputs[0].channels; ++j) sum += std::exp(static_cast<double>(x[j] - m));
        out.row(p)[0] = m + static_cast<float>(std::log(sum));
      }
      break;
    case Op::concat:
      for (int64_t p = r.lo; p < r.hi; ++p) {
        float* y = out.row(p);
        for (size_t k = 0; k < n.inputs.size(); ++k) {
          const float* x = inputs[k].row(p);
          y = std::copy(x, x + inputs[k].channels, y);
        }
      }
      break;
  }
}

}  // namespace s2f::engine
