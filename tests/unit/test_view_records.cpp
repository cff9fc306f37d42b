// The record plumbing s2f-view and s2f-sample-positions share, without a
// process: typed locus appenders, --shard slices that keep ref/alt pairs
// whole, the ref/alt order check, and TSV sinks.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/locus_records.hpp"
#include "s2f/stream/record_sinks.hpp"
#include "s2f/stream/record_slice.hpp"
#include "test_support.hpp"

using namespace s2f;
using namespace s2f::stream;

using s2f::testing_support::header_for;

namespace {

// A variants stream of n records in memory.
std::vector<uint8_t> variants(size_t n) {
  std::vector<uint8_t> bytes;
  Writer w(ByteSink::to_memory(&bytes), header_for(kind::variants, variants_schema()));
  VariantAppender out(w);
  for (size_t i = 0; i < n; ++i) out.append("v" + std::to_string(i), "chr1", int64_t(10 * i), '+', "A", "G");
  w.finish();
  return bytes;
}

}  // namespace

TEST(LocusAppender, WritesEveryFieldByName) {
  auto bytes = variants(3);
  Reader r(ByteSource::from_memory(bytes, "mem"));
  Batch b;
  ASSERT_TRUE(r.next(b));
  ASSERT_EQ(b.size(), 3u);
  const Schema& s = r.header().schema;
  EXPECT_EQ(b.str(s.index("id"), 2), "v2");
  EXPECT_EQ(b.str(s.index("chrom"), 2), "chr1");
  EXPECT_EQ(b.scalar<int64_t>(s.index("pos"), 2), 20);
  EXPECT_EQ(b.scalar<uint8_t>(s.index("strand"), 2), '+');
  EXPECT_EQ(b.str(s.index("ref"), 2), "A");
  EXPECT_EQ(b.str(s.index("alt"), 2), "G");
}

TEST(RecordSlice, PairsShardsCutBetweenPairsAcrossJoinedStreams) {
  auto a = variants(6), c = variants(4);  // 10 records = 5 pairs, joined
  uint64_t covered = 0, last_hi = 0;
  for (int k = 1; k <= 3; ++k) {
    std::vector<std::unique_ptr<Reader>> readers;
    readers.push_back(std::make_unique<Reader>(ByteSource::from_memory(a, "a")));
    readers.push_back(std::make_unique<Reader>(ByteSource::from_memory(c, "c")));
    RecordSlice s = shard_slice(readers, ShardSpec::parse(std::to_string(k) + "/3"), true);
    EXPECT_EQ(s.lo % 2, 0u);
    EXPECT_EQ(s.hi % 2, 0u);
    EXPECT_EQ(s.lo, last_hi);
    covered += s.hi - s.lo;
    last_hi = s.hi;
  }
  EXPECT_EQ(covered, 10u);
}

TEST(RecordSlice, PairsRefuseAnOddTotal) {
  auto a = variants(5);
  std::vector<std::unique_ptr<Reader>> readers;
  readers.push_back(std::make_unique<Reader>(ByteSource::from_memory(a, "a")));
  EXPECT_THROW(shard_slice(readers, ShardSpec::parse("1/2"), true), Error);
  EXPECT_NO_THROW(shard_slice(readers, ShardSpec::parse("1/2"), false));
}

TEST(RecordSlice, HeadLimitsFromTheSliceStart) {
  RecordSlice s{4, 10};
  s.limit(3);
  EXPECT_EQ(s.hi, 7u);
  s.limit(100);
  EXPECT_EQ(s.hi, 7u);
}

TEST(PairOrder, ChecksRefAltAlternation) {
  Schema schema = sequences_schema(4);
  Batch b(schema);
  const size_t allele = schema.index("allele");
  for (uint8_t code : {kAlleleRef, kAlleleAlt, kAlleleAlt}) b.set_scalar<uint8_t>(allele, b.add_record(), code);
  PairOrder order(schema, "mem");
  EXPECT_NO_THROW(order.check(b, 0, 0));
  EXPECT_NO_THROW(order.check(b, 1, 1));
  EXPECT_THROW(order.check(b, 2, 2), Error);  // an alt where a ref belongs
  EXPECT_THROW(PairOrder(variants_schema(), "mem"), Error);  // no allele field
}

TEST(RecordSinks, TsvSinkWritesTheSelectedRowsUnderTheColumnNames) {
  auto path = (std::filesystem::temp_directory_path() / "s2f_test_view_records.tsv").string();
  auto bytes = variants(4);
  Reader r(ByteSource::from_memory(bytes, "mem"));
  Batch b;
  ASSERT_TRUE(r.next(b));
  auto sink = text_sink(path, r.header(), TextFormat::tsv, true, "test");
  EXPECT_EQ(sink->write(b, 1, 3), 2u);
  sink->finish();
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  EXPECT_EQ(ss.str(), "id\tchrom\tpos\tstrand\tref\talt\nv1\tchr1\t10\t+\tA\tG\nv2\tchr1\t20\t+\tA\tG\n");
}
