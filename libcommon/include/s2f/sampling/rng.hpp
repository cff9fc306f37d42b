// The one random generator of s2f's samplers: xoshiro256** (Blackman &
// Vigna) seeded through SplitMix64, with our own mapping to bounded integers
// (Lemire's multiply-shift with rejection). Standard-library distributions
// are avoided on purpose: their output differs between implementations, and
// a sample must be the same on every machine.
#pragma once
#include <cstdint>

namespace s2f::sampling {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n);
  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_[4];
};

// The generator for draw `index` of a sampling stream (seed, stream): each
// draw has its own generator, so results do not depend on how draws are
// split across threads or shards.
Rng draw_rng(uint64_t seed, uint64_t stream, uint64_t index);
// A uniform 64-bit key per (seed, stream, item). Taking the k items with the
// smallest keys is a sample without replacement that needs no shuffle.
uint64_t selection_key(uint64_t seed, uint64_t stream, uint64_t item);

}  // namespace s2f::sampling
