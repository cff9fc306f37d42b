// CompiledModel: a ModelGraph prepared for inference. BatchNorm is folded
// into the preceding Conv1D/Dense, a ReLU that follows a conv is fused into
// its kernel, and weights are packed for the kernels. Nodes keep their
// indices, so callers (s2f-predict, fast ISM) can run any single node on any
// sub-range of positions with compute_node() and ask which input positions
// that needs with input_range(). The Conv1D kernels are chosen when the model
// is compiled: the best of AVX-512, AVX2 and generic this CPU runs, or a lower
// one named by the environment variable S2F_ENGINE_ISA (avx2, generic).
// Wide convolutions of 3 taps or more run as Winograd convolutions
// (conv_winograd.hpp) unless S2F_ENGINE_WINOGRAD=0, which tests and
// benchmarks use to compare.
#pragma once
#include <cstdint>
#include <string>
#include <span>
#include <vector>

#include "s2f/engine/graph.hpp"
#include "s2f/engine/tensor_view.hpp"

namespace s2f::engine {

// How a node's output is stored.
enum class Storage {
  own,       // a buffer of its own (from the activation plan)
  alias,     // the input's buffer, unchanged (folded BN, fused ReLU, Flatten "lc")
  shifted,   // the input's buffer with positions shifted (Cropping1D)
  in_place,  // overwrites its first input's buffer (Add, activations) when the plan allows
};

struct CompiledNode {
  Node node;  // parameters and shape (weights moved to the packed fields below)
  Storage storage = Storage::own;
  Activation activation = Activation::linear;  // applied after the op (conv/dense/activation)
  bool fused_relu = false;                     // conv: ReLU inside the kernel
  std::vector<float> kernel;                   // conv: (K, Cin, Cout); dense: (Cin, Cout); empty once packed
                                               // unless CompileOptions::keep_kernels
  std::vector<float> packed;                   // at least a vector of outputs: kernels::pack_weights
                                               // (or winograd_pack when `winograd`)
  int winograd = 0;                            // conv run as a Winograd convolution: its outputs a
                                               // tile (2, 4, or 12 or 9 nested), 0 when not
  std::vector<float> kernel_dot;               // conv with few outputs: (Cout, K*Cin)
  std::vector<float> bias;                     // Cout, or empty
  std::vector<float> scale, shift;             // unfolded batchnorm: y = x*scale + shift
  int64_t flops_per_position = 0;              // multiply-adds x 2, for benchmarks
};

// How a graph is prepared. Inference fuses activations into the layer
// before them and keeps only packed weights. The reverse pass (reverse_pass.hpp)
// needs every nonlinearity's input and output, so it compiles a graph whose
// activations are nodes of their own (split_activations) without fusing
// them, and keeps the (BatchNorm-folded) kernels to transpose. Fast ISM
// recomputes small ranges around a mutation: F(4,3) and nested tiles would
// widen them to whole blocks of 4 or 12 x dilation positions (1024 at
// dilation 256 with F(4,3)), so it
// keeps tiles of 2, whose outputs depend on their own window only.
struct CompileOptions {
  bool fuse_activations = true;
  bool keep_kernels = false;
  int winograd_outputs = 12;  // 12: nested tiles (7-12 taps) allowed; 4, 2: at most F(4,3), F(2,3); 0: none
};

class CompiledModel {
 public:
  // Takes the graph's weights over (pass an rvalue to keep one copy).
  explicit CompiledModel(ModelGraph graph, CompileOptions options = {});

  const ModelGraph& graph() const { return graph_; }  // shapes, heads; no weights
  const std::vector<CompiledNode>& nodes() const { return nodes_; }
  const CompiledNode& node(int i) const { return nodes_[static_cast<size_t>(i)]; }
  int64_t length(int i) const { return nodes_[static_cast<size_t>(i)].node.shape.length; }
  int64_t channels(int i) const { return nodes_[static_cast<size_t>(i)].node.shape.channels; }

  // Input positions of `input_slot` that node i reads to produce `out`
  // (clipped to the input's length: positions outside are zero padding).
  PositionRange input_range(int i, size_t input_slot, PositionRange out) const;
  // The reverse: output positions of node i that read any of the positions
  // `in` of input `input_slot` (what a change there can alter; fast ISM).
  PositionRange changed_range(int i, size_t input_slot, PositionRange in) const;

  // Computes positions `out_range` of node i into `out` from its inputs'
  // views, which must hold input_range() of each input. Storage::alias and
  // Storage::shifted nodes need no computation (see view_of_alias).
  void compute_node(int i, const TensorView* inputs, const TensorView& out, PositionRange out_range,
                    bool parallel_rows = false) const;
  // Node i (a position-wise layer: dense, batchnorm, activation, add,
  // concat, logsumexp) on `rows` independent rows, row b being sequence b's
  // single position: how the predictor runs the layers after a Flatten or
  // global pool for a whole batch at once, so a Dense layer is a GEMM.
  void compute_rows(int i, const TensorView* inputs, const TensorView& out, int64_t rows, bool parallel) const;
  // Node i for several sequences at once (inputs[s], node i's single input,
  // to outs[s]), the same positions of each: true for the layers that gain
  // from it (Winograd convolutions: one set of weight passes for all), which
  // then give each sequence the bits compute_node gives it.
  bool computes_sequences_together(int i) const;
  void compute_node_sequences(int i, std::span<const TensorView> inputs, std::span<const TensorView> outs,
                              PositionRange out_range) const;
  // How many sequences' tiles fill one block of the layer that computes
  // sequences together with the fewest tiles a sequence (0: no such layer).
  int64_t sequences_per_block() const;
  // The view of an alias/shifted node given its input's view.
  TensorView view_of_alias(int i, const TensorView& input) const;

  const char* isa() const;  // instruction set of the conv kernels in use

 private:
  ModelGraph graph_;
  std::vector<CompiledNode> nodes_;
  int isa_ = 0;
};

}  // namespace s2f::engine
