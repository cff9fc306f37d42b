// Element-wise activations over a range of positions of a view (private).
#pragma once
#include "s2f/engine/graph.hpp"
#include "s2f/engine/tensor_view.hpp"

namespace s2f::engine {

// out[p] = f(in[p]) for p in range; out may be the same view as in.
void apply_activation(Activation a, float alpha, const TensorView& in, const TensorView& out, PositionRange range);

}  // namespace s2f::engine
