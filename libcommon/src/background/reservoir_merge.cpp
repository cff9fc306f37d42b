#include "s2f/background/reservoir_merge.hpp"

#include <algorithm>
#include <limits>

#include "s2f/background/track_rng.hpp"

namespace s2f::background {

MergedSample merge_reservoirs(std::span<const ShardSample> shards, uint64_t seed) {
  MergedSample out;
  bool all_complete = true;
  uint64_t capacity = std::numeric_limits<uint64_t>::max();
  for (const auto& s : shards) {
    out.seen += s.seen;
    all_complete = all_complete && s.sample.size() == s.seen;
    capacity = std::min(capacity, s.capacity);
  }
  if (all_complete) {
    out.exact = true;
    out.values.reserve(out.seen);
    for (const auto& s : shards) out.values.insert(out.values.end(), s.sample.begin(), s.sample.end());
    std::sort(out.values.begin(), out.values.end());
    return out;
  }

  TrackRng rng(seed);
  // Per-shard counts of a uniform C-subset of the union, drawn one value
  // at a time without replacement.
  const uint64_t take_total = std::min(capacity, out.seen);
  std::vector<uint64_t> left(shards.size()), take(shards.size(), 0);
  for (size_t i = 0; i < shards.size(); ++i) left[i] = shards[i].seen;
  uint64_t remaining = out.seen;
  for (uint64_t k = 0; k < take_total; ++k, --remaining) {
    uint64_t x = rng.below(remaining);
    size_t i = 0;
    while (x >= left[i]) x -= left[i++];
    --left[i];
    ++take[i];
  }
  out.values.reserve(take_total);
  std::vector<float> pool;
  for (size_t i = 0; i < shards.size(); ++i) {
    pool.assign(shards[i].sample.begin(), shards[i].sample.end());
    // Partial Fisher-Yates: the first take[i] slots become a uniform subset.
    for (uint64_t j = 0; j < take[i]; ++j) {
      uint64_t r = j + rng.below(pool.size() - j);
      std::swap(pool[j], pool[r]);
    }
    out.values.insert(out.values.end(), pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(take[i]));
  }
  std::sort(out.values.begin(), out.values.end());
  return out;
}

}  // namespace s2f::background
