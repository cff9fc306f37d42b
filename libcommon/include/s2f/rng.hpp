// The one random generator of s2f: xoshiro256** (Blackman & Vigna) seeded
// through SplitMix64, with our own mapping to bounded integers (Lemire's
// multiply-shift with rejection). Standard-library distributions are avoided
// on purpose: their output differs between implementations, and a sample must
// be the same on every machine. Inline: reservoirs call it per value.
#pragma once
#include <cstdint>

#include "s2f/shard.hpp"

namespace s2f {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    // SplitMix64 expands the seed; mix_seed is its output function.
    uint64_t x = seed;
    for (auto& s : s_) {
      s = mix_seed(x);
      x += 0x9E3779B97F4A7C15ULL;
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
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
  // Uniform in [0, n), n > 0, without modulo bias; the rejection branch is
  // taken with probability < n / 2^64.
  uint64_t below(uint64_t n) {
    __extension__ typedef unsigned __int128 u128;  // __extension__: quiet -Wpedantic
    u128 m = static_cast<u128>(next()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace s2f
