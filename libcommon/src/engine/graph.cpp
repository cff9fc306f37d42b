// ModelGraph validation, shape inference and the architecture JSON.
#include "s2f/engine/graph.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "s2f/error.hpp"

namespace s2f::engine {

namespace {

struct OpNameEntry {
  Op op;
  const char* name;
};
constexpr OpNameEntry kOps[] = {
    {Op::input, "input"},         {Op::conv1d, "conv1d"},
    {Op::dense, "dense"},         {Op::batchnorm, "batchnorm"},
    {Op::activation, "activation"}, {Op::maxpool1d, "maxpool1d"},
    {Op::avgpool1d, "avgpool1d"}, {Op::global_avg_pool, "global_avg_pool"},
    {Op::global_max_pool, "global_max_pool"}, {Op::flatten, "flatten"},
    {Op::crop, "crop"},           {Op::add, "add"},
    {Op::concat, "concat"},       {Op::logsumexp, "logsumexp"},
};

struct ActNameEntry {
  Activation act;
  const char* name;
};
constexpr ActNameEntry kActs[] = {
    {Activation::linear, "linear"},   {Activation::relu, "relu"},
    {Activation::gelu, "gelu"},       {Activation::gelu_tanh, "gelu_tanh"},
    {Activation::elu, "elu"},         {Activation::sigmoid, "sigmoid"},
    {Activation::tanh, "tanh"},       {Activation::softplus, "softplus"},
    {Activation::exp, "exp"},         {Activation::softmax, "softmax"},
};

std::string where_node(const Node& n) { return "node '" + n.name + "' (" + op_name(n.op) + ")"; }

void expect_weight(const Node& n, const std::string& key, std::vector<int64_t> shape, bool required) {
  auto it = n.weights.find(key);
  if (it == n.weights.end()) {
    if (required) fail_input("missing weight '" + key + "'", where_node(n), "re-export the model");
    return;
  }
  if (it->second.shape != shape) {
    std::string want, got;
    for (auto s : shape) want += (want.empty() ? "" : "x") + std::to_string(s);
    for (auto s : it->second.shape) got += (got.empty() ? "" : "x") + std::to_string(s);
    fail_input("weight '" + key + "' has shape " + got + ", expected " + want, where_node(n),
               "check that the architecture matches the weights");
  }
  if (static_cast<int64_t>(it->second.data.size()) != it->second.numel())
    fail_input("weight '" + key + "' holds " + std::to_string(it->second.data.size()) + " values for its shape",
               where_node(n), "re-export the model");
}

int64_t window_output(int64_t length, int64_t pad, int64_t span, int64_t stride) {
  int64_t padded = length + pad;
  if (padded < span) return 0;
  return (padded - span) / stride + 1;
}

}  // namespace

const char* op_name(Op op) {
  for (const auto& e : kOps)
    if (e.op == op) return e.name;
  return "?";
}

Op op_from_name(const std::string& name, const std::string& where) {
  for (const auto& e : kOps)
    if (name == e.name) return e.op;
  fail_input("unknown layer op '" + name + "'", where, "this s2f is older than the model file; update s2f");
}

const char* activation_name(Activation a) {
  for (const auto& e : kActs)
    if (e.act == a) return e.name;
  return "?";
}

Activation activation_from_name(const std::string& name, const std::string& where) {
  for (const auto& e : kActs)
    if (name == e.name) return e.act;
  fail_input("unsupported activation '" + name + "'", where,
             "supported: linear relu gelu gelu_tanh elu sigmoid tanh softplus exp softmax");
}

int64_t WeightTensor::numel() const {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

int ModelGraph::find(const std::string& node_name) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == node_name) return static_cast<int>(i);
  return -1;
}

