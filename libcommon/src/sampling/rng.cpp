#include "s2f/sampling/rng.hpp"

#include "s2f/shard.hpp"

namespace s2f::sampling {

namespace {
// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit type.
__extension__ typedef unsigned __int128 u128;
inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(uint64_t seed) {
  // SplitMix64 expands the seed; mix_seed is its output function.
  uint64_t x = seed;
  for (auto& s : s_) {
    s = mix_seed(x);
    x += 0x9E3779B97F4A7C15ULL;
  }
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

uint64_t Rng::next() {
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

uint64_t Rng::below(uint64_t n) {
  u128 m = static_cast<u128>(next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<u128>(next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

Rng draw_rng(uint64_t seed, uint64_t stream, uint64_t index) {
  return Rng(mix_seed(mix_seed(seed ^ mix_seed(stream)) + index));
}

uint64_t selection_key(uint64_t seed, uint64_t stream, uint64_t item) {
  return mix_seed(mix_seed(mix_seed(seed) ^ (stream * 0xD1B54A32D192ED03ULL)) + item);
}

}  // namespace s2f::sampling
