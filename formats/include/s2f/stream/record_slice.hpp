// Which records of one or more joined streams a --shard or --head takes:
// [lo, hi) in the global record index (counting across the streams in
// order). With pairs, a shard never cuts between a variant's ref and alt
// records (s2f-encode --vcf writes them as consecutive ref, alt), nor
// between a variant and its shuffled-flank null pairs (s2f-encode --null:
// meta.null.count pairs r, a after each variant).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "s2f/shard.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::stream {

struct RecordSlice {
  uint64_t lo = 0, hi = UINT64_MAX;
  // Keeps at most n records from lo (--head).
  void limit(uint64_t n) { hi = std::min(hi, lo + n); }
};

// The shard's slice; needs the record count of every stream (files, not pipes).
RecordSlice shard_slice(std::vector<std::unique_ptr<Reader>>& readers, const ShardSpec& shard, bool pairs);

// Checks that the records alternate ref (even global index), alt (odd).
class PairOrder {
 public:
  PairOrder(const Schema& schema, std::string stream_name);
  void check(const Batch& batch, size_t rec, uint64_t global_index) const;

 private:
  size_t allele_;
  std::string name_;
};

}  // namespace s2f::stream
