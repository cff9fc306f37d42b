// Receptive fields: which input bases each output position of a node sees.
// Output position p of a node depends on input positions
// [p*jump + offset, p*jump + offset + size) (clipped to the sequence);
// after a global pool, Flatten or Dense over positions it sees everything.
// Fast ISM uses this to bound what a single-base change can alter.
#pragma once
#include <cstdint>
#include <vector>

#include "s2f/engine/graph.hpp"

namespace s2f::engine {

struct ReceptiveField {
  int64_t size = 1, jump = 1, offset = 0;
  bool global = false;  // depends on the whole input
};

// One entry per node; the graph must have shapes (infer_shapes()).
std::vector<ReceptiveField> receptive_fields(const ModelGraph& g);

}  // namespace s2f::engine
