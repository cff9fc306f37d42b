// ModelGraph: the framework-neutral description of a sequence model that the
// engine runs. A model is a DAG of named nodes in topological order; every
// activation is channels-last, one (length x channels) matrix per sequence, so
// a one-hot input is (L x 4) and a vector (after pooling or Dense) is (1 x n).
// Keras import, the s2f model file and the PyTorch exporter all produce this.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace s2f::engine {

enum class Op {
  input,
  conv1d,        // weights: kernel (K, Cin, Cout), bias (Cout)
  dense,         // weights: kernel (Cin, Cout), bias (Cout); per position
  batchnorm,     // weights: gamma, beta, mean, var (C); eps in params
  activation,    // params.activation
  maxpool1d,
  avgpool1d,
  global_avg_pool,
  global_max_pool,
  flatten,       // (L, C) -> (1, L*C); order "lc" (Keras) or "cl" (PyTorch)
  crop,          // keep positions [left, L - right)
  add,
  concat,        // along channels
  logsumexp,     // over channels: (L, C) -> (L, 1)
};

enum class Activation { linear, relu, gelu, gelu_tanh, elu, sigmoid, tanh, softplus, exp, softmax };

const char* op_name(Op op);
Op op_from_name(const std::string& name, const std::string& where);
const char* activation_name(Activation a);
Activation activation_from_name(const std::string& name, const std::string& where);

struct Shape {
  int64_t length = 0, channels = 0;
  bool operator==(const Shape&) const = default;
};

// A float32 weight tensor in row-major order.
struct WeightTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
  int64_t numel() const;
};

struct Node {
  std::string name;
  Op op = Op::input;
  std::vector<int> inputs;  // indices of earlier nodes
  // Convolution / pooling geometry (pool size is `kernel`).
  int64_t filters = 0, units = 0, kernel = 1, stride = 1, dilation = 1;
  int64_t pad_left = 0, pad_right = 0;  // zero padding of the input
  bool count_include_pad = true;        // avgpool1d with padding
  // Cropping; for crop nodes, positions [crop_left, L - crop_right) are kept.
  int64_t crop_left = 0, crop_right = 0;
  Activation activation = Activation::linear;  // fused after conv/dense, or the op itself
  float alpha = 1.0f;                          // elu
  float epsilon = 1e-3f;                       // batchnorm
  std::string flatten_order = "lc";
  std::map<std::string, WeightTensor> weights;
  // Filled by ModelGraph::infer_shapes().
  Shape shape;
};

enum class HeadKind { profile, scalar };

// Opposite-strand channel pairs of a head, (+ channel, - channel): on the
// reverse complement of a sequence, each reads as the other. Channels in no
// pair are unstranded.
using StrandPairs = std::vector<std::array<int64_t, 2>>;

// A named model output. Profile heads are tracks x bins (tracks = channels,
// bins = positions); scalar heads are one value per track (length 1).
struct Head {
  std::string name;
  int node = -1;
  HeadKind kind = HeadKind::profile;
  int64_t bin_size = 1;
  // What the model file says of its strands (formats/MODEL.md); none when it
  // does not say, an empty list when every track is unstranded.
  std::optional<StrandPairs> strand_pairs = std::nullopt;
};

struct ModelGraph {
  std::string name;
  int64_t input_length = 0;
  int64_t input_channels = 4;
  std::vector<Node> nodes;  // nodes[0] is the input; topological order
  std::vector<Head> heads;
  // The one-hot value of every channel at an N that the model's training
  // used (input.n_value, formats/MODEL.md); none when the file does not say.
  std::optional<double> n_value;
  nlohmann::json metadata = nlohmann::json::object();  // source, framework, free text

  int find(const std::string& node_name) const;  // -1 if absent
  // Checks the DAG, parameters and weight shapes; fills Node::shape.
  // Fails with s2f::Error naming the node.
  void infer_shapes();
  int64_t parameter_count() const;
  // Nodes that read each node (reverse edges).
  std::vector<std::vector<int>> consumers() const;
};

// Fails naming `where` unless every channel of `pairs` is one of the head's
// `tracks` and in at most one pair.
void check_strand_pairs(const StrandPairs& pairs, int64_t tracks, const std::string& where);

// Architecture JSON (no weights) as specified in formats/MODEL.md.
nlohmann::json architecture_to_json(const ModelGraph& g);
// Reads an architecture; weights are left empty for the caller to fill.
ModelGraph architecture_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace s2f::engine
