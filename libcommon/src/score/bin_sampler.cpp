#include "s2f/score/bin_sampler.hpp"

#include <utility>

#include "s2f/shard.hpp"

namespace s2f::score {

void BinSampler::draw(std::string_view id, int64_t bins, int64_t k, std::vector<int64_t>& out) const {
  uint64_t state = seed_;
  for (char c : id) state = mix_seed(state ^ static_cast<uint8_t>(c));
  out.resize(static_cast<size_t>(k));
  std::vector<int64_t> pool;
  if (bins >= k) {
    pool.resize(static_cast<size_t>(bins));
    for (int64_t i = 0; i < bins; ++i) pool[static_cast<size_t>(i)] = i;
  }
  for (int64_t i = 0; i < k; ++i) {
    state = mix_seed(state);
    if (bins >= k) {
      int64_t j = i + static_cast<int64_t>(state % static_cast<uint64_t>(bins - i));
      std::swap(pool[static_cast<size_t>(i)], pool[static_cast<size_t>(j)]);
      out[static_cast<size_t>(i)] = pool[static_cast<size_t>(i)];
    } else {
      out[static_cast<size_t>(i)] = static_cast<int64_t>(state % static_cast<uint64_t>(bins));
    }
  }
}

}  // namespace s2f::score
