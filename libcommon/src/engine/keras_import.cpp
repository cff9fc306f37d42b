// Keras 2.x import. The layer graph comes from the model's architecture
// JSON, weights from <layer>/<weight name> under model_weights of a full .h5
// or at the root of a weights-only .h5 (keras_files.hpp opens either form).
// An Input of free length (None, 4) is built at the length the caller
// gives. Keras semantics kept exactly: Conv1D kernels are (k, in, out) like
// ours, channels-last; "same" padding puts the odd extra pad on the right; "causal"
// pads only the left; average pooling with "same" padding excludes the pad.
#include <algorithm>
#include <set>

#include "h5_weights.hpp"
#include "keras_files.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/error.hpp"
#include "s2f/utf8.hpp"

namespace s2f::engine {

namespace {

using nlohmann::json;

// A tensor reference of the Keras graph: (layer name within its model, output index).
using TensorRef = std::pair<std::string, int64_t>;

struct KerasLayer {
  std::string name, cls;
  json config;
  std::vector<TensorRef> inbound;
  std::string weight_group;  // HDF5 group holding this layer's weights
  std::string node_name;     // s2f node name (nested models are prefixed "model.")
};

// Base64 (RFC 4648) decoding, for the marshalled code of Lambda layers.
std::string base64_decode(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char ch : in) {
    int d;
    if (ch >= 'A' && ch <= 'Z') d = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') d = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') d = ch - '0' + 52;
    else if (ch == '+') d = 62;
    else if (ch == '/') d = 63;
    else continue;  // newlines, padding
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

int64_t first_int(const json& v) { return v.is_array() ? v.at(0).get<int64_t>() : v.get<int64_t>(); }

// TensorFlow's "same": output ceil(L / stride), total pad split with the
// extra position on the right.
std::pair<int64_t, int64_t> same_padding(int64_t length, int64_t span, int64_t stride) {
  const int64_t out = (length + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + span - length, 0);
  return {total / 2, total - total / 2};
}

Activation keras_activation(const json& config, const std::string& where) {
  if (!config.contains("activation")) return Activation::linear;
  const json& a = config.at("activation");
  if (!a.is_string()) fail_input("activation given as an object is not supported", where, "use a named activation");
  std::string s = a.get<std::string>();
  if (s == "exponential") s = "exp";
  if (s == "swish") fail_input("activation 'swish' is not supported", where, "use relu, gelu, elu, sigmoid, tanh, softplus");
  return activation_from_name(s, where);
}

class KerasImporter {
 public:
  KerasImporter(const ModelSource& src, KerasFiles files)
      : path_(files.config_path), weights_path_(files.weights_path), file_(std::move(files.weights)),
        config_(std::move(files.config)), separate_weights_(files.separate_weights), length_(src.input_length) {}

  ModelGraph run() {
    const json& config = config_;
    const std::string cls = config.value("class_name", "");
    if (cls != "Functional" && cls != "Model" && cls != "Sequential")
      fail_input("top-level model class '" + cls + "' is not supported", path_,
                 "save a Keras functional or Sequential model with model.save('model.h5')");
    const json& c = config.at("config");
    g_.name = c.is_object() ? c.value("name", "keras_model") : "keras_model";
    g_.metadata["source_format"] = "keras";
    if (config.contains("keras_version") && config.at("keras_version").is_string())
      g_.metadata["keras_version"] = config.at("keras_version");
    else if (file_.has_attribute("/", "keras_version"))
      g_.metadata["keras_version"] = file_.read_string_attribute("/", "keras_version");
    if (separate_weights_) g_.metadata["weights_file"] = weights_path_;
    // Keras sequence models (ChromBPNet, BPNet, splice-site models) were
    // trained on one-hot input whose N rows are all zero: their training
    // code encodes an N as [0, 0, 0, 0]. MODEL.md, "Keras import".
    g_.n_value = 0.0;
    weights_root_ = file_.exists("/model_weights") ? "/model_weights" : "/";

    std::vector<int> outputs = add_model(config, "", {}, "");
    std::vector<std::string> names;
    if (cls == "Sequential") {
      names.push_back(g_.nodes[static_cast<size_t>(outputs[0])].name);
    } else {
      for (const auto& o : c.at("output_layers")) names.push_back(o.at(0).get<std::string>());
    }
    for (size_t k = 0; k < outputs.size(); ++k) add_head(names[k], outputs[k]);
    g_.infer_shapes();
    ModelGraph hashed = g_;
    hashed.metadata = json::object();
    g_.metadata["content_hash"] = content_hash(dump_json(architecture_to_json(hashed)), hashed);
    return std::move(g_);
  }

