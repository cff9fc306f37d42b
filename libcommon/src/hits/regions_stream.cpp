// Regions from an s2f contribution stream (s2f-ism --attr and friends).
#include "s2f/error.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::hits {

RegionSet load_regions_stream(const std::string& path) {
  auto reader = stream::Reader::open(path);
  reader->expect_kind({stream::kind::contributions});
  const size_t f_id = reader->require_field("id", stream::DType::str);
  const size_t f_chrom = reader->require_field("chrom", stream::DType::str);
  const size_t f_start = reader->require_field("start", stream::DType::i64);
  const size_t f_seq = reader->require_field("seq", stream::DType::u8);
  const size_t f_con = reader->require_field("contrib", stream::DType::f32);
  const auto& shape = reader->header().schema[f_con].shape;
  if (shape.size() != 2 || shape[1] != 4 || shape[0] < 1)
    fail_input("field 'contrib' is not [L, 4]", reader->name(), "expected hypothetical contributions per base");
  if (reader->header().schema[f_seq].shape != std::vector<int64_t>{shape[0]})
    fail_input("field 'seq' does not match the length of 'contrib'", reader->name());
  const auto length = static_cast<size_t>(shape[0]);

  std::vector<float> values;     // [N][L][4] as streamed
  std::vector<uint8_t> bases;    // [N][L]
  PeakTable t;
  bool any_coordinates = false;
  stream::Batch batch;
  while (reader->next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r) {
      auto con = batch.fixed<float>(f_con, r);
      values.insert(values.end(), con.begin(), con.end());
      for (uint8_t c : batch.fixed<uint8_t>(f_seq, r)) {
        switch (c | 0x20) {  // ASCII lower case
          case 'a': bases.push_back(1); break;
          case 'c': bases.push_back(2); break;
          case 'g': bases.push_back(4); break;
          case 't': bases.push_back(8); break;
          default: bases.push_back(0);
        }
      }
      int64_t start = batch.scalar<int64_t>(f_start, r);
      any_coordinates |= start >= 0;
      t.chrom.emplace_back(start >= 0 ? std::string(batch.str(f_chrom, r)) : std::string("NA"));
      t.region_start.push_back(start >= 0 ? start : 0);
      t.name.emplace_back(batch.str(f_id, r));
    }
  }
  const size_t n = t.chrom.size();
  RegionSet set(n, length, 4, false);
  set.source = path;
  // [L][4] records to the [4][L] layout the other sources share.
  for (size_t i = 0; i < n; ++i)
    for (size_t l = 0; l < length; ++l)
      for (size_t b = 0; b < 4; ++b) set.full()[(i * 4 + b) * length + l] = values[(i * length + l) * 4 + b];
  set.bases() = std::move(bases);
  t.has_coordinates = any_coordinates;
  t.rank_chromosomes();
  set.attach(std::move(t), path);
  return set;
}

}  // namespace s2f::hits
