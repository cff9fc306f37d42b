// Merging one track's reservoirs from several shards into one uniform
// sample of the union of the values the shards saw.
//
// Algorithm. Shard i saw n_i values and holds a uniform random subset S_i of
// m_i = min(n_i, C_i) of them. Let N = sum n_i and C = min_i C_i.
//  * Exact case: every shard is complete (m_i == n_i). The union is known
//    value for value, so the merge is the concatenation of all samples.
//    Nothing is drawn at random; sorting makes the result independent of
//    shard order, hence byte-identical to an unsharded run whenever that
//    run was itself complete (N <= C).
//  * Sampled case: draw how many of the C merged values come from each
//    shard, c_i, as C draws without replacement from the N values, i.e.
//    draw k picks shard i with probability (n_i - taken_i) / (N - k). Then
//    take a uniform random c_i-subset of S_i (partial Fisher-Yates);
//    c_i <= min(n_i, C) <= m_i, so S_i always holds enough.
// Why it is uniform: (c_1..c_s) has exactly the multivariate hypergeometric
// law of the per-shard counts of a uniform C-subset of the N values. Given
// those counts, a uniform C-subset of the union is a uniform c_i-subset of
// each shard's values, independently across shards; and a uniform
// c_i-subset of a uniform m_i-subset of shard i's values is a uniform
// c_i-subset of its values. So every C-subset of the union is equally likely.
// Shards must be sampled with independent seeds (s2f-reservoir derives them
// from (seed, shard index)).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace s2f::background {

struct ShardSample {
  std::span<const float> sample;
  uint64_t seen = 0;
  uint64_t capacity = 0;
};

struct MergedSample {
  std::vector<float> values;  // sorted ascending
  uint64_t seen = 0;          // N, exact
  bool exact = false;         // every shard complete: values are the union
};

// `seed` drives the sampled case only (use track_seed(merge seed, track)).
MergedSample merge_reservoirs(std::span<const ShardSample> shards, uint64_t seed);

}  // namespace s2f::background