 private:
  std::vector<KerasLayer> read_layers(const json& config, const std::string& prefix, const std::string& nested_group) {
    const bool sequential = config.at("class_name") == "Sequential";
    const json& c = config.at("config");
    const json& list = c.is_array() ? c : c.at("layers");
    std::vector<KerasLayer> out;
    std::string previous;
    for (const auto& l : list) {
      KerasLayer k;
      k.cls = l.at("class_name").get<std::string>();
      k.config = l.at("config");
      k.name = l.contains("name") ? l.at("name").get<std::string>() : k.config.at("name").get<std::string>();
      k.node_name = prefix + k.name;
      // Top-level layers keep weights in their own group; layers of a nested
      // model share the nested model's group, under "<layer>/<weight>:0".
      k.weight_group = nested_group.empty() ? weights_root_ + (weights_root_ == "/" ? "" : "/") + k.name : nested_group;
      if (sequential) {
        if (previous.empty() && k.cls != "InputLayer") {
          // Sequential models carry the input shape on their first layer.
          KerasLayer input{"input", "InputLayer", {{"batch_input_shape", input_shape_of(k.config, path_)}}, {}, "",
                           prefix + "input"};
          out.push_back(input);
          previous = "input";
        }
        if (!previous.empty()) k.inbound = {{previous, 0}};
        previous = k.name;
      } else {
        const json& nodes = l.at("inbound_nodes");
        if (nodes.size() > 1)
          fail_input("layer '" + k.name + "' (" + k.cls + ") is called more than once (shared layer)", path_,
                     "shared layers are not supported");
        if (!nodes.empty())
          for (const auto& t : nodes.at(0)) k.inbound.push_back({t.at(0).get<std::string>(), t.at(2).get<int64_t>()});
      }
      out.push_back(std::move(k));
    }
    return out;
  }

  // Adds the layers of a (possibly nested) model; `bound` are the outer
  // nodes its inputs are fed from (empty at the top level). Returns the
  // nodes of its outputs.
  std::vector<int> add_model(const json& config, const std::string& prefix, const std::vector<int>& bound,
                             const std::string& nested_group) {
    const bool sequential = config.at("class_name") == "Sequential";
    std::vector<KerasLayer> layers = read_layers(config, prefix, nested_group);
    std::map<TensorRef, int> tensors;
    std::vector<std::string> input_names;
    if (!sequential)
      for (const auto& i : config.at("config").at("input_layers")) input_names.push_back(i.at(0).get<std::string>());
    for (auto& l : layers) {
      std::vector<int> inputs;
      for (const auto& ref : l.inbound) {
        auto it = tensors.find(ref);
        if (it == tensors.end())
          fail_input("inbound tensor '" + ref.first + "' not found", path_ + ": layer '" + l.name + "'",
                     "layers must be listed in order");
        inputs.push_back(it->second);
      }
      if (l.cls == "InputLayer" && !bound.empty()) {
        // A nested model's input is the outer tensor it is called on.
        auto pos = std::find(input_names.begin(), input_names.end(), l.name);
        size_t k = pos == input_names.end() ? 0 : static_cast<size_t>(pos - input_names.begin());
        if (k >= bound.size()) fail_input("nested model input not bound", path_ + ": layer '" + l.name + "'", "");
        tensors[{l.name, 0}] = bound[k];
        continue;
      }
      if (l.cls == "Functional" || l.cls == "Model" || l.cls == "Sequential") {
        const json sub{{"class_name", l.cls}, {"config", l.config}};
        const std::string group = weights_root_ + (weights_root_ == "/" ? "" : "/") + l.name;
        auto outs = add_model(sub, l.node_name + ".", inputs, group);
        for (size_t k = 0; k < outs.size(); ++k) tensors[{l.name, static_cast<int64_t>(k)}] = outs[k];
        continue;
      }
      tensors[{l.name, 0}] = add_layer(l, inputs);
    }
    std::vector<int> outputs;
    if (sequential) {
      outputs.push_back(tensors.at({layers.back().name, 0}));
    } else {
      for (const auto& o : config.at("config").at("output_layers")) {
        auto it = tensors.find({o.at(0).get<std::string>(), o.at(2).get<int64_t>()});
        if (it == tensors.end()) fail_input("output '" + o.at(0).get<std::string>() + "' not found", path_, "check the model_config");
        outputs.push_back(it->second);
      }
    }
    return outputs;
  }

