// ReversePass: how much each input value moves a scalar of the model's
// outputs, by the chain rule run backwards through the compiled graph.
//
// Two rules for the nonlinear layers:
//  - gradient: each layer's ordinary derivative at the explained input x
//    (saliency, input x gradient);
//  - deeplift: DeepLIFT multipliers of x against one reference r, so that
//    sum over the input of multiplier * (x - r) = target(x) - target(r)
//    ("summation to delta"). Every layer's activations for x and for r are
//    read from two FullActivations passes. The rules, each from its paper:
//      * elementwise activations: the Rescale rule (Shrikumar, Greenside and
//        Kundaje 2017, "Learning important features through propagating
//        activation differences", sec. 3.5.2): (f(z_x) - f(z_r)) / (z_x - z_r),
//        or f'(z_x) where |z_x - z_r| < 1e-6;
//      * max pooling (and global max): the cross-maximum rule of SHAP's
//        DeepExplainer (Lundberg and Lee 2017, "A unified approach to
//        interpreting model predictions"; as in captum's DeepLift): per window
//        and channel, with X and R the window maxima of x and r and
//        M = max(X, R), x's argmax receives g (M - R) and r's argmax g (X - M);
//        an input's multiplier is what it received / (x - r), or the ordinary
//        gradient where |x - r| < 1e-6;
//      * logsumexp over channels: log(sum exp) decomposed into elementwise exp,
//        a sum and log, the Rescale rule on exp and on log (the composition
//        rule of DeepLIFT's paper, sec. 3.5);
//      * softmax inside the network has no DeepLIFT rule here and is refused
//        (a final softmax is explained through its logits; DeepLIFT sec. 3.6);
//      * linear layers (conv, dense, batchnorm, average pools, crop, add,
//        concat, flatten) pass the ordinary gradient.
// Conv1D and Dense run backwards as transposed layers through the same packed
// (and Winograd) kernels as the forward pass, so the reverse pass costs about
// one forward pass. Each call is sequential and deterministic; callers run
// several references in parallel, each with its own ReverseWorkspace.
#pragma once
#include <map>
#include <span>
#include <vector>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/full_activations.hpp"

namespace s2f::engine {

// The graph with every conv/dense activation moved into an activation node
// of its own right after it (named "<layer>.activation"), consumers and
// heads rewired: the reverse pass needs each nonlinearity's input.
ModelGraph split_activations(ModelGraph graph);
// How the reverse pass compiles a (split) graph.
inline constexpr CompileOptions kReverseCompile{false, true};

enum class ReverseRule { gradient, deeplift };

// d target / d (node's output): one value per position and channel of the
// node, (length x channels) row-major.
struct OutputSeed {
  int node = -1;
  std::vector<float> grad;
};

// A thread's buffers. A node's gradient buffer is taken from `pool` when a
// consumer first writes to it and returned once the node has passed it on,
// so only the gradients in flight are held (a few layers of a residual
// network, not all of them). Buffers in the pool are all zero.
struct ReverseWorkspace {
  std::vector<std::vector<float>> grads;  // per node, (length x channels) while in flight
  std::multimap<size_t, std::vector<float>> pool;
  std::vector<float> scratch, scratch2;
};

class ReversePass {
 public:
  // `model` compiled from split_activations() with kReverseCompile; it must
  // outlive this object. Fails naming the layer when the model holds a layer
  // the deeplift rule cannot take (a softmax inside the network).
  explicit ReversePass(const CompiledModel& model);

  // Multipliers of the seeded target with respect to the input, written to
  // `input` (input length x channels). `ref` is the reference's activations
  // (deeplift) or null (gradient at x).
  void run(ReverseRule rule, const FullActivations& x, const FullActivations* ref, std::span<const OutputSeed> seeds,
           std::span<float> input, ReverseWorkspace& ws) const;

  // The first node (if any) the deeplift rule has no rule for; -1 if none.
  int unsupported_for_deeplift() const { return unsupported_; }

 private:
  const CompiledModel* model_;
  // Conv1D/Dense node i's transposed layer: maps output gradients to input
  // gradients (empty node for other ops).
  std::vector<CompiledNode> transposed_;
  int isa_ = 0;
  int unsupported_ = -1;
};

}  // namespace s2f::engine
