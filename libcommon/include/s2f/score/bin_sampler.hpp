// Random bins of a head for s2f-score --emit perbin (the per-bin background
// of chorus). Deterministic per record: the draw is seeded by (seed, record
// id), so the same record draws the same bins in any shard and at any
// thread count.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace s2f::score {

class BinSampler {
 public:
  explicit BinSampler(uint64_t seed) : seed_(seed) {}
  // k bin indices in [0, bins): without replacement when bins >= k (partial
  // Fisher-Yates), with replacement otherwise.
  void draw(std::string_view id, int64_t bins, int64_t k, std::vector<int64_t>& out) const;

 private:
  uint64_t seed_;
};

}  // namespace s2f::score