  // Dataset of weight `suffix` (kernel, bias, gamma, ...) of layer l, or "".
  // Weight names are "<layer>/<suffix>:0"; inside a nested model's group
  // the layer part must be this layer's name.
  std::string find_weight(const KerasLayer& l, const std::string& suffix) {
    if (!file_.has_attribute(l.weight_group, "weight_names")) return "";
    const bool nested = l.weight_group.substr(l.weight_group.rfind('/') + 1) != l.name;
    for (const auto& w : file_.read_string_list_attribute(l.weight_group, "weight_names")) {
      const size_t slash = w.rfind('/');
      std::string base = w.substr(slash + 1);
      if (base.rfind(':') != std::string::npos) base = base.substr(0, base.rfind(':'));
      const std::string owner = slash == std::string::npos ? "" : w.substr(0, slash);
      const std::string owner_leaf = owner.substr(owner.rfind('/') + 1);
      if (base == suffix && (!nested || owner_leaf == l.name)) return l.weight_group + "/" + w;
    }
    return "";
  }

  WeightTensor weight(const KerasLayer& l, const std::string& suffix) {
    const std::string path = find_weight(l, suffix);
    if (path.empty())
      fail_input("weight '" + suffix + "' of layer '" + l.name + "' (" + l.cls + ") not found", weights_path_,
                 separate_weights_ ? "give the weights saved from this architecture's model (model.save_weights)"
                                   : "the file has no weights for this layer; save the full model");
    WeightTensor t = read_weights(file_, path);
    require_finite_weights(t, weights_path_, l.name, suffix);
    return t;
  }

  bool has_weight(const KerasLayer& l, const std::string& suffix) { return !find_weight(l, suffix).empty(); }

  int64_t input_length_of(const Node& n) {
    // Lengths of earlier nodes are known: shapes are inferred as we go.
    return g_.nodes[static_cast<size_t>(n.inputs.at(0))].shape.length;
  }

