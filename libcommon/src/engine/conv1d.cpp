// Conv1D: layers with at least a vector of output channels run the packed
// GEMM kernel over every position (padding handled per tap); narrower ones
// (profile heads) the dot kernel. No im2col buffer: the kernels read shifted
// rows of the channels-last input directly.
#include "conv1d.hpp"

#include <algorithm>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "activations.hpp"
#include "conv_kernels.hpp"
#include "conv_winograd.hpp"
#include "s2f/error.hpp"

namespace s2f::engine {

namespace {

void conv_reference(const CompiledNode& c, const TensorView& in, int64_t in_length, const TensorView& out,
                    int64_t lo, int64_t hi, int64_t c_begin, int64_t c_end) {
  const Node& n = c.node;
  const int64_t cout = n.filters, cin = in.channels;
  for (int64_t r = lo; r < hi; ++r) {
    float* o = out.row(r);
    for (int64_t co = c_begin; co < c_end; ++co) o[co] = c.bias.empty() ? 0.0f : c.bias[static_cast<size_t>(co)];
    for (int64_t k = 0; k < n.kernel; ++k) {
      const int64_t q = r * n.stride + k * n.dilation - n.pad_left;
      if (q < 0 || q >= in_length) continue;
      const float* x = in.row(q);
      const float* w = c.kernel.data() + k * cin * cout;
      for (int64_t ci = 0; ci < cin; ++ci) {
        const float xv = x[ci];
        const float* wr = w + ci * cout;
        for (int64_t co = c_begin; co < c_end; ++co) o[co] += xv * wr[co];
      }
    }
    if (c.fused_relu)
      for (int64_t co = c_begin; co < c_end; ++co) o[co] = std::max(o[co], 0.0f);
  }
}


void conv_kernel_rows(const CompiledNode& c, kernels::Isa isa, const TensorView& in, int64_t in_length,
                      const TensorView& out, int64_t lo, int64_t hi) {
  kernels::ConvArgs a = layer_args(c, in, in_length, out);
  if (c.winograd > 0) {
    a.w = c.packed.data();
    a.lo = lo;
    a.hi = hi;
    conv_winograd(isa, c.winograd, std::span<const kernels::ConvArgs>(&a, 1));
    return;
  }
  if (!c.packed.empty()) {
    a.w = c.packed.data();
    a.lo = lo;
    a.hi = hi;
    kernels::conv_packed(isa, a);
    return;
  }
  // Few output channels: the dot kernel on the interior positions (every
  // tap reads real input), a plain loop on the few whose taps reach into the
  // zero padding.
  const Node& n = c.node;
  const int64_t span = n.dilation * (n.kernel - 1);
  const int64_t first = (n.pad_left + n.stride - 1) / n.stride;
  const int64_t last_num = in_length - 1 + n.pad_left - span;
  const int64_t end = last_num < 0 ? first : last_num / n.stride + 1;
  const int64_t ilo = std::clamp(first, lo, hi), ihi = std::clamp(end, ilo, hi);
  conv_reference(c, in, in_length, out, lo, ilo, 0, n.filters);
  conv_reference(c, in, in_length, out, ihi, hi, 0, n.filters);
  if (ihi <= ilo) return;
  if (!c.kernel_dot.empty() && n.dilation == 1 && in.stride == in.channels) {
    a.w = c.kernel_dot.data();
    a.lo = ilo;
    a.hi = ihi;
    kernels::conv_dot(isa, a);
  } else {
    conv_reference(c, in, in_length, out, ilo, ihi, 0, n.filters);
  }
}

// Positions [lo, hi) with the layer's activation (other than a fused ReLU).
void conv_rows(const CompiledNode& c, kernels::Isa isa, const TensorView& in, int64_t in_length,
               const TensorView& out, int64_t lo, int64_t hi) {
  conv_kernel_rows(c, isa, in, in_length, out, lo, hi);
  if (c.activation != Activation::linear) apply_activation(c.activation, c.node.alpha, out, out, PositionRange{lo, hi});
}

}  // namespace

kernels::ConvArgs layer_args(const CompiledNode& c, const TensorView& in, int64_t in_length, const TensorView& out) {
  const Node& n = c.node;
  kernels::ConvArgs a;
  a.in = in.data;
  a.in_pos0 = in.pos0;
  a.in_stride = in.stride;
  a.in_length = in_length;
  a.bias = c.bias.empty() ? nullptr : c.bias.data();
  a.kernel = n.op == Op::dense ? 1 : n.kernel;
  a.dilation = n.op == Op::dense ? 1 : n.dilation;
  a.stride = n.op == Op::dense ? 1 : n.stride;
  a.pad_left = n.op == Op::dense ? 0 : n.pad_left;
  a.cin = in.channels;
  a.cout = n.op == Op::dense ? n.units : n.filters;
  a.out = out.data;
  a.out_pos0 = out.pos0;
  a.out_stride = out.stride;
  a.relu = c.fused_relu;
  return a;
}

void conv1d_forward(const CompiledNode& c, int isa, const TensorView& in, int64_t in_length, const TensorView& out,
                    PositionRange range, bool parallel_rows) {
  const auto k = static_cast<kernels::Isa>(isa);
  if (!parallel_rows || range.size() < 192) {
    conv_rows(c, k, in, in_length, out, range.lo, range.hi);
  } else {
    // A few large pieces a thread: each piece streams the layer's weights.
    const int64_t pieces = 4 * oneapi::tbb::this_task_arena::max_concurrency();
    const int64_t grain = std::max<int64_t>(96, (range.size() + pieces - 1) / pieces);
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(range.lo, range.hi, grain),
                              [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                conv_rows(c, k, in, in_length, out, r.begin(), r.end());
                              });
  }
}

void conv1d_forward_sequences(const CompiledNode& c, int isa, std::span<const TensorView> ins, int64_t in_length,
                              std::span<const TensorView> outs, PositionRange range) {
  if (c.winograd == 0) fail(Exit::internal, "only Winograd layers run several sequences at once", c.node.name);
  std::vector<kernels::ConvArgs> seqs;
  for (size_t s = 0; s < ins.size(); ++s) {
    kernels::ConvArgs a = layer_args(c, ins[s], in_length, outs[s]);
    a.w = c.packed.data();
    a.lo = range.lo;
    a.hi = range.hi;
    seqs.push_back(a);
  }
  conv_winograd(static_cast<kernels::Isa>(isa), c.winograd, seqs);
  if (c.activation != Activation::linear)
    for (const TensorView& out : outs) apply_activation(c.activation, c.node.alpha, out, out, range);
}

}  // namespace s2f::engine
