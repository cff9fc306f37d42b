// Damaged streams: every cut, flipped bit, forged frame and foreign file must
// stop the reader with an s2f::Error naming the problem and the byte offset —
// never a crash, a hang, or records that look fine.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"
#include "stream_surgery.hpp"

using namespace s2f;
using namespace s2f::stream;
using Bytes = std::vector<uint8_t>;

namespace {

constexpr size_t kRecords = 200;

// A tensors stream (fixed f32 and f16 fields, strings) in frames of ~4 KiB.
Bytes tensor_stream(int zstd_level, size_t records = kRecords) {
  Header h;
  h.kind = kind::tensors;
  h.schema = tensors_schema({{"profile", 2, 16, DType::f32}, {"half", 1, 8, DType::f16}});
  h.meta["provenance"] = nlohmann::json::array({{{"tool", "test"}}});
  Bytes out;
  Writer w(ByteSink::to_memory(&out), h, WriterOptions{zstd_level, 4096});
  std::mt19937 rng(1);
  for (size_t i = 0; i < records; ++i) {
    Batch& b = w.batch();
    size_t r = b.add_record();
    b.set_str(0, r, "window_" + std::to_string(i));
    b.set_str(1, r, "chr" + std::to_string(1 + i % 3));
    b.set_scalar<int64_t>(2, r, static_cast<int64_t>(i * 100));
    for (auto& x : b.fixed_mut<float>(h.schema.index("profile"), r)) x = static_cast<float>(rng() % 1000) / 8.0f;
    for (auto& x : b.fixed_mut<uint16_t>(h.schema.index("half"), r)) x = float_to_half(static_cast<float>(rng() % 64));
    w.end_record();
  }
  w.finish();
  return out;
}

// Reads the whole stream; returns the error message, or "" when it read cleanly.
std::string read_error(const Bytes& bytes) {
  try {
    Reader reader(ByteSource::from_memory(bytes, "damaged.s2f"));
    Batch batch;
    while (reader.next(batch)) {
    }
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

// Expects an error holding one of `any_of` and, if given, "byte <offset>".
void expect_error(const Bytes& bytes, const std::vector<std::string>& any_of, std::optional<uint64_t> offset,
                  const std::string& context) {
  std::string m = read_error(bytes);
  ASSERT_FALSE(m.empty()) << context << ": damaged stream read without an error";
  bool named = false;
  for (const auto& s : any_of) named = named || m.find(s) != std::string::npos;
  EXPECT_TRUE(named) << context << ": " << m;
  EXPECT_NE(m.find("damaged.s2f, byte "), std::string::npos) << context << ": " << m;
  if (offset) {
    EXPECT_NE(m.find(", byte " + std::to_string(*offset) + ")"), std::string::npos) << context << ": " << m;
  }
}

Bytes flip(Bytes b, size_t bit) {
  b[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return b;
}

}  // namespace

// ---- truncation -------------------------------------------------------------
TEST(Truncation, EmptyInputIsNamed) {
  expect_error({}, {"input is empty (0 bytes) where an s2f stream was expected"}, 0, "empty");
}

TEST(Truncation, CutAtEveryFrameBoundaryAndNextToIt) {
  for (int level : {0, 3}) {
    Bytes whole = tensor_stream(level);
    auto layout = surgery::walk(whole);
    ASSERT_TRUE(layout.has_end);
    ASSERT_GT(layout.frames.size(), 5u);
    std::vector<size_t> cuts = {1, 7, 8, 15, 16, 17, layout.header_end - 1, layout.header_end};
    for (size_t start : layout.frames)
      for (size_t d : {size_t{0}, size_t{1}, size_t{31}, size_t{32}, size_t{33}}) cuts.push_back(start + d);
    for (size_t cut : cuts) {
      if (cut >= whole.size()) continue;
      Bytes part(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
      expect_error(part, {"truncated"}, cut, "zstd " + std::to_string(level) + " cut at " + std::to_string(cut));
    }
  }
}

TEST(Truncation, CutAtRandomOffsets) {
  std::mt19937_64 rng(42);
  for (int level : {0, 3}) {
    Bytes whole = tensor_stream(level);
    for (int i = 0; i < 150; ++i) {
      size_t cut = 1 + rng() % (whole.size() - 1);
      Bytes part(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
      expect_error(part, {"truncated"}, cut, "cut at " + std::to_string(cut));
    }
  }
}

TEST(Truncation, NoEndFrameSaysHowMuchWasRead) {
  Bytes whole = tensor_stream(0);
  auto layout = surgery::walk(whole);
  Bytes part(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(layout.frames.back()));
  expect_error(
      part,
      {"no end-of-stream frame after " + std::to_string(layout.frames.size() - 1) + " data frames and 200 records"},
      layout.frames.back(), "missing end frame");
}

// ---- flipped bits -----------------------------------------------------------
// Every bit of the stream header and of every frame header, one at a time.
TEST(BitFlip, EveryBitOfTheHeaderAndFrameHeaders) {
  for (int level : {0, 3}) {
    Bytes whole = tensor_stream(level, 80);  // four frames: every flip rereads the frames before it
    auto layout = surgery::walk(whole);
    const size_t header_crc = 16 + layout.json_length;
    for (size_t bit = 0; bit < layout.header_end * 8; ++bit) {
      size_t byte = bit / 8;
      std::string context = "zstd " + std::to_string(level) + " header bit " + std::to_string(bit);
      if (byte < 8)
        expect_error(flip(whole, bit), {"not an s2f stream"}, 0, context);
      else if (byte < 10)
        expect_error(flip(whole, bit), {"unsupported stream format version"}, 8, context);
      else if (byte >= 12 && byte < 16)  // the JSON length: reads too little, too much, or too much to try
        expect_error(flip(whole, bit), {"checksum mismatch", "truncated", "bytes of JSON (limit"}, std::nullopt,
                     context);
      else
        expect_error(flip(whole, bit), {"stream header checksum mismatch"}, header_crc, context);
    }
    for (size_t start : layout.frames) {
      for (size_t bit = start * 8; bit < (start + 32) * 8; ++bit) {
        std::string context = "frame at " + std::to_string(start) + " bit " + std::to_string(bit - start * 8);
        // S2FD with its last bit flipped is S2FE: a valid tag whose header CRC then fails.
        if (bit / 8 < start + 4)
          expect_error(flip(whole, bit), {"bad frame tag", "frame header checksum mismatch"}, start, context);
        else
          expect_error(flip(whole, bit), {"frame header checksum mismatch"}, start, context);
      }
    }
  }
}

TEST(BitFlip, RandomPayloadBitsNameTheFrame) {
  std::mt19937_64 rng(7);
  for (int level : {0, 3}) {
    Bytes whole = tensor_stream(level);
    auto layout = surgery::walk(whole);
    for (int i = 0; i < 150; ++i) {
      size_t frame = rng() % (layout.frames.size() - 1);
      size_t begin = layout.payload(frame), size = layout.frames[frame + 1] - begin;
      size_t bit = begin * 8 + rng() % (size * 8);
      expect_error(flip(whole, bit), {"frame " + std::to_string(frame + 1) + " payload checksum mismatch"}, begin,
                   "payload bit " + std::to_string(bit));
    }
  }
}

TEST(BitFlip, RandomGarbageAnywhereIsCaught) {
  std::mt19937_64 rng(9);
  Bytes whole = tensor_stream(3);
  for (int i = 0; i < 200; ++i) {
    Bytes b = whole;
    size_t at = rng() % b.size(), len = 1 + rng() % 64;
    for (size_t k = at; k < std::min(b.size(), at + len); ++k) b[k] = static_cast<uint8_t>(rng());
    if (b == whole) continue;
    expect_error(b, {""}, std::nullopt, "garbage at " + std::to_string(at));
  }
}

// ---- the end of the stream ---------------------------------------------------
TEST(Trailer, DataAfterTheEndFrameIsRefusedWithTheFix) {
  Bytes whole = tensor_stream(0);
  Bytes joined = whole;
  joined.insert(joined.end(), whole.begin(), whole.end());
  expect_error(joined, {"data after the end-of-stream frame"}, whole.size(), "cat of two streams");
  EXPECT_NE(read_error(joined).find("join them with s2f-view --s2f -o joined.s2f a.s2f b.s2f"), std::string::npos);
  Bytes one_more = whole;
  one_more.push_back(0);
  expect_error(one_more, {"data after the end-of-stream frame"}, whole.size(), "one extra byte");
}

TEST(Trailer, EndFrameCountsMustMatchWhatWasRead) {
  Bytes whole = tensor_stream(0);
  auto layout = surgery::walk(whole);
  Bytes b = whole;
  surgery::store64(&b[layout.frames.back() + 8], kRecords - 1);
  surgery::reseal(b);
  expect_error(b, {"end-of-stream frame says 199 records"}, layout.frames.back(), "record count");
  b = whole;
  surgery::store64(&b[layout.frames.back() + 16], 1);
  surgery::reseal(b);
  expect_error(b, {"end-of-stream frame says 200 records in 1 frames"}, layout.frames.back(), "frame count");
}

// ---- forged frames with valid checksums --------------------------------------
// These get past every CRC, so only the reader's layout checks stand between
// them and wrong records.
class Forged : public ::testing::Test {
 protected:
  void SetUp() override {
    whole_ = tensor_stream(0);
    layout_ = surgery::walk(whole_);
    frame_ = layout_.frames[1];
  }
  // Applies `edit` to a copy, reseals it and expects the error.
  void expect(const std::function<void(Bytes&)>& edit, const std::string& message, std::optional<uint64_t> offset) {
    Bytes b = whole_;
    edit(b);
    surgery::reseal(b);
    expect_error(b, {message}, offset, message);
  }
  uint8_t* frame(Bytes& b) { return &b[frame_]; }
  Bytes whole_;
  surgery::Layout layout_;
  size_t frame_ = 0;
};

TEST_F(Forged, UnknownCodec) {
  expect([&](Bytes& b) { frame(b)[4] = 7; }, "unknown frame codec 7", frame_ + 4);
}

TEST_F(Forged, HugeSizeClaimsAreRefusedBeforeAllocating) {
  expect([&](Bytes& b) { surgery::store32(frame(b) + 12, 0xFFFFFFF0u); }, "(limit 1 GiB)", frame_ + 12);
  expect([&](Bytes& b) { surgery::store32(frame(b) + 16, 0x7FFFFFFFu); }, "(limit 1 GiB)", frame_ + 12);
}

TEST_F(Forged, StoredFrameWhoseSizesDisagree) {
  expect([&](Bytes& b) { surgery::store32(frame(b) + 16, surgery::load32(frame(b) + 16) + 8); },
         "uncompressed frame with stored size != raw size", frame_ + 12);
}

TEST_F(Forged, TooFewPayloadBytesForTheRecordCount) {
  expect([&](Bytes& b) { surgery::store32(frame(b) + 8, surgery::load32(frame(b) + 8) + 2000); },
         "frame payload too short", std::nullopt);
  // Four billion records of nothing must not allocate four billion offsets.
  expect([&](Bytes& b) { surgery::store32(frame(b) + 8, 0xFFFFFFFFu); },
         "frame payload too short for offsets of field 'id'", frame_ + 32);
}

TEST_F(Forged, TooManyPayloadBytes) {
  expect(
      [&](Bytes& b) {
        uint32_t size = surgery::load32(frame(b) + 12);
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(frame_ + 32 + size), 8, 0);
        surgery::store32(frame(b) + 12, size + 8);
        surgery::store32(frame(b) + 16, size + 8);
      },
      "frame payload has 8 unexplained bytes after its last field", std::nullopt);
}

TEST_F(Forged, OffsetsThatDoNotStartAtZeroOrGoBackwards) {
  expect([&](Bytes& b) { surgery::store32(frame(b) + 32, 1); }, "field 'id' offsets do not start at 0", frame_ + 32);
  expect([&](Bytes& b) { surgery::store32(frame(b) + 32 + 8, 0); }, "field 'id' offsets decrease", frame_ + 32 + 4);
  expect([&](Bytes& b) { surgery::store32(frame(b) + 32 + 4, 1u << 30); }, "field 'id' offsets decrease",
         frame_ + 32 + 4);
}

TEST_F(Forged, ZstdFrameThatDoesNotDecompress) {
  Bytes z = tensor_stream(3);
  auto layout = surgery::walk(z);
  size_t f = layout.frames[1];
  ASSERT_EQ(z[f + 4], 1) << "expected a compressed frame";
  Bytes b = z;
  b[f + 32 + 20] ^= 0xFF;  // inside the compressed data
  surgery::reseal(b);
  expect_error(b, {"zstd frame does not decompress"}, f + 32, "zstd garbage");
  b = z;
  surgery::store32(&b[f + 16], surgery::load32(&b[f + 16]) + 8);  // raw size claim
  surgery::reseal(b);
  expect_error(b, {"zstd frame does not decompress"}, f + 32, "zstd raw size");
}

TEST_F(Forged, HeaderJsonThatDoesNotParseOrDescribeAStream) {
  auto with_json = [&](const std::string& json) {
    // Magic and versions, the new JSON with room for its CRC, then the old frames.
    Bytes b(16 + json.size() + 4 + (whole_.size() - layout_.header_end));
    std::memcpy(b.data(), whole_.data(), 12);
    surgery::store32(&b[12], static_cast<uint32_t>(json.size()));
    std::memcpy(&b[16], json.data(), json.size());
    std::memcpy(&b[16 + json.size() + 4], &whole_[layout_.header_end], whole_.size() - layout_.header_end);
    surgery::reseal(b);
    return b;
  };
  expect_error(with_json("{\"kind\": \"tensors\", "), {"stream header JSON does not parse"}, 16, "cut JSON");
  expect_error(with_json("[1, 2]"), {"invalid stream header: stream header JSON is not an object"}, 16, "array");
  expect_error(with_json(R"({"kind":"tensors","schema":[{"name":"x","dtype":"f128"}]})"),
               {"invalid stream header: unknown dtype 'f128'"}, 16, "dtype");
  expect_error(with_json(R"({"kind":"tensors","schema":[{"name":"x","dtype":"f32","shape":[65536,65536]}]})"),
               {"implausibly large"}, 16, "shape");
  // A schema without data lets an empty frame claim billions of records.
  const std::string no_fields = R"({"kind":"positions","schema":[]})";
  const size_t header_end = 16 + no_fields.size() + 4;
  Bytes empty_records = with_json(no_fields);
  empty_records.resize(header_end);  // drop the old frames
  Bytes frame = {'S', '2', 'F', 'D', 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF};
  frame.resize(32);
  empty_records.insert(empty_records.end(), frame.begin(), frame.end());
  surgery::reseal(empty_records);
  expect_error(empty_records, {"frame claims 4294967295 records but has an empty payload"}, header_end + 32,
               "records of nothing");
  Bytes b = whole_;
  surgery::store32(&b[12], (256u << 20) + 1);
  expect_error(b, {"stream header claims 268435457 bytes of JSON (limit 268435456)"}, 12, "JSON length");
}

// ---- not a stream at all ----------------------------------------------------
TEST(Foreign, CommonFileTypesAreNamed) {
  struct Case {
    Bytes bytes;
    std::string says;
  };
  std::vector<Case> cases = {
      {{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6}, "not an s2f stream: it looks gzip/BGZF-compressed"},
      {{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "it looks zstd-compressed"},
      {{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 0, 0, 0, 0}, "it is an HDF5 file"},
      {{'c', 'h', 'r', '1', '\t', '1', '0', '\n'}, "it starts with text 'chr1 10 '"},
      {{0x89, 'S', '2', 'F', '\r', '\n', 0x1a, 0x0a, 2, 0, 0, 0, 0, 0, 0, 0}, "unsupported stream format version 2.0"},
      {{0x89, 'S', '2', 'F', '\n', '\n'}, "its first bytes are 89 53 32 46 0a 0a"},  // CR LF became LF
  };
  for (const auto& c : cases) expect_error(c.bytes, {c.says}, std::nullopt, c.says);
}

// ---- the stream is whole but not what the stage needs -------------------------
TEST(SchemaMismatch, WrongKindAndFieldsAreNamed) {
  Bytes whole = tensor_stream(0, 3);
  Reader reader(ByteSource::from_memory(whole, "preds.s2f"));
  try {
    reader.expect_kind({kind::sequences});
    FAIL() << "accepted a tensors stream as sequences";
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("expected a sequences stream, got a tensors stream, written by test (preds.s2f)"),
        std::string::npos)
        << e.what();
  }
  try {
    reader.require_field("half", DType::f32);
    FAIL() << "accepted f16 as f32";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("field 'half' is f16, expected f32"), std::string::npos) << e.what();
  }
  try {
    reader.require_field("seq", DType::u8);
    FAIL() << "found a field that is not there";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensors stream has no field 'seq'"), std::string::npos) << e.what();
  }
}

// ---- the same through the tool ------------------------------------------------
namespace {
struct Outcome {
  int status;
  std::string output;
};
Outcome run_validate(const Bytes& bytes, const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  const char* env = std::getenv("S2F_BIN_DIR");
  std::string bin = env ? env : S2F_BIN_DIR;
  std::string command = "'" + bin + "/s2f-view' --validate '" + path + "' 2>&1";
  FILE* p = popen(command.c_str(), "r");
  Outcome o{-1, {}};
  if (!p) return o;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.output.append(buf, n);
  int status = pclose(p);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::remove(path.c_str());
  return o;
}
}  // namespace

TEST(ViewValidate, ExitsZeroForAWholeStreamAndOneForATruncatedOne) {
  Bytes whole = tensor_stream(3);
  auto ok = run_validate(whole, "whole.s2f");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("valid: 200 records"), std::string::npos) << ok.output;

  size_t cut = whole.size() - 40;
  auto bad = run_validate(Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut)), "cut.s2f");
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_NE(bad.output.find("s2f-view: error: stream truncated"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("cut.s2f, byte " + std::to_string(cut) + ")"), std::string::npos) << bad.output;

  auto empty = run_validate({}, "empty.s2f");
  EXPECT_EQ(empty.status, 1) << empty.output;
  EXPECT_NE(empty.output.find("input is empty"), std::string::npos) << empty.output;
}