  int add_layer(const KerasLayer& l, const std::vector<int>& inputs) {
    const std::string where = path_ + ": layer '" + l.name + "' (" + l.cls + ")";
    const json& c = l.config;
    Node n;
    n.name = l.node_name;
    n.inputs = inputs;
    auto unsupported = [&](const std::string& why) {
      fail_input("unsupported Keras layer '" + l.name + "' of class " + l.cls + (why.empty() ? "" : ": " + why), path_,
                 "supported: InputLayer Conv1D Dense BatchNormalization Activation ReLU MaxPooling1D "
                 "AveragePooling1D GlobalAveragePooling1D GlobalMaxPooling1D Flatten Cropping1D Add Concatenate "
                 "Dropout, nested models, Lambda(reduce_logsumexp)");
    };
    if (c.contains("data_format") && c.at("data_format") != "channels_last") unsupported("data_format must be channels_last");

    if (l.cls == "InputLayer") {
      if (!g_.nodes.empty()) unsupported("only one input is supported");
      set_input(input_shape_of(c, where), where);
      n.op = Op::input;
    } else if (g_.nodes.empty()) {
      unsupported("the model must start with an InputLayer");
    } else if (l.cls == "Conv1D") {
      n.op = Op::conv1d;
      if (c.value("groups", 1) != 1) unsupported("grouped convolution");
      n.filters = c.at("filters").get<int64_t>();
      n.kernel = first_int(c.at("kernel_size"));
      n.stride = first_int(c.at("strides"));
      n.dilation = first_int(c.at("dilation_rate"));
      n.activation = keras_activation(c, where);
      const std::string padding = c.at("padding").get<std::string>();
      const int64_t span = n.dilation * (n.kernel - 1) + 1;
      if (padding == "same") std::tie(n.pad_left, n.pad_right) = same_padding(input_length_of(n), span, n.stride);
      else if (padding == "causal") n.pad_left = span - 1;
      else if (padding != "valid") unsupported("padding '" + padding + "'");
      n.weights["kernel"] = weight(l, "kernel");
      if (c.value("use_bias", true)) n.weights["bias"] = weight(l, "bias");
    } else if (l.cls == "Dense") {
      n.op = Op::dense;
      n.units = c.at("units").get<int64_t>();
      n.activation = keras_activation(c, where);
      n.weights["kernel"] = weight(l, "kernel");
      if (c.value("use_bias", true)) n.weights["bias"] = weight(l, "bias");
    } else if (l.cls == "BatchNormalization") {
      n.op = Op::batchnorm;
      json axis = c.at("axis");
      int64_t ax = axis.is_array() ? (axis.size() == 1 ? axis.at(0).get<int64_t>() : 0) : axis.get<int64_t>();
      if (ax != -1 && ax != 2) unsupported("normalization must be over the channel axis");
      n.epsilon = c.at("epsilon").get<float>();
      const int64_t ch = g_.nodes[static_cast<size_t>(n.inputs.at(0))].shape.channels;
      n.weights["mean"] = weight(l, "moving_mean");
      n.weights["var"] = weight(l, "moving_variance");
      n.weights["gamma"] = has_weight(l, "gamma") ? weight(l, "gamma") : WeightTensor{{ch}, std::vector<float>(static_cast<size_t>(ch), 1.0f)};
      n.weights["beta"] = has_weight(l, "beta") ? weight(l, "beta") : WeightTensor{{ch}, std::vector<float>(static_cast<size_t>(ch), 0.0f)};
    } else if (l.cls == "Activation") {
      n.op = Op::activation;
      n.activation = keras_activation(c, where);
    } else if (l.cls == "ReLU") {
      if (c.value("max_value", json()).is_number() || c.value("negative_slope", 0.0) != 0.0 || c.value("threshold", 0.0) != 0.0)
        unsupported("only plain ReLU (no max_value, slope or threshold)");
      n.op = Op::activation;
      n.activation = Activation::relu;
    } else if (l.cls == "ELU") {
      n.op = Op::activation;
      n.activation = Activation::elu;
      n.alpha = c.value("alpha", 1.0f);
    } else if (l.cls == "Softmax") {
      n.op = Op::activation;
      n.activation = Activation::softmax;
    } else if (l.cls == "Dropout" || l.cls == "SpatialDropout1D" || l.cls == "GaussianNoise") {
      n.op = Op::activation;  // identity at inference
      n.activation = Activation::linear;
    } else if (l.cls == "MaxPooling1D" || l.cls == "AveragePooling1D") {
      n.op = l.cls == "MaxPooling1D" ? Op::maxpool1d : Op::avgpool1d;
      n.kernel = first_int(c.at("pool_size"));
      n.stride = c.at("strides").is_null() ? n.kernel : first_int(c.at("strides"));
      const std::string padding = c.at("padding").get<std::string>();
      if (padding == "same") {
        std::tie(n.pad_left, n.pad_right) = same_padding(input_length_of(n), n.kernel, n.stride);
        n.count_include_pad = false;
      } else if (padding != "valid") {
        unsupported("padding '" + padding + "'");
      }
    } else if (l.cls == "GlobalAveragePooling1D") {
      n.op = Op::global_avg_pool;
    } else if (l.cls == "GlobalMaxPooling1D") {
      n.op = Op::global_max_pool;
    } else if (l.cls == "Flatten") {
      n.op = Op::flatten;
      n.flatten_order = "lc";
    } else if (l.cls == "Cropping1D") {
      n.op = Op::crop;
      const json& cr = c.at("cropping");
      n.crop_left = cr.is_array() ? cr.at(0).get<int64_t>() : cr.get<int64_t>();
      n.crop_right = cr.is_array() ? cr.at(1).get<int64_t>() : cr.get<int64_t>();
    } else if (l.cls == "Add") {
      n.op = Op::add;
    } else if (l.cls == "Lambda") {
      // Lambda layers hold marshalled Python code, which is not run here.
      // ChromBPNet combines bias and accessibility counts with
      // tf.math.reduce_logsumexp(x, axis=-1, keepdims=True): recognised by
      // that call in the code's names; any other Lambda is rejected.
      const json& f = c.at("function");
      const std::string code = base64_decode(f.is_array() ? f.at(0).get<std::string>() : f.get<std::string>());
      if (code.find("reduce_logsumexp") == std::string::npos)
        unsupported("only Lambda(tf.math.reduce_logsumexp over the last axis) is supported");
      n.op = Op::logsumexp;
    } else if (l.cls == "Concatenate") {
      const int64_t axis = c.value("axis", int64_t{-1});
      if (axis != -1 && axis != 2) unsupported("only concatenation over channels (axis -1)");
      n.op = Op::concat;
    } else {
      unsupported("");
    }
    g_.nodes.push_back(std::move(n));
    // Infer the new node's shape now: later "same" paddings need it.
    std::vector<Head> keep = std::move(g_.heads);
    g_.heads = {Head{"_", static_cast<int>(g_.nodes.size()) - 1, HeadKind::profile, 1, {}}};
    try {
      g_.infer_shapes();
    } catch (const Error& e) {
      // At a length the user chose, say that another length is the fix.
      if (!g_.metadata.value("input_length_free", false)) throw;
      throw Error(e.code(), e.what_part(), path_ + ": " + e.where(),
                  "the model cannot run at " + std::to_string(g_.input_length) +
                      " bp; give a longer --input-length (or longer windows)");
    }
    g_.heads = std::move(keep);
    return static_cast<int>(g_.nodes.size()) - 1;
  }

