// Round trips of every record kind through the C++ writer and reader.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"
#include "test_support.hpp"

using namespace s2f;
using namespace s2f::stream;

using s2f::testing_support::header_for;

namespace {

// Fills every field of a record from a deterministic generator.
void fill_record(Batch& b, size_t r, std::mt19937_64& rng) {
  for (size_t f = 0; f < b.schema().size(); ++f) {
    const Field& field = b.schema()[f];
    if (field.dtype == DType::str) {
      std::string s = field.name + "_" + std::to_string(rng() % 1000);
      b.set_str(f, r, s);
    } else if (field.variable()) {
      std::vector<float> v(rng() % 7);
      for (auto& x : v) x = static_cast<float>(rng() % 1000) / 7.0f;
      b.set_var<float>(f, r, v);
    } else {
      auto bytes = b.fixed_mut<uint8_t>(f, r);  // element count, not bytes, for u8 view
      auto& col = b.column_mut(f);
      uint8_t* p = col.data.data() + r * col.elems * col.esize;
      for (size_t i = 0; i < col.elems * col.esize; ++i) p[i] = static_cast<uint8_t>(rng());
      (void)bytes;
    }
  }
}

std::vector<uint8_t> write_stream(const Header& h, size_t n, int zstd, size_t frame_bytes, uint64_t seed,
                                  Batch* expected) {
  std::vector<uint8_t> bytes;
  Writer w(ByteSink::to_memory(&bytes), h, WriterOptions{zstd, frame_bytes});
  std::mt19937_64 rng(seed);
  expected->reset(h.schema);
  for (size_t i = 0; i < n; ++i) {
    size_t r = w.batch().add_record();
    fill_record(w.batch(), r, rng);
    expected->append_from(w.batch(), r);
    w.end_record();
  }
  w.finish();
  return bytes;
}

void expect_same(const Batch& a, size_t ra, const Batch& b, size_t rb) {
  for (size_t f = 0; f < a.schema().size(); ++f) {
    const auto& ca = a.column(f);
    const auto& cb = b.column(f);
    if (ca.variable) {
      size_t la = ca.offsets[ra + 1] - ca.offsets[ra], lb = cb.offsets[rb + 1] - cb.offsets[rb];
      ASSERT_EQ(la, lb) << a.schema()[f].name;
      EXPECT_EQ(0, std::memcmp(ca.data.data() + ca.offsets[ra] * ca.esize, cb.data.data() + cb.offsets[rb] * cb.esize,
                               la * ca.esize))
          << a.schema()[f].name;
    } else {
      EXPECT_EQ(0, std::memcmp(ca.data.data() + ra * ca.elems * ca.esize, cb.data.data() + rb * cb.elems * cb.esize,
                               ca.elems * ca.esize))
          << a.schema()[f].name;
    }
  }
}

std::vector<std::pair<std::string, Schema>> all_kinds() {
  return {{kind::positions, positions_schema()},
          {kind::intervals, intervals_schema()},
          {kind::variants, variants_schema()},
          {kind::sequences, sequences_schema(101)},
          {kind::tensors, tensors_schema({{"profile", 2, 50, DType::f32}, {"counts", 1, 1, DType::f32},
                                          {"half", 3, 4, DType::f16}})},
          {kind::scores, scores_schema({"diff", "log2fc"}, 5)},
          {kind::values, values_schema(5, 32)},
          {kind::reservoirs, reservoirs_schema()},
          {kind::contributions, contributions_schema(64)},
          {kind::hits, hits_schema()},
          {kind::marginal, marginal_schema({{"profile", 2, 50, DType::f32}, {"counts", 1, 1, DType::f32}})},
          {kind::ism, ism_schema({{"predictions.profile", 2, 50, DType::f32}, {"diffs.counts", 1, 1, DType::f32}})}};
}

}  // namespace

class KindRoundTrip : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(KindRoundTrip, WriteThenReadGivesSameRecords) {
  auto [kind_index, zstd] = GetParam();
  auto kinds = all_kinds();
  auto& [name, schema] = kinds[static_cast<size_t>(kind_index)];
  Header h = header_for(name, schema);
  Batch expected;
  auto bytes = write_stream(h, 1000, zstd, 4096, 7, &expected);
  Reader reader(ByteSource::from_memory(bytes, "mem"));
  EXPECT_EQ(reader.header().kind, name);
  EXPECT_EQ(reader.header().schema, schema);
  Batch got;
  size_t seen = 0;
  while (reader.next(got)) {
    for (size_t r = 0; r < got.size(); ++r) expect_same(expected, seen + r, got, r);
    seen += got.size();
  }
  EXPECT_EQ(seen, 1000u);
  EXPECT_GT(reader.frames_read(), 1u);
  EXPECT_EQ(*reader.peek_total(), 1000u);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, KindRoundTrip, ::testing::Combine(::testing::Range(0, 12), ::testing::Values(0, 3)));

TEST(Stream, EmptyStreamHasHeaderAndTrailerOnly) {
  std::vector<uint8_t> bytes;
  Writer w(ByteSink::to_memory(&bytes), header_for("positions", positions_schema()));
  w.finish();
  Reader r(ByteSource::from_memory(bytes, "mem"));
  Batch b;
  EXPECT_FALSE(r.next(b));
  EXPECT_EQ(r.records_read(), 0u);
}

TEST(Stream, WrongKindIsRefusedNamingBoth) {
  std::vector<uint8_t> bytes;
  Writer w(ByteSink::to_memory(&bytes), header_for("tensors", tensors_schema({{"p", 1, 2, DType::f32}})));
  w.finish();
  Reader r(ByteSource::from_memory(bytes, "mem"));
  try {
    r.expect_kind({"sequences"});
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("expected a sequences stream, got a tensors stream, written by test"), std::string::npos) << m;
  }
}

TEST(Half, RoundTripsExactlyRepresentableValuesAndRoundsToNearestEven) {
  for (float f : {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f, 5.9604645e-08f})
    EXPECT_EQ(half_to_float(float_to_half(f)), f) << f;
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(1e6f))));
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(NAN))));
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0).
  EXPECT_EQ(half_to_float(float_to_half(1.0f + 1.0f / 2048)), 1.0f);
  EXPECT_EQ(half_to_float(float_to_half(1.0f + 3.0f / 2048)), 1.0f + 2.0f / 1024);
}
