// The reverse pass: gradients and DeepLIFT multipliers, node by node in
// reverse topological order (rules: reverse_pass.hpp).
#include "s2f/engine/reverse_pass.hpp"

#include <algorithm>
#include <cmath>

#include "conv1d.hpp"
#include "conv_kernels.hpp"
#include "conv_winograd.hpp"
#include "s2f/error.hpp"

namespace s2f::engine {

namespace {

// Below this difference of input values the Rescale and cross-maximum rules
// fall back to the ordinary derivative (their ratio is 0/0 there).
constexpr double kDeltaEps = 1e-6;

TensorView whole(std::vector<float>& buffer, int64_t length, int64_t channels) {
  return TensorView{buffer.data(), 0, length, channels, channels};
}

void add_rows(const TensorView& from, const TensorView& to, PositionRange r) {
  for (int64_t p = r.lo; p < r.hi; ++p) {
    const float* a = from.row(p);
    float* b = to.row(p);
    for (int64_t j = 0; j < to.channels; ++j) b[j] += a[j];
  }
}

void zero_rows(const TensorView& v, PositionRange r) {
  if (!r.empty()) std::fill(v.row(r.lo), v.row(r.lo) + r.size() * v.stride, 0.0f);
}

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

// f(z) of an elementwise activation in double: the Rescale rule's
// f(z_x) - f(z_r) from the stored outputs would cancel badly where f
// saturates (two sigmoids near 1 differ by 1e-3 with float32's 6e-8 error
// each), so it is recomputed from the inputs.
double activation_value(Activation a, double alpha, double z) {
  switch (a) {
    case Activation::linear:
      return z;
    case Activation::relu:
      return z > 0 ? z : 0.0;
    case Activation::gelu:
      return 0.5 * z * (1.0 + std::erf(z / std::sqrt(2.0)));
    case Activation::gelu_tanh:
      return 0.5 * z * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (z + 0.044715 * z * z * z)));
    case Activation::elu:
      return z > 0 ? z : alpha * std::expm1(z);
    case Activation::sigmoid:
      return sigmoid(z);
    case Activation::tanh:
      return std::tanh(z);
    case Activation::softplus:
      return std::max(z, 0.0) + std::log1p(std::exp(-std::fabs(z)));
    case Activation::exp:
      return std::exp(z);
    case Activation::softmax:
      break;
  }
  fail(Exit::internal, "no elementwise value for softmax");
}

// f'(z) of an elementwise activation.
double derivative(Activation a, double alpha, double z) {
  switch (a) {
    case Activation::linear:
      return 1.0;
    case Activation::relu:
      return z > 0 ? 1.0 : 0.0;
    case Activation::gelu: {
      const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
      return 0.5 * (1.0 + std::erf(z / std::sqrt(2.0))) + z * phi;
    }
    case Activation::gelu_tanh: {
      const double k = std::sqrt(2.0 / M_PI), u = k * (z + 0.044715 * z * z * z);
      const double t = std::tanh(u);
      return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * k * (1.0 + 3.0 * 0.044715 * z * z);
    }
    case Activation::elu:
      return z > 0 ? 1.0 : alpha * std::exp(z);
    case Activation::sigmoid: {
      const double s = sigmoid(z);
      return s * (1.0 - s);
    }
    case Activation::tanh: {
      const double t = std::tanh(z);
      return 1.0 - t * t;
    }
    case Activation::softplus:
      return sigmoid(z);
    case Activation::exp:
      return std::exp(z);
    case Activation::softmax:
      break;
  }
  fail(Exit::internal, "no elementwise derivative for softmax");
}

}  // namespace

ModelGraph split_activations(ModelGraph g) {
  std::vector<Node> nodes = std::move(g.nodes);
  g.nodes.clear();
  std::vector<int> moved(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node n = std::move(nodes[i]);
    for (int& in : n.inputs) in = moved[static_cast<size_t>(in)];
    const bool split = (n.op == Op::conv1d || n.op == Op::dense) && n.activation != Activation::linear;
    Node act;
    if (split) {
      act.name = n.name + ".activation";
      act.op = Op::activation;
      act.activation = n.activation;
      act.alpha = n.alpha;
      n.activation = Activation::linear;
    }
    g.nodes.push_back(std::move(n));
    if (split) {
      act.inputs = {static_cast<int>(g.nodes.size()) - 1};
      g.nodes.push_back(std::move(act));
    }
    moved[i] = static_cast<int>(g.nodes.size()) - 1;
  }
  for (auto& h : g.heads) h.node = moved[static_cast<size_t>(h.node)];
  return g;
}

