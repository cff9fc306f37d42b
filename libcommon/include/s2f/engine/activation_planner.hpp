// ActivationPlanner: decides, once per model, which output positions each
// node must compute and where its activation lives.
//
// Positions: starting from the output heads, each node computes only the
// positions some consumer reads (a BPNet's last dilated layers and its
// profile conv then skip the flanks that the final crop throws away).
// Memory: nodes whose outputs are never alive at the same time share a slot
// of one per-sequence arena; crops, folded BatchNorm and fused activations
// are views of their input; Add and activations overwrite an input that
// nothing reads afterwards.
#pragma once
#include <cstdint>
#include <vector>

#include "s2f/engine/compiled_model.hpp"

namespace s2f::engine {

struct ActivationPlan {
  std::vector<PositionRange> need;      // positions computed per node; empty: node unused
  std::vector<int> slot;                // arena slot per node, -1 when it is a view or in place
  std::vector<bool> in_place;           // overwrites its first input's buffer
  std::vector<int64_t> slot_offset;     // float offset of each slot in the arena
  int64_t arena_floats = 0;             // per sequence
  int64_t unplanned_floats = 0;         // one full buffer per node, for comparison
  double flops = 0;                     // per sequence, over the planned positions
};

class ActivationPlanner {
 public:
  // `head_ranges` (one per head, default: everything) restricts what is
  // computed, e.g. only the bins fast ISM needs.
  static ActivationPlan plan(const CompiledModel& model, std::vector<PositionRange> head_ranges = {});
};

}  // namespace s2f::engine
