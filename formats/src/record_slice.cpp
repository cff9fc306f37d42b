#include "s2f/stream/record_slice.hpp"

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::stream {

RecordSlice shard_slice(std::vector<std::unique_ptr<Reader>>& readers, const ShardSpec& shard, bool pairs) {
  RecordSlice s;
  if (shard.whole()) return s;
  uint64_t total = 0;
  for (auto& r : readers) {
    auto t = r->peek_total();
    if (!t)
      fail_usage("--shard needs the record count, which a pipe cannot give before it ends (" + r->name() + ")",
                 "write the stream to a file first, or shard at the stage that creates the records");
    total += *t;
  }
  if (!pairs) {
    std::tie(s.lo, s.hi) = shard.range(total);
    return s;
  }
  // A variant with shuffled-flank nulls (s2f-encode --null) is its pair and
  // its N null pairs: shards never cut inside one.
  uint64_t group = 2;
  const auto& meta = readers[0]->header().meta;
  if (meta.contains("null") && meta["null"].is_object() && meta["null"].value("count", int64_t{0}) > 0)
    group = 2 * (1 + static_cast<uint64_t>(meta["null"]["count"].get<int64_t>()));
  if (total % group)
    fail_input("--pairs: the streams hold " + std::to_string(total) + " records, not a whole number of variants of " +
                   std::to_string(group) + " records (ref/alt pairs" + (group > 2 ? " and their nulls)" : ")"),
               readers[0]->name(), "use --pairs only on variant streams from s2f-encode --vcf");
  std::tie(s.lo, s.hi) = shard.range(total / group);
  s.lo *= group;
  s.hi *= group;
  return s;
}

PairOrder::PairOrder(const Schema& schema, std::string stream_name) : name_(std::move(stream_name)) {
  const int f = schema.find("allele");
  if (f < 0)
    fail_input("--pairs needs records with an 'allele' field (ref/alt windows)", name_,
               "use --pairs only on variant streams from s2f-encode --vcf or their predictions");
  allele_ = static_cast<size_t>(f);
}

void PairOrder::check(const Batch& batch, size_t rec, uint64_t global_index) const {
  const auto a = batch.scalar<uint8_t>(allele_, rec);
  const bool even = global_index % 2 == 0;
  if (a == (even ? kAlleleRef : kAlleleAlt) || a == (even ? kAlleleNullRef : kAlleleNullAlt)) return;
  fail_input("--pairs: record " + std::to_string(global_index) + " is " +
                 (a == kAlleleRef ? "a ref" : a == kAlleleAlt ? "an alt" : "a non-variant") + " window where " +
                 (even ? "a ref" : "an alt") + " window was expected",
             name_, "use --pairs only on streams where every variant is a ref then an alt record");
}

}  // namespace s2f::stream