std::vector<std::vector<int>> ModelGraph::consumers() const {
  std::vector<std::vector<int>> out(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    for (int in : nodes[i].inputs) out[static_cast<size_t>(in)].push_back(static_cast<int>(i));
  return out;
}

int64_t ModelGraph::parameter_count() const {
  int64_t n = 0;
  for (const auto& node : nodes)
    for (const auto& [key, w] : node.weights) n += w.numel();
  return n;
}

void ModelGraph::infer_shapes() {
  if (nodes.empty() || nodes[0].op != Op::input)
    fail_input("the first node must be the input", name, "re-export the model");
  if (input_length <= 0 || input_channels <= 0)
    fail_input("input length and channels must be positive", name, "set input_length in the architecture");
  std::set<std::string> names;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    if (!names.insert(n.name).second) fail_input("duplicate node name '" + n.name + "'", name, "rename the layer");
    for (int in : n.inputs)
      if (in < 0 || static_cast<size_t>(in) >= i)
        fail_input("input of a node must come before it", where_node(n), "store nodes in topological order");
    auto need_inputs = [&](size_t lo, size_t hi) {
      if (n.inputs.size() < lo || n.inputs.size() > hi)
        fail_input("wrong number of inputs (" + std::to_string(n.inputs.size()) + ")", where_node(n),
                   "check the graph edges");
    };
    Shape in = n.inputs.empty() ? Shape{} : nodes[static_cast<size_t>(n.inputs[0])].shape;
    switch (n.op) {
      case Op::input:
        need_inputs(0, 0);
        if (i != 0) fail_input("only one input node is supported", where_node(n), "models with one sequence input");
        n.shape = {input_length, input_channels};
        break;
      case Op::conv1d: {
        need_inputs(1, 1);
        if (n.kernel < 1 || n.stride < 1 || n.dilation < 1 || n.filters < 1 || n.pad_left < 0 || n.pad_right < 0)
          fail_input("kernel, stride, dilation and filters must be positive", where_node(n), "fix the layer");
        expect_weight(n, "kernel", {n.kernel, in.channels, n.filters}, true);
        expect_weight(n, "bias", {n.filters}, false);
        n.shape = {window_output(in.length, n.pad_left + n.pad_right, n.dilation * (n.kernel - 1) + 1, n.stride),
                   n.filters};
        break;
      }
      case Op::dense:
        need_inputs(1, 1);
        expect_weight(n, "kernel", {in.channels, n.units}, true);
        expect_weight(n, "bias", {n.units}, false);
        n.shape = {in.length, n.units};
        break;
      case Op::batchnorm:
        need_inputs(1, 1);
        for (const char* k : {"gamma", "beta", "mean", "var"}) expect_weight(n, k, {in.channels}, true);
        n.shape = in;
        break;
      case Op::activation:
        need_inputs(1, 1);
        n.shape = in;
        break;
      case Op::maxpool1d:
      case Op::avgpool1d:
        need_inputs(1, 1);
        if (n.kernel < 1 || n.stride < 1) fail_input("pool size and stride must be positive", where_node(n), "fix the layer");
        n.shape = {window_output(in.length, n.pad_left + n.pad_right, n.kernel, n.stride), in.channels};
        break;
      case Op::global_avg_pool:
      case Op::global_max_pool:
        need_inputs(1, 1);
        n.shape = {1, in.channels};
        break;
      case Op::flatten:
        need_inputs(1, 1);
        if (n.flatten_order != "lc" && n.flatten_order != "cl")
          fail_input("flatten order must be 'lc' or 'cl'", where_node(n), "fix the layer");
        n.shape = {1, in.length * in.channels};
        break;
      case Op::crop:
        need_inputs(1, 1);
        if (n.crop_left < 0 || n.crop_right < 0) fail_input("negative cropping", where_node(n), "fix the layer");
        n.shape = {in.length - n.crop_left - n.crop_right, in.channels};
        break;
      case Op::add:
        need_inputs(2, 64);
        for (int k : n.inputs)
          if (!(nodes[static_cast<size_t>(k)].shape == in))
            fail_input("inputs of add differ in shape", where_node(n), "crop the inputs to the same length first");
        n.shape = in;
        break;
      case Op::logsumexp:
        need_inputs(1, 1);
        n.shape = {in.length, 1};
        break;
      case Op::concat: {
        need_inputs(1, 64);
        int64_t c = 0;
        for (int k : n.inputs) {
          const Shape& s = nodes[static_cast<size_t>(k)].shape;
          if (s.length != in.length)
            fail_input("inputs of concat differ in length", where_node(n), "crop the inputs to the same length first");
          c += s.channels;
        }
        n.shape = {in.length, c};
        break;
      }
    }
    if (n.shape.length <= 0 || n.shape.channels <= 0)
      fail_input("output would be empty for input length " + std::to_string(input_length), where_node(n),
                 "use a longer input or check padding and cropping");
  }
  if (heads.empty()) fail_input("the model declares no output heads", name, "add outputs to the architecture");
  for (const auto& h : heads) {
    if (h.node < 0 || static_cast<size_t>(h.node) >= nodes.size())
      fail_input("output head '" + h.name + "' names no node", name, "fix the outputs list");
    if (h.kind == HeadKind::scalar && nodes[static_cast<size_t>(h.node)].shape.length != 1)
      fail_input("scalar head '" + h.name + "' has length " +
                     std::to_string(nodes[static_cast<size_t>(h.node)].shape.length),
                 name, "declare it as a profile head or pool it first");
    if (h.strand_pairs) check_strand_pairs(*h.strand_pairs, nodes[static_cast<size_t>(h.node)].shape.channels,
                                           name + ": output '" + h.name + "'");
  }
  if (n_value && !std::isfinite(*n_value))
    fail_input("input.n_value is not a finite number", name, "re-export the model");
}

