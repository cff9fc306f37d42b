// ActivationPlanner: position ranges (backwards from the heads) and arena
// slots (forwards, freeing a slot after its last reader).
#include "s2f/engine/activation_planner.hpp"

#include <algorithm>
#include <limits>

#include "s2f/error.hpp"

namespace s2f::engine {

ActivationPlan ActivationPlanner::plan(const CompiledModel& model, std::vector<PositionRange> head_ranges) {
  const auto& g = model.graph();
  const size_t n = model.nodes().size();
  ActivationPlan p;
  p.need.assign(n, {});
  p.slot.assign(n, -1);
  p.in_place.assign(n, false);

  std::vector<bool> is_head(n, false);
  for (size_t h = 0; h < g.heads.size(); ++h) {
    const int node = g.heads[h].node;
    PositionRange r{0, model.length(node)};
    if (h < head_ranges.size()) r = head_ranges[h].clip(model.length(node));
    p.need[static_cast<size_t>(node)] = p.need[static_cast<size_t>(node)].hull(r);
    is_head[static_cast<size_t>(node)] = true;
  }
  for (size_t i = n; i-- > 1;) {
    const auto& node = model.node(static_cast<int>(i)).node;
    for (size_t s = 0; s < node.inputs.size(); ++s) {
      auto& need_in = p.need[static_cast<size_t>(node.inputs[s])];
      need_in = need_in.hull(model.input_range(static_cast<int>(i), s, p.need[i]));
    }
  }
  p.need[0] = {0, model.length(0)};  // the caller's input holds every position

  // Last node that reads each node's values (n: read after the run, a head).
  std::vector<size_t> last_read(n, 0);
  for (size_t i = 1; i < n; ++i) {
    if (p.need[i].empty()) continue;
    for (int in : model.node(static_cast<int>(i)).node.inputs) last_read[static_cast<size_t>(in)] = i;
  }
  for (size_t i = 0; i < n; ++i)
    if (is_head[i]) last_read[i] = n;

  // Storage per node: -1 for the input (caller-owned), else a storage id.
  std::vector<int> storage(n, -1);
  std::vector<std::vector<size_t>> readers_of;  // nodes whose values live in each storage
  std::vector<int64_t> size_of;
  auto new_storage = [&](size_t i) {
    storage[i] = static_cast<int>(size_of.size());
    size_of.push_back(p.need[i].size() * model.channels(static_cast<int>(i)));
    readers_of.push_back({i});
  };
  for (size_t i = 1; i < n; ++i) {
    if (p.need[i].empty()) continue;
    const CompiledNode& c = model.node(static_cast<int>(i));
    p.flops += static_cast<double>(c.flops_per_position) * static_cast<double>(p.need[i].size());
    const size_t in0 = c.node.inputs.empty() ? 0 : static_cast<size_t>(c.node.inputs[0]);
    if (c.storage == Storage::alias || c.storage == Storage::shifted) {
      storage[i] = storage[in0];
      if (storage[i] >= 0) readers_of[static_cast<size_t>(storage[i])].push_back(i);
      continue;
    }
    bool reuse = false;
    if (c.storage == Storage::in_place && storage[in0] >= 0 && !is_head[in0]) {
      const int s = storage[in0];
      reuse = true;
      for (size_t j : readers_of[static_cast<size_t>(s)])
        if (last_read[j] > i || is_head[j]) reuse = false;
      for (size_t k = 1; k < c.node.inputs.size(); ++k)
        if (storage[static_cast<size_t>(c.node.inputs[k])] == s) reuse = false;
    }
    if (reuse) {
      storage[i] = storage[in0];
      readers_of[static_cast<size_t>(storage[i])].push_back(i);
      p.in_place[i] = true;
    } else {
      new_storage(i);
    }
  }

  // Lifetimes, then slots: best fit among free slots, growing one if needed.
  const size_t ns = size_of.size();
  std::vector<size_t> born(ns, n), dies(ns, 0);
  for (size_t s = 0; s < ns; ++s)
    for (size_t j : readers_of[s]) {
      born[s] = std::min(born[s], j);
      dies[s] = std::max(dies[s], std::max(last_read[j], j));
    }
  std::vector<int64_t> slot_size;
  std::vector<bool> slot_free;
  std::vector<int> slot_of(ns, -1);
  for (size_t i = 1; i < n; ++i) {
    for (size_t s = 0; s < ns; ++s) {
      if (born[s] != i) continue;
      int best = -1;
      for (size_t k = 0; k < slot_size.size(); ++k) {
        if (!slot_free[k]) continue;
        const bool fits = slot_size[k] >= size_of[s];
        if (best < 0) { best = static_cast<int>(k); continue; }
        const bool best_fits = slot_size[static_cast<size_t>(best)] >= size_of[s];
        if ((fits && (!best_fits || slot_size[k] < slot_size[static_cast<size_t>(best)])) ||
            (!fits && !best_fits && slot_size[k] > slot_size[static_cast<size_t>(best)]))
          best = static_cast<int>(k);
      }
      if (best < 0) {
        best = static_cast<int>(slot_size.size());
        slot_size.push_back(0);
        slot_free.push_back(false);
      }
      slot_size[static_cast<size_t>(best)] = std::max(slot_size[static_cast<size_t>(best)], size_of[s]);
      slot_free[static_cast<size_t>(best)] = false;
      slot_of[s] = best;
    }
    for (size_t s = 0; s < ns; ++s)
      if (dies[s] == i && slot_of[s] >= 0) slot_free[static_cast<size_t>(slot_of[s])] = true;
  }
  p.slot_offset.assign(slot_size.size(), 0);
  for (size_t k = 0; k < slot_size.size(); ++k) {
    p.slot_offset[k] = p.arena_floats;
    // Keep every slot 64-byte aligned for the vector kernels.
    p.arena_floats += (slot_size[k] + 15) / 16 * 16;
  }
  for (size_t i = 1; i < n; ++i) {
    if (storage[i] >= 0 && !p.in_place[i] && model.node(static_cast<int>(i)).storage != Storage::alias &&
        model.node(static_cast<int>(i)).storage != Storage::shifted)
      p.slot[i] = slot_of[static_cast<size_t>(storage[i])];
    p.unplanned_floats += model.length(static_cast<int>(i)) * model.channels(static_cast<int>(i));
  }
  return p;
}

}  // namespace s2f::engine
