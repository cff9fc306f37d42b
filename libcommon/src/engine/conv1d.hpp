// Conv1D over a range of output positions (private).
#pragma once
#include <span>

#include "conv_kernels.hpp"
#include "s2f/engine/compiled_model.hpp"

namespace s2f::engine {

// Positions [range.lo, range.hi) of conv node `c`; input positions outside
// [0, in_length) are zero padding. `isa` is a kernels::Isa value.
// The kernel arguments of conv or dense node `c` (a Dense layer is a one-tap
// convolution) reading `in` (in_length real positions) into `out`; the
// caller sets the weights and the positions.
kernels::ConvArgs layer_args(const CompiledNode& c, const TensorView& in, int64_t in_length, const TensorView& out);

// Positions `range` of Dense node `c` (a one-tap convolution; the packed
// kernel when it has at least a vector of units, else one fixed-order dot
// product an output); `parallel` splits column panels between threads.
void dense_forward(const CompiledNode& c, int isa, const TensorView& in, int64_t in_length, const TensorView& out,
                   PositionRange range, bool parallel);

void conv1d_forward(const CompiledNode& c, int isa, const TensorView& in, int64_t in_length, const TensorView& out,
                    PositionRange range, bool parallel_rows);

// The same positions of a Winograd layer for several sequences at once
// (ins[s] to outs[s]): one set of tile blocks over all of them.
void conv1d_forward_sequences(const CompiledNode& c, int isa, std::span<const TensorView> ins, int64_t in_length,
                              std::span<const TensorView> outs, PositionRange range);

}  // namespace s2f::engine