ReversePass::ReversePass(const CompiledModel& model) : model_(&model) {
  const auto isa = kernels::detect_isa();
  isa_ = static_cast<int>(isa);
  const auto& nodes = model.nodes();
  transposed_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const CompiledNode& c = nodes[i];
    const Node& n = c.node;
    if (n.op == Op::activation && c.activation == Activation::softmax && unsupported_ < 0)
      unsupported_ = static_cast<int>(i);
    if (n.op != Op::conv1d && n.op != Op::dense) continue;
    if (c.activation != Activation::linear || c.fused_relu)
      fail(Exit::internal, "the reverse pass needs a graph from split_activations()", n.name);
    if (c.kernel.empty()) fail(Exit::internal, "the reverse pass needs kernels kept (kReverseCompile)", n.name);
    const int64_t K = n.op == Op::conv1d ? n.kernel : 1;
    const int64_t cout = n.op == Op::conv1d ? n.filters : n.units;
    const int64_t cin = static_cast<int64_t>(c.kernel.size()) / (K * cout);
    if (n.op == Op::conv1d && n.stride != 1) continue;  // run by the plain loop
    // The transposed layer reads output gradients (cout channels) and writes
    // input gradients (cin channels): input q gets, from tap k, output
    // p = q + pad_left - k d; with taps reversed (k' = K - 1 - k) that is a
    // convolution with left padding d (K - 1) - pad_left.
    CompiledNode t;
    t.node = n;
    t.node.weights.clear();
    t.node.activation = Activation::linear;
    t.node.stride = 1;
    t.node.pad_left = n.dilation * (K - 1) - n.pad_left;
    t.node.pad_right = 0;
    if (n.op == Op::conv1d)
      t.node.filters = cin;
    else
      t.node.units = cin;
    std::vector<float> w(static_cast<size_t>(K * cout * cin));  // (K, cout, cin), taps reversed
    for (int64_t k = 0; k < K; ++k)
      for (int64_t ci = 0; ci < cin; ++ci)
        for (int64_t co = 0; co < cout; ++co)
          w[static_cast<size_t>(((K - 1 - k) * cout + co) * cin + ci)] = c.kernel[static_cast<size_t>((k * cin + ci) * cout + co)];
    // 3-tap F(2,3) only: its outputs' bits depend on exactly the rows
    // their window reads, which the gradient ranges below are computed from.
    const int tile = n.op == Op::conv1d && K == 3 ? winograd_outputs(K, 1, cout, cin, isa, 2) : 0;
    if (tile > 0) {
      t.packed = winograd_pack(isa, tile, w.data(), K, cout, cin);
      t.winograd = tile;
    } else if (cin >= kernels::vector_width(isa)) {
      t.packed = kernels::pack_weights(isa, w.data(), K, cout, cin);
    } else {
      // Few input channels (the one-hot input): the dot layout,
      // (cin, K * cout), and the plain kernel for the padded edges.
      t.kernel_dot.resize(w.size());
      for (int64_t k = 0; k < K; ++k)
        for (int64_t co = 0; co < cout; ++co)
          for (int64_t ci = 0; ci < cin; ++ci)
            t.kernel_dot[static_cast<size_t>(ci * K * cout + k * cout + co)] = w[static_cast<size_t>((k * cout + co) * cin + ci)];
      t.kernel = std::move(w);
    }
    transposed_[i] = std::move(t);
  }
}

