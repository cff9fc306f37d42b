// Preparing a ModelGraph for inference: BatchNorm folding, activation fusion,
// weight packing, and the position arithmetic every layer shares.
#include "s2f/engine/compiled_model.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "conv_kernels.hpp"
#include "conv_winograd.hpp"
#include "s2f/error.hpp"

namespace s2f::engine {

namespace {

bool is_elementwise(Op op) { return op == Op::add || op == Op::activation || op == Op::batchnorm; }

}  // namespace

CompiledModel::CompiledModel(ModelGraph graph, CompileOptions options) : graph_(std::move(graph)) {
  graph_.infer_shapes();
  isa_ = static_cast<int>(kernels::detect_isa());
  const auto consumers = graph_.consumers();
  std::set<int> heads;
  for (const auto& h : graph_.heads) heads.insert(h.node);
  nodes_.resize(graph_.nodes.size());

  // The node that actually produces the values of node i (skipping aliases).
  auto producer = [&](int i) {
    while (nodes_[static_cast<size_t>(i)].storage == Storage::alias && nodes_[static_cast<size_t>(i)].node.op != Op::flatten)
      i = nodes_[static_cast<size_t>(i)].node.inputs[0];
    return i;
  };
  // True when every value of producer p flows only through aliases into node i.
  auto sole_path = [&](int p, int i) {
    for (int j = i; j != p;) {
      int in = graph_.nodes[static_cast<size_t>(j)].inputs[0];
      if (consumers[static_cast<size_t>(in)].size() != 1 || heads.count(in)) return false;
      j = in;
    }
    return true;
  };

  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    // The weights move into the compiled node (and from there into the
    // packed layouts): the model is held once, not once per stage.
    std::map<std::string, WeightTensor> weights = std::move(graph_.nodes[i].weights);
    graph_.nodes[i].weights.clear();
    const Node& src = graph_.nodes[i];
    CompiledNode& c = nodes_[i];
    c.node = src;
    c.activation = src.op == Op::conv1d || src.op == Op::dense || src.op == Op::activation ? src.activation
                                                                                           : Activation::linear;
    const Shape in = src.inputs.empty() ? Shape{} : graph_.nodes[static_cast<size_t>(src.inputs[0])].shape;
    auto weight = [&](const char* key) -> std::vector<float> {
      auto it = weights.find(key);
      return it == weights.end() ? std::vector<float>{} : std::move(it->second.data);
    };
    switch (src.op) {
      case Op::conv1d:
        c.kernel = weight("kernel");
        c.bias = weight("bias");
        c.flops_per_position = 2 * src.kernel * in.channels * src.filters;
        break;
      case Op::dense:
        c.kernel = weight("kernel");
        c.bias = weight("bias");
        c.flops_per_position = 2 * in.channels * src.units;
        break;
      case Op::batchnorm: {
        auto gamma = weight("gamma"), beta = weight("beta"), mean = weight("mean"), var = weight("var");
        c.scale.resize(gamma.size());
        c.shift.resize(gamma.size());
        for (size_t k = 0; k < gamma.size(); ++k) {
          c.scale[k] = static_cast<float>(gamma[k] / std::sqrt(static_cast<double>(var[k]) + src.epsilon));
          c.shift[k] = beta[k] - mean[k] * c.scale[k];
        }
        int p = producer(src.inputs[0]);
        CompiledNode& prod = nodes_[static_cast<size_t>(p)];
        bool foldable = (prod.node.op == Op::conv1d || prod.node.op == Op::dense) &&
                        prod.activation == Activation::linear && sole_path(p, static_cast<int>(i));
        if (foldable) {
          // BN(x) = x*scale + shift with x = W.in + b, so scale the output
          // channels of W and map the bias: no BatchNorm work at run time.
          int64_t cout = prod.node.op == Op::conv1d ? prod.node.filters : prod.node.units;
          if (prod.bias.empty()) prod.bias.assign(static_cast<size_t>(cout), 0.0f);
          for (size_t k = 0; k < prod.kernel.size(); ++k) prod.kernel[k] *= c.scale[k % static_cast<size_t>(cout)];
          for (size_t k = 0; k < prod.bias.size(); ++k) prod.bias[k] = prod.bias[k] * c.scale[k] + c.shift[k];
          c.storage = Storage::alias;
          c.scale.clear();
          c.shift.clear();
        }
        break;
      }
      case Op::activation: {
        int p = producer(src.inputs[0]);
        CompiledNode& prod = nodes_[static_cast<size_t>(p)];
        if (options.fuse_activations && (prod.node.op == Op::conv1d || prod.node.op == Op::dense) &&
            prod.activation == Activation::linear && sole_path(p, static_cast<int>(i))) {
          prod.activation = src.activation;
          prod.node.alpha = src.alpha;
          c.storage = Storage::alias;
        }
        break;
      }
      case Op::crop:
        c.storage = Storage::shifted;
        break;
      case Op::flatten:
        if (src.flatten_order == "lc") c.storage = Storage::alias;
        break;
      default:
        break;
    }
    if (c.storage == Storage::own && is_elementwise(src.op) && options.fuse_activations) c.storage = Storage::in_place;
  }
  // Pack after folding: ReLU goes into the conv kernel; layers with at least
  // a vector of outputs use the packed GEMM layout, narrower ones the
  // dot-product layout (a Dense layer is a one-tap convolution).
  const auto isa = static_cast<kernels::Isa>(isa_);
  for (auto& c : nodes_) {
    if (c.node.op != Op::conv1d && c.node.op != Op::dense) continue;
    if (c.node.op == Op::conv1d && c.activation == Activation::relu && options.fuse_activations) {
      c.fused_relu = true;
      c.activation = Activation::linear;
    }
    const int64_t K = c.node.op == Op::conv1d ? c.node.kernel : 1;
    const int64_t cout = c.node.op == Op::conv1d ? c.node.filters : c.node.units;
    const int64_t cin = static_cast<int64_t>(c.kernel.size()) / (K * cout);
    const int tile =
        c.node.op == Op::conv1d ? winograd_outputs(K, c.node.stride, cin, cout, isa, options.winograd_outputs) : 0;
    if (tile > 0) {
      c.packed = winograd_pack(isa, tile, c.kernel.data(), K, cin, cout);
      c.winograd = tile;
      if (!options.keep_kernels) std::vector<float>().swap(c.kernel);
    } else if (cout >= kernels::vector_width(isa)) {
      c.packed = kernels::pack_weights(isa, c.kernel.data(), K, cin, cout);
      if (!options.keep_kernels) std::vector<float>().swap(c.kernel);
    } else {
      c.kernel_dot.resize(c.kernel.size());
      for (int64_t k = 0; k < K; ++k)
        for (int64_t ci = 0; ci < cin; ++ci)
          for (int64_t co = 0; co < cout; ++co)
            c.kernel_dot[static_cast<size_t>(co * K * cin + k * cin + ci)] =
                c.kernel[static_cast<size_t>((k * cin + ci) * cout + co)];
    }
  }
}

