// Sampling streams on top of s2f::Rng (s2f/rng.hpp).
#pragma once
#include <cstdint>

#include "s2f/rng.hpp"

namespace s2f::sampling {

using s2f::Rng;

// The generator for draw `index` of a sampling stream (seed, stream): each
// draw has its own generator, so results do not depend on how draws are
// split across threads or shards.
Rng draw_rng(uint64_t seed, uint64_t stream, uint64_t index);
// A uniform 64-bit key per (seed, stream, item). Taking the k items with the
// smallest keys is a sample without replacement that needs no shuffle.
uint64_t selection_key(uint64_t seed, uint64_t stream, uint64_t item);

}  // namespace s2f::sampling