void check_strand_pairs(const StrandPairs& pairs, int64_t tracks, const std::string& where) {
  std::vector<bool> used(static_cast<size_t>(std::max<int64_t>(tracks, 0)), false);
  for (const auto& pair : pairs)
    for (int64_t c : pair) {
      if (c < 0 || c >= tracks)
        fail_input("strand pair " + std::to_string(pair[0]) + "-" + std::to_string(pair[1]) + " names channel " +
                       std::to_string(c) + " of a head with " + std::to_string(tracks) + " tracks",
                   where, "give channels 0.." + std::to_string(tracks - 1));
      if (used[static_cast<size_t>(c)])
        fail_input("channel " + std::to_string(c) + " is in more than one strand pair", where,
                   "pair each + channel with one - channel");
      used[static_cast<size_t>(c)] = true;
    }
}

// ---- architecture JSON ----------------------------------------------------

nlohmann::json architecture_to_json(const ModelGraph& g) {
  using nlohmann::json;
  json layers = json::array();
  for (const auto& n : g.nodes) {
    json j{{"name", n.name}, {"op", op_name(n.op)}};
    json ins = json::array();
    for (int k : n.inputs) ins.push_back(g.nodes[static_cast<size_t>(k)].name);
    j["inputs"] = ins;
    switch (n.op) {
      case Op::conv1d:
        j["filters"] = n.filters;
        j["kernel"] = n.kernel;
        j["stride"] = n.stride;
        j["dilation"] = n.dilation;
        j["padding"] = {n.pad_left, n.pad_right};
        j["activation"] = activation_name(n.activation);
        break;
      case Op::dense:
        j["units"] = n.units;
        j["activation"] = activation_name(n.activation);
        break;
      case Op::batchnorm:
        j["epsilon"] = n.epsilon;
        break;
      case Op::activation:
        j["activation"] = activation_name(n.activation);
        if (n.activation == Activation::elu) j["alpha"] = n.alpha;
        break;
      case Op::maxpool1d:
      case Op::avgpool1d:
        j["pool"] = n.kernel;
        j["stride"] = n.stride;
        j["padding"] = {n.pad_left, n.pad_right};
        if (n.op == Op::avgpool1d) j["count_include_pad"] = n.count_include_pad;
        break;
      case Op::flatten:
        j["order"] = n.flatten_order;
        break;
      case Op::crop:
        j["cropping"] = {n.crop_left, n.crop_right};
        break;
      default:
        break;
    }
    if (n.op == Op::conv1d || n.op == Op::dense || n.op == Op::activation)
      if (n.activation == Activation::elu) j["alpha"] = n.alpha;
    json w = json::object();
    for (const auto& [key, t] : n.weights) w[key] = t.shape;
    if (!w.empty()) j["weights"] = w;
    layers.push_back(j);
  }
  json heads = json::array();
  for (const auto& h : g.heads) {
    json head{{"name", h.name},
              {"node", g.nodes[static_cast<size_t>(h.node)].name},
              {"kind", h.kind == HeadKind::profile ? "profile" : "scalar"},
              {"bin_size", h.bin_size}};
    if (h.strand_pairs) head["strand_pairs"] = *h.strand_pairs;
    heads.push_back(head);
  }
  json input{{"length", g.input_length}, {"channels", g.input_channels}, {"alphabet", "ACGT"}};
  if (g.n_value) input["n_value"] = *g.n_value;
  return json{{"name", g.name},
              {"input", input},
              {"layers", layers},
              {"outputs", heads},
              {"metadata", g.metadata}};
}

