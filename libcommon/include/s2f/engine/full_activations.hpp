// FullActivations: every node's activation over all of its positions, one
// buffer per node (no memory planning). This is the reference pass that
// fast ISM keeps: after changing a few input bases, recompute each layer only
// on CompiledModel::changed_range() of it, in place, and read the heads.
//
//   FullActivations ref(model, onehot);        // once per sequence
//   FullActivations alt = ref;                 // copy, then per variant:
//   alt.set_input_base(pos, base);             // A=0 C=1 G=2 T=3
//   alt.update({pos, pos + 1});                // recompute only what changed
//   const float* counts = alt.view(head_node).row(0);
#pragma once
#include <vector>

#include "s2f/engine/compiled_model.hpp"

namespace s2f::engine {

class FullActivations {
 public:
  // `need` (from ActivationPlanner::plan, one range per node; empty: all of
  // every node) limits the positions computed, here and in update(): the
  // flanks a final crop discards, or heads nobody asked for, are skipped.
  FullActivations(const CompiledModel& model, const float* onehot, std::vector<PositionRange> need = {});
  FullActivations(const FullActivations& o);
  FullActivations& operator=(const FullActivations& o);

  // The same pass for another input, in the buffers already held (callers
  // that run many sequences keep one object a thread).
  void recompute(const float* onehot);

  const TensorView& view(int node) const { return views_[static_cast<size_t>(node)]; }
  const CompiledModel& model() const { return *model_; }
  // One-hot row of the input at `pos` set to `base` (0..3), or all zero (-1).
  void set_input_base(int64_t pos, int base);
  // Recomputes, in topological order, exactly the positions of each node
  // that depend on input positions `changed`; returns the changed range of
  // every node (empty when a node is unaffected). Given the activations
  // `before` the change (the reference pass), a global average pool is
  // updated from the changed window alone: mean += sum(after - before) / L.
  std::vector<PositionRange> update(PositionRange changed, const FullActivations* before = nullptr);
  // Undoes update(): copies the `changed` positions of every node back from
  // `reference`, which must hold the activations this object had before.
  void restore(const FullActivations& reference, const std::vector<PositionRange>& changed);

 private:
  void bind_views();
  void compute_all();
  const CompiledModel* model_;
  std::vector<std::vector<float>> buffers_;  // [0] is a copy of the input
  std::vector<TensorView> views_;
  std::vector<PositionRange> need_;
};

}  // namespace s2f::engine
