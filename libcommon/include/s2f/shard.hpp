// --shard k/n: which deterministic slice of the work this process takes.
// k is 1-based on the command line (array jobs number from 1 or 0: SLURM
// scripts pass $((SLURM_ARRAY_TASK_ID+1))/N). Slices are contiguous so that
// concatenating shard outputs in shard order reproduces the unsharded output.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

namespace s2f {

struct ShardSpec {
  uint32_t index = 0;  // 0-based
  uint32_t count = 1;

  static ShardSpec parse(const std::string& text);  // "k/n", throws usage error
  bool whole() const { return count == 1; }
  // [begin, end) of `total` items that belong to this shard: the first
  // total % n shards take one extra item.
  std::pair<uint64_t, uint64_t> range(uint64_t total) const;
  // Seed for this shard's random stream, derived from (seed, shard index)
  // with a fixed mixing function so it is the same on every machine.
  uint64_t derive_seed(uint64_t seed) const;
  std::string str() const { return std::to_string(index + 1) + "/" + std::to_string(count); }
};

// SplitMix64 finaliser: the one integer mixer used wherever s2f derives seeds.
uint64_t mix_seed(uint64_t x);

}  // namespace s2f