namespace {
template <typename T>
T get_or(const nlohmann::json& j, const char* key, T fallback) {
  return j.contains(key) ? j.at(key).get<T>() : fallback;
}
}  // namespace

ModelGraph architecture_from_json(const nlohmann::json& j, const std::string& where) {
  ModelGraph g;
  try {
    g.name = get_or<std::string>(j, "name", "model");
    g.input_length = j.at("input").at("length").get<int64_t>();
    g.input_channels = get_or<int64_t>(j.at("input"), "channels", 4);
    if (j.at("input").contains("n_value")) g.n_value = j.at("input").at("n_value").get<double>();
    if (j.contains("metadata")) g.metadata = j.at("metadata");
    for (const auto& l : j.at("layers")) {
      Node n;
      n.name = l.at("name").get<std::string>();
      std::string here = where + ": layer '" + n.name + "'";
      n.op = op_from_name(l.at("op").get<std::string>(), here);
      for (const auto& in : l.at("inputs")) {
        int k = g.find(in.get<std::string>());
        if (k < 0) fail_input("input '" + in.get<std::string>() + "' is not an earlier layer", here,
                              "store layers in topological order");
        n.inputs.push_back(k);
      }
      n.filters = get_or<int64_t>(l, "filters", 0);
      n.units = get_or<int64_t>(l, "units", 0);
      n.kernel = get_or<int64_t>(l, "kernel", get_or<int64_t>(l, "pool", 1));
      n.stride = get_or<int64_t>(l, "stride", 1);
      n.dilation = get_or<int64_t>(l, "dilation", 1);
      if (l.contains("padding")) {
        n.pad_left = l.at("padding").at(0).get<int64_t>();
        n.pad_right = l.at("padding").at(1).get<int64_t>();
      }
      n.count_include_pad = get_or<bool>(l, "count_include_pad", true);
      if (l.contains("cropping")) {
        n.crop_left = l.at("cropping").at(0).get<int64_t>();
        n.crop_right = l.at("cropping").at(1).get<int64_t>();
      }
      if (l.contains("activation")) n.activation = activation_from_name(l.at("activation").get<std::string>(), here);
      n.alpha = get_or<float>(l, "alpha", 1.0f);
      n.epsilon = get_or<float>(l, "epsilon", 1e-3f);
      n.flatten_order = get_or<std::string>(l, "order", "lc");
      if (l.contains("weights"))
        for (const auto& [key, shape] : l.at("weights").items()) n.weights[key].shape = shape.get<std::vector<int64_t>>();
      g.nodes.push_back(std::move(n));
    }
    for (const auto& h : j.at("outputs")) {
      Head head;
      head.name = h.at("name").get<std::string>();
      head.node = g.find(h.at("node").get<std::string>());
      if (head.node < 0) fail_input("output '" + head.name + "' names an unknown layer", where, "fix the outputs list");
      std::string kind = get_or<std::string>(h, "kind", "profile");
      if (kind != "profile" && kind != "scalar")
        fail_input("output kind must be 'profile' or 'scalar', not '" + kind + "'", where, "fix the outputs list");
      head.kind = kind == "profile" ? HeadKind::profile : HeadKind::scalar;
      head.bin_size = get_or<int64_t>(h, "bin_size", 1);
      if (h.contains("strand_pairs")) {
        head.strand_pairs.emplace();
        for (const auto& pair : h.at("strand_pairs")) {
          if (!pair.is_array() || pair.size() != 2)
            fail_input("output '" + head.name + "': strand_pairs holds " + pair.dump() + ", not a [+, -] pair",
                       where, "write strand_pairs as [[plus, minus], ...]");
          head.strand_pairs->push_back({pair.at(0).get<int64_t>(), pair.at(1).get<int64_t>()});
        }
      }
      g.heads.push_back(head);
    }
  } catch (const nlohmann::json::exception& e) {
    fail_input(std::string("malformed architecture JSON: ") + e.what(), where, "re-export the model");
  }
  return g;
}

}  // namespace s2f::engine
