#include "fixture_records.hpp"

#include <cstring>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::fixture {

using namespace s2f::stream;

namespace {

// Non-ASCII letters make str fields exercise UTF-8 on both sides.
const char* const kAlphabet[] = {"A", "C", "G", "T", "N", "a", "c", "g", "t", "n", "0",        "1",
                                 "2", "3", "4", "5", "6", "7", "8", "9", "_", ":", "\xc3\xa9", "\xc2\xb5"};
constexpr uint64_t kAlphabetSize = std::size(kAlphabet);

uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t draw(size_t kind, size_t field, uint64_t record, uint64_t element) {
  return splitmix64((uint64_t{kind} << 56) | (uint64_t{field} << 40) | (record << 20) | element);
}

// The element's little-endian bytes, `esize` of them, written to `out`.
void element_bytes(DType t, uint64_t d, uint8_t* out) {
  switch (t) {
    case DType::f16: {
      uint16_t h = float_to_half(static_cast<float>(static_cast<int64_t>(d & 0x7FF) - 1024) / 8.0f);
      std::memcpy(out, &h, 2);
      return;
    }
    case DType::f32: {
      float f = static_cast<float>(static_cast<int64_t>(d & 0xFFFFFF) - (int64_t{1} << 23)) / 256.0f;
      std::memcpy(out, &f, 4);
      return;
    }
    case DType::f64: {
      double f = static_cast<double>(static_cast<int64_t>(d >> 11) - (int64_t{1} << 52)) / 1024.0;
      std::memcpy(out, &f, 8);
      return;
    }
    default:
      std::memcpy(out, &d, dtype_size(t));  // low bytes on a little-endian host
  }
}

}  // namespace

std::vector<KindCase> all_kinds() {
  return {{kind::positions, positions_schema()},
          {kind::intervals, intervals_schema()},
          {kind::variants, variants_schema()},
          {kind::sequences, sequences_schema(101)},
          {kind::tensors,
           tensors_schema({{"profile", 2, 50, DType::f32}, {"counts", 1, 1, DType::f32}, {"half", 3, 4, DType::f16}})},
          {kind::scores, scores_schema({"diff", "log2fc"}, 5)},
          {kind::values, values_schema(5, 32)},
          {kind::reservoirs, reservoirs_schema()},
          {kind::contributions, contributions_schema(64)},
          {kind::hits, hits_schema()},
          {kind::marginal, marginal_schema({{"profile", 2, 50, DType::f32}, {"counts", 1, 1, DType::f32}})},
          {kind::ism, ism_schema({{"predictions.profile", 2, 50, DType::f32}, {"diffs.counts", 1, 1, DType::f32}})}};
}

size_t kind_index(const std::string& kind) {
  auto kinds = all_kinds();
  std::string names;
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i].kind == kind) return i;
    names += (names.empty() ? "" : ", ") + kinds[i].kind;
  }
  fail_usage("unknown kind '" + kind + "'", "use one of: " + names);
}

Header fixture_header(size_t kind) {
  auto kinds = all_kinds();
  Header h;
  h.kind = kinds.at(kind).kind;
  h.schema = kinds.at(kind).schema;
  h.meta = {{"provenance", nlohmann::json::array({{{"tool", "stream_fixture"}, {"version", "1"}}})},
            {"geometry", {{"sequence_length", 101}}},
            {"note", "UTF-8 \xc2\xb5 \xe2\x9c\x93 and a tab\t"}};
  return h;
}

void append_record(Batch& batch, size_t kind, uint64_t record) {
  size_t r = batch.add_record();
  for (size_t f = 0; f < batch.schema().size(); ++f) {
    const Field& field = batch.schema()[f];
    auto& col = batch.column_mut(f);
    if (field.dtype == DType::str) {
      std::string s;
      uint64_t len = draw(kind, f, record, kLengthElement) % 12;
      for (uint64_t j = 0; j < len; ++j) s += kAlphabet[draw(kind, f, record, j) % kAlphabetSize];
      batch.set_str(f, r, s);
    } else if (field.variable()) {
      uint64_t len = draw(kind, f, record, kLengthElement) % 9;
      std::vector<uint8_t> bytes(len * col.esize);
      for (uint64_t j = 0; j < len; ++j) element_bytes(field.dtype, draw(kind, f, record, j), &bytes[j * col.esize]);
      batch.set_var<uint8_t>(f, r, {bytes.data(), bytes.size() / col.esize});
    } else {
      uint8_t* p = col.data.data() + r * col.elems * col.esize;
      for (size_t j = 0; j < col.elems; ++j) element_bytes(field.dtype, draw(kind, f, record, j), p + j * col.esize);
    }
  }
}

std::string compare_record(const Batch& got, size_t rec, size_t kind, uint64_t record) {
  Batch want(got.schema());
  append_record(want, kind, record);
  for (size_t f = 0; f < got.schema().size(); ++f) {
    const auto& g = got.column(f);
    const auto& w = want.column(f);
    const uint8_t *gp, *wp;
    size_t gn, wn;
    if (g.variable) {
      gp = g.data.data() + g.offsets[rec] * g.esize;
      gn = (g.offsets[rec + 1] - g.offsets[rec]) * g.esize;
      wp = w.data.data();
      wn = w.offsets[1] * w.esize;
    } else {
      gp = g.data.data() + rec * g.elems * g.esize;
      wp = w.data.data();
      gn = wn = g.elems * g.esize;
    }
    if (gn != wn || (gn > 0 && std::memcmp(gp, wp, gn) != 0))  // empty columns may have null data()
      return "record " + std::to_string(record) + " field '" + got.schema()[f].name + "' differs (" +
             std::to_string(gn) + " bytes read, " + std::to_string(wn) + " expected)";
  }
  return {};
}

}  // namespace s2f::fixture