void ReversePass::run(ReverseRule rule, const FullActivations& x, const FullActivations* ref,
                      std::span<const OutputSeed> seeds, std::span<float> input, ReverseWorkspace& ws) const {
  const CompiledModel& m = *model_;
  const size_t count = m.nodes().size();
  const bool deeplift = rule == ReverseRule::deeplift;
  if (deeplift && !ref) fail(Exit::internal, "the deeplift rule needs the reference's activations");
  if (deeplift && unsupported_ >= 0)
    fail_usage("the DeepLIFT rules have no rule for a softmax inside the network (layer " +
                   m.node(unsupported_).node.name + ")",
               "use --method grad or input-x-grad, or explain the logits before the softmax");
  auto len = [&](size_t i) { return m.length(static_cast<int>(i)); };
  auto ch = [&](size_t i) { return m.channels(static_cast<int>(i)); };
  // Buffers are zero when taken: each is cleared where it was used before
  // it goes back to the pool.
  ws.grads.resize(count);
  auto take = [&](size_t i) -> std::vector<float>& {
    auto& g = ws.grads[i];
    if (!g.empty()) return g;
    const size_t n = static_cast<size_t>(len(i) * ch(i));
    if (auto it = ws.pool.find(n); it != ws.pool.end()) {
      g = std::move(it->second);
      ws.pool.erase(it);
    } else {
      g.assign(n, 0.0f);
    }
    return g;
  };
  auto give_back = [&](size_t i) {
    if (!ws.grads[i].empty()) ws.pool.emplace(ws.grads[i].size(), std::move(ws.grads[i]));
    ws.grads[i] = {};
  };
  auto gview = [&](size_t i) { return whole(take(i), len(i), ch(i)); };

  // Positions of each node whose gradient can be non-zero.
  std::vector<PositionRange> need(count);
  for (const auto& s : seeds) need[static_cast<size_t>(s.node)] = {0, len(static_cast<size_t>(s.node))};
  for (size_t i = count; i-- > 1;) {
    if (need[i].empty()) continue;
    const auto& ins = m.node(static_cast<int>(i)).node.inputs;
    for (size_t s = 0; s < ins.size(); ++s)
      need[static_cast<size_t>(ins[s])] = need[static_cast<size_t>(ins[s])].hull(m.input_range(static_cast<int>(i), s, need[i]));
  }
  for (const auto& s : seeds) {
    auto& g = take(static_cast<size_t>(s.node));
    if (s.grad.size() != g.size()) fail(Exit::internal, "a seed's size differs from its node's");
    for (size_t k = 0; k < g.size(); ++k) g[k] += s.grad[k];
  }

  for (size_t i = count; i-- > 1;) {
    const PositionRange R = need[i];
    if (R.empty()) continue;
    const CompiledNode& c = m.node(static_cast<int>(i));
    const Node& n = c.node;
    const TensorView g = gview(i);
    const size_t in0 = static_cast<size_t>(n.inputs[0]);
    const TensorView gin = gview(in0);
    const int64_t in_len = len(in0), cin = ch(in0), C = ch(i);
    const PositionRange Rin = m.input_range(static_cast<int>(i), 0, R);
    switch (n.op) {
      case Op::input:
        break;
      case Op::conv1d:
      case Op::dense: {
        const CompiledNode& t = transposed_[i];
        if (n.op == Op::conv1d && n.stride != 1) {
          const int64_t K = n.kernel;
          for (int64_t p = R.lo; p < R.hi; ++p)
            for (int64_t k = 0; k < K; ++k) {
              const int64_t q = p * n.stride + k * n.dilation - n.pad_left;
              if (q < 0 || q >= in_len) continue;
              const float* gy = g.row(p);
              float* gx = gin.row(q);
              for (int64_t ci = 0; ci < cin; ++ci) {
                const float* w = c.kernel.data() + (k * cin + ci) * C;
                float s = 0.0f;
                for (int64_t co = 0; co < C; ++co) s += gy[co] * w[co];
                gx[ci] += s;
              }
            }
          break;
        }
        ws.scratch.resize(static_cast<size_t>(in_len * cin));
        const TensorView sv = whole(ws.scratch, in_len, cin);
        if (n.op == Op::conv1d)
          conv1d_forward(t, isa_, g, len(i), sv, Rin, false);
        else
          dense_forward(t, isa_, g, len(i), sv, Rin, false);
        add_rows(sv, gin, Rin);
        break;
      }
      case Op::batchnorm:
        if (c.scale.empty()) {  // folded into the layer before
          add_rows(g, gin, R);
          break;
        }
        for (int64_t p = R.lo; p < R.hi; ++p) {
          const float* gy = g.row(p);
          float* gx = gin.row(p);
          for (int64_t j = 0; j < C; ++j) gx[j] += gy[j] * c.scale[static_cast<size_t>(j)];
        }
        break;
      case Op::activation: {
        const TensorView zx = x.view(static_cast<int>(in0)), yx = x.view(static_cast<int>(i));
        if (c.activation == Activation::softmax) {  // gradient rule only (refused above for deeplift)
          for (int64_t p = R.lo; p < R.hi; ++p) {
            const float* gy = g.row(p);
            const float* y = yx.row(p);
            double dot = 0;
            for (int64_t j = 0; j < C; ++j) dot += static_cast<double>(gy[j]) * y[j];
            float* gx = gin.row(p);
            for (int64_t j = 0; j < C; ++j) gx[j] += static_cast<float>(y[j] * (gy[j] - dot));
          }
          break;
        }
        for (int64_t p = R.lo; p < R.hi; ++p) {
          const float* gy = g.row(p);
          const float* z = zx.row(p);
          float* gx = gin.row(p);
          const float* zr = deeplift ? ref->view(static_cast<int>(in0)).row(p) : nullptr;
          for (int64_t j = 0; j < C; ++j) {
            double mult;
            const double dz = deeplift ? static_cast<double>(z[j]) - zr[j] : 0.0;
            if (deeplift && std::fabs(dz) >= kDeltaEps)
              mult = (activation_value(c.activation, n.alpha, z[j]) - activation_value(c.activation, n.alpha, zr[j])) /
                     dz;
            else
              mult = derivative(c.activation, n.alpha, z[j]);
            gx[j] += static_cast<float>(gy[j] * mult);
          }
        }
        break;
      }
      case Op::maxpool1d:
      case Op::global_max_pool: {
        const bool global = n.op == Op::global_max_pool;
        const int64_t kernel = global ? in_len : n.kernel, stride = global ? 1 : n.stride,
                      pad = global ? 0 : n.pad_left;
        const TensorView xin = x.view(static_cast<int>(in0));
        const TensorView rin = deeplift ? ref->view(static_cast<int>(in0)) : TensorView{};
        // What each input received (deeplift) and the ordinary gradient.
        ws.scratch.assign(static_cast<size_t>(in_len * cin), 0.0f);
        ws.scratch2.assign(deeplift ? static_cast<size_t>(in_len * cin) : 0, 0.0f);
        const TensorView plain = whole(ws.scratch, in_len, cin);
        const TensorView received = deeplift ? whole(ws.scratch2, in_len, cin) : TensorView{};
        for (int64_t p = R.lo; p < R.hi; ++p) {
          const int64_t q0 = std::max<int64_t>(0, p * stride - pad), q1 = std::min(in_len, p * stride - pad + kernel);
          for (int64_t j = 0; j < C; ++j) {
            const float gy = g.row(p)[j];
            if (gy == 0.0f || q1 <= q0) continue;
            int64_t a = q0, b = q0;
            for (int64_t q = q0 + 1; q < q1; ++q) {
              if (xin.row(q)[j] > xin.row(a)[j]) a = q;
              if (deeplift && rin.row(q)[j] > rin.row(b)[j]) b = q;
            }
            plain.row(a)[j] += gy;
            if (!deeplift) continue;
            const double X = xin.row(a)[j], Rv = rin.row(b)[j], M = std::max(X, Rv);
            received.row(a)[j] += static_cast<float>(gy * (M - Rv));
            received.row(b)[j] += static_cast<float>(gy * (X - M));
          }
        }
        for (int64_t q = Rin.lo; q < Rin.hi; ++q)
          for (int64_t j = 0; j < cin; ++j) {
            if (!deeplift) {
              gin.row(q)[j] += plain.row(q)[j];
              continue;
            }
            const double d = static_cast<double>(xin.row(q)[j]) - rin.row(q)[j];
            gin.row(q)[j] += std::fabs(d) >= kDeltaEps ? static_cast<float>(received.row(q)[j] / d) : plain.row(q)[j];
          }
        break;
      }
      case Op::avgpool1d:
        for (int64_t p = R.lo; p < R.hi; ++p) {
          const int64_t q0 = std::max<int64_t>(0, p * n.stride - n.pad_left),
                        q1 = std::min(in_len, p * n.stride - n.pad_left + n.kernel);
          const float d = static_cast<float>(n.count_include_pad ? n.kernel : std::max<int64_t>(q1 - q0, 1));
          for (int64_t q = q0; q < q1; ++q)
            for (int64_t j = 0; j < C; ++j) gin.row(q)[j] += g.row(p)[j] / d;
        }
        break;
      case Op::global_avg_pool:
        for (int64_t q = 0; q < in_len; ++q)
          for (int64_t j = 0; j < C; ++j) gin.row(q)[j] += static_cast<float>(g.row(0)[j] / static_cast<double>(in_len));
        break;
      case Op::flatten:
        for (int64_t q = 0; q < in_len; ++q)
          for (int64_t j = 0; j < cin; ++j)
            gin.row(q)[j] += g.row(0)[n.flatten_order == "lc" ? q * cin + j : j * in_len + q];
        break;
      case Op::crop:
        for (int64_t p = R.lo; p < R.hi; ++p) {
          const float* gy = g.row(p);
          float* gx = gin.row(p + n.crop_left);
          for (int64_t j = 0; j < C; ++j) gx[j] += gy[j];
        }
        break;
      case Op::add:
        for (size_t s = 0; s < n.inputs.size(); ++s) add_rows(g, gview(static_cast<size_t>(n.inputs[s])), R);
        break;
      case Op::concat: {
        int64_t offset = 0;
        for (size_t s = 0; s < n.inputs.size(); ++s) {
          const size_t k = static_cast<size_t>(n.inputs[s]);
          const TensorView gk = gview(k);
          for (int64_t p = R.lo; p < R.hi; ++p)
            for (int64_t j = 0; j < gk.channels; ++j) gk.row(p)[j] += g.row(p)[offset + j];
          offset += gk.channels;
        }
        break;
      }
      case Op::logsumexp: {
        const TensorView xin = x.view(static_cast<int>(in0));
        for (int64_t p = R.lo; p < R.hi; ++p) {
          const float* xv = xin.row(p);
          const float* rv = deeplift ? ref->view(static_cast<int>(in0)).row(p) : nullptr;
          double shift = *std::max_element(xv, xv + cin);
          if (deeplift) shift = std::max(shift, static_cast<double>(*std::max_element(rv, rv + cin)));
          double sx = 0, sr = 0;
          for (int64_t j = 0; j < cin; ++j) {
            sx += std::exp(xv[j] - shift);
            if (deeplift) sr += std::exp(rv[j] - shift);
          }
          // d log S: Rescale on log (shifted units), then on each exp.
          const double dlog = deeplift && std::fabs(sx - sr) >= kDeltaEps ? (std::log(sx) - std::log(sr)) / (sx - sr)
                                                                           : 1.0 / sx;
          const double gy = g.row(p)[0];
          for (int64_t j = 0; j < cin; ++j) {
            const double ex = std::exp(xv[j] - shift);
            double dexp = ex;
            if (deeplift) {
              const double d = static_cast<double>(xv[j]) - rv[j];
              if (std::fabs(d) >= kDeltaEps) dexp = (ex - std::exp(rv[j] - shift)) / d;
            }
            gin.row(p)[j] += static_cast<float>(gy * dlog * dexp);
          }
        }
        break;
      }
    }
    zero_rows(g, R);
    give_back(i);
  }
  const TensorView g0 = gview(0);
  const int64_t C0 = ch(0), L0 = len(0);
  if (static_cast<int64_t>(input.size()) != L0 * C0) fail(Exit::internal, "input multipliers of the wrong size");
  std::copy(ws.grads[0].begin(), ws.grads[0].end(), input.begin());
  zero_rows(g0, {0, L0});
  give_back(0);
}

}  // namespace s2f::engine
