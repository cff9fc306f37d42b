#include "s2f/sampling/rng.hpp"

#include "s2f/shard.hpp"

namespace s2f::sampling {

Rng draw_rng(uint64_t seed, uint64_t stream, uint64_t index) {
  return Rng(mix_seed(mix_seed(seed ^ mix_seed(stream)) + index));
}

uint64_t selection_key(uint64_t seed, uint64_t stream, uint64_t item) {
  return mix_seed(mix_seed(mix_seed(seed) ^ (stream * 0xD1B54A32D192ED03ULL)) + item);
}

}  // namespace s2f::sampling