const char* CompiledModel::isa() const { return kernels::isa_name(static_cast<kernels::Isa>(isa_)); }

PositionRange CompiledModel::input_range(int i, size_t input_slot, PositionRange out) const {
  const CompiledNode& c = nodes_[static_cast<size_t>(i)];
  const Node& n = c.node;
  const int64_t in_len = length(n.inputs[input_slot]);
  if (out.empty()) return {};
  // A Winograd F(4,3) or nested output's bits depend on every inner row of its tile.
  winograd_whole_tiles(c.winograd, n.dilation, length(i), out.lo, out.hi);
  switch (n.op) {
    case Op::conv1d:
    case Op::maxpool1d:
    case Op::avgpool1d: {
      // Winograd tiles read the rows of whole groups of three taps.
      const int64_t taps = c.winograd > 0 ? winograd_taps(n.kernel) : n.kernel;
      const int64_t span = n.op == Op::conv1d ? n.dilation * (taps - 1) + 1 : n.kernel;
      return PositionRange{out.lo * n.stride - n.pad_left, (out.hi - 1) * n.stride - n.pad_left + span}.clip(in_len);
    }
    case Op::crop:
      return PositionRange{out.lo + n.crop_left, out.hi + n.crop_left}.clip(in_len);
    case Op::global_avg_pool:
    case Op::global_max_pool:
    case Op::flatten:
      return {0, in_len};
    default:
      return out.clip(in_len);
  }
}

PositionRange CompiledModel::changed_range(int i, size_t input_slot, PositionRange in) const {
  const Node& n = nodes_[static_cast<size_t>(i)].node;
  const int64_t out_len = length(i);
  if (in.empty()) return {};
  switch (n.op) {
    case Op::conv1d:
    case Op::maxpool1d:
    case Op::avgpool1d: {
      // Output p reads [p*stride - pad_left, p*stride - pad_left + span).
      const int winograd = nodes_[static_cast<size_t>(i)].winograd;
      const int64_t taps = winograd > 0 ? winograd_taps(n.kernel) : n.kernel;
      const int64_t span = n.op == Op::conv1d ? n.dilation * (taps - 1) + 1 : n.kernel;
      const int64_t first = in.lo + n.pad_left - span + 1;  // smallest p*stride that reaches in.lo
      const int64_t lo = first <= 0 ? 0 : (first + n.stride - 1) / n.stride;
      const int64_t hi = (in.hi - 1 + n.pad_left) / n.stride + 1;
      PositionRange changed = PositionRange{lo, hi}.clip(out_len);
      // ... and, through rounding, every output of the Winograd tiles it meets.
      if (!changed.empty()) winograd_whole_tiles(winograd, n.dilation, out_len, changed.lo, changed.hi);
      return changed;
    }
    case Op::crop:
      return PositionRange{in.lo - n.crop_left, in.hi - n.crop_left}.clip(out_len);
    case Op::global_avg_pool:
    case Op::global_max_pool:
    case Op::flatten:
      return {0, out_len};
    default:
      (void)input_slot;
      return in.clip(out_len);
  }
}

TensorView CompiledModel::view_of_alias(int i, const TensorView& input) const {
  const CompiledNode& c = nodes_[static_cast<size_t>(i)];
  TensorView v = input;
  if (c.storage == Storage::shifted) {
    v.pos0 = input.pos0 - c.node.crop_left;
  } else if (c.node.op == Op::flatten) {
    // Channels-last rows are contiguous, so (L, C) read row-major is (1, L*C).
    v.data = input.row(0);
    v.pos0 = 0;
    v.rows = 1;
    v.channels = c.node.shape.channels;
    v.stride = v.channels;
  }
  return v;
}

}  // namespace s2f::engine
