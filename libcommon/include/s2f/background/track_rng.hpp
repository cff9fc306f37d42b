// The random stream behind one track's reservoir. Each track owns its own
// generator, seeded from (run seed, track index), so a track's sample depends
// only on its own values in order: not on how tracks interleave in the input,
// on batch sizes, or on the thread count.
#pragma once
#include <cstdint>

#include "s2f/shard.hpp"

namespace s2f::background {

// xoshiro256** (Blackman & Vigna): 256-bit state, fast, and its streams
// from SplitMix64-expanded seeds do not overlap in practice.
class TrackRng {
 public:
  TrackRng() : TrackRng(0) {}
  explicit TrackRng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      w = mix_seed(x);  // SplitMix64 expansion of the seed
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject);
  // the rejection branch is taken with probability < n / 2^64.
  uint64_t below(uint64_t n) {
    __extension__ typedef unsigned __int128 u128;
    u128 m = static_cast<u128>(next()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Seed of track `index` within a run (or shard) seeded with `run_seed`.
inline uint64_t track_seed(uint64_t run_seed, uint64_t index) {
  return mix_seed(run_seed ^ mix_seed(~index));
}

}  // namespace s2f::background
