// The random stream behind one track's reservoir. Each track owns its own
// generator, seeded from (run seed, track index), so a track's sample depends
// only on its own values in order: not on how tracks interleave in the input,
// on batch sizes, or on the thread count.
#pragma once
#include <cstdint>

#include "s2f/rng.hpp"
#include "s2f/shard.hpp"

namespace s2f::background {

// s2f::Rng, seeded one SplitMix64 step further along: TrackRng(seed) draws
// exactly the stream Rng(seed + 0x9E3779B97F4A7C15) does, which keeps the
// reservoirs built before the generators were unified reproducible.
class TrackRng : public Rng {
 public:
  TrackRng() : TrackRng(0) {}
  explicit TrackRng(uint64_t seed) : Rng(seed + 0x9E3779B97F4A7C15ULL) {}
};

// Seed of track `index` within a run (or shard) seeded with `run_seed`.
inline uint64_t track_seed(uint64_t run_seed, uint64_t index) {
  return mix_seed(run_seed ^ mix_seed(~index));
}

}  // namespace s2f::background