  // The input's (batch, length, channels): a free length (None) takes the
  // caller's; a fixed one must agree with it when one is given.
  void set_input(const json& shape, const std::string& where) {
    if (!shape.is_array() || shape.size() != 3 || !shape.at(2).is_number_integer())
      fail_input("input shape must be (batch, length, channels), e.g. (None, 2114, 4)", where,
                 "models with one one-hot sequence input are supported");
    g_.input_channels = shape.at(2).get<int64_t>();
    const std::string dims = "(None, " + std::to_string(g_.input_channels) + ")";
    if (shape.at(1).is_null()) {
      if (length_ <= 0)
        fail_input("the model's input length is free (Keras Input shape " + dims + ")", path_, kFreeLengthFix);
      g_.input_length = length_;
      g_.metadata["input_length_free"] = true;
      return;
    }
    g_.input_length = shape.at(1).get<int64_t>();
    if (length_ > 0 && length_ != g_.input_length)
      fail_input("the model takes " + std::to_string(g_.input_length) + "-bp inputs, not " + std::to_string(length_),
                 path_, "leave --input-length out: it is for models whose input length is free");
  }

  void add_head(const std::string& layer, int node) {
    // A Flatten that ends a profile head is undone: the head is the
    // (bins x tracks) tensor before it.
    const Node& n = g_.nodes[static_cast<size_t>(node)];
    if (n.op == Op::flatten && g_.nodes[static_cast<size_t>(n.inputs[0])].shape.length > 1) node = n.inputs[0];
    const Shape s = g_.nodes[static_cast<size_t>(node)].shape;
    g_.heads.push_back(Head{layer, node, s.length > 1 ? HeadKind::profile : HeadKind::scalar, 1, {}});
  }

  std::string path_, weights_path_;
  h5::File file_;
  json config_;
  bool separate_weights_ = false;
  int64_t length_ = 0;
  std::string weights_root_;
  ModelGraph g_;
};

}  // namespace

ModelGraph import_keras(const ModelSource& source) {
  try {
    return KerasImporter(source, open_keras(source)).run();
  } catch (const nlohmann::json::exception& e) {
    // A model_config missing a key or holding one of the wrong type: a
    // damaged or hand-edited file, not an s2f bug.
    fail_input(std::string("the Keras model_config is damaged: ") + e.what(), source.path,
               "re-save the model with Keras 2.x (model.save('model.h5'))");
  }
}

}  // namespace s2f::engine
