// Stream format throughput on one core: a predict-like tensors stream
// (locus and window fields, two f32 heads of 1000 bins) written record by
// record and read back, uncompressed and with zstd 1 and 3. MB/s count raw
// payload bytes. Baselines in the same run say how close the format gets to
// the work it cannot avoid: copying the bytes twice and checksumming them
// twice, and the checksums and zstd on their own.
//
//   build/bench/stream_throughput --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <cstring>
#include <random>
#include <vector>

#ifdef S2F_BENCH_LIBDEFLATE
#include <libdeflate.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"

using namespace s2f;
using namespace s2f::stream;

namespace {

constexpr size_t kRecords = 4096;
constexpr int64_t kBins = 1000;

Header tensor_header() {
  Header h;
  h.kind = kind::tensors;
  h.schema = tensors_schema({{"profile_plus", 1, kBins, DType::f32}, {"profile_minus", 1, kBins, DType::f32}});
  return h;
}

// Model-like outputs: smooth positive profiles with noise in every mantissa
// bit, so zstd sees what it would see in real predictions (not zeros).
struct Predictions {
  std::vector<float> plus, minus;
  Predictions() : plus(kRecords * kBins), minus(kRecords * kBins) {
    std::mt19937 rng(5);
    std::normal_distribution<float> noise(0.0f, 0.3f);
    for (size_t r = 0; r < kRecords; ++r)
      for (int64_t b = 0; b < kBins; ++b) {
        float centre = std::exp(-std::pow((static_cast<float>(b) - 500.0f) / 120.0f, 2.0f));
        plus[r * kBins + b] = std::log1p(std::exp(2.0f * centre + noise(rng)));
        minus[r * kBins + b] = std::log1p(std::exp(1.5f * centre + noise(rng)));
      }
  }
};
const Predictions& predictions() {
  static Predictions p;
  return p;
}

// What a predict stage does per record: identity fields, then the heads.
// `out` is reused between runs, as a pipe's buffer would be, so page faults
// on fresh memory are not counted as format work.
void write_stream(int zstd_level, std::vector<uint8_t>& out) {
  const auto& p = predictions();
  Header h = tensor_header();
  size_t id = h.schema.index("id"), chrom = h.schema.index("chrom"), pos = h.schema.index("pos"),
         plus = h.schema.index("profile_plus"), minus = h.schema.index("profile_minus");
  out.clear();
  Writer w(ByteSink::to_memory(&out), h, WriterOptions{zstd_level, kDefaultFrameBytes});
  char name[32];
  for (size_t r = 0; r < kRecords; ++r) {
    Batch& b = w.batch();
    size_t rec = b.add_record();
    std::snprintf(name, sizeof name, "chr1:%zu", 1000000 + r * 1000);
    b.set_str(id, rec, name);
    b.set_str(chrom, rec, "chr1");
    b.set_scalar<int64_t>(pos, rec, static_cast<int64_t>(1000000 + r * 1000));
    std::memcpy(b.fixed_mut<float>(plus, rec).data(), &p.plus[r * kBins], kBins * sizeof(float));
    std::memcpy(b.fixed_mut<float>(minus, rec).data(), &p.minus[r * kBins], kBins * sizeof(float));
    w.end_record();
  }
  w.finish();
}

std::vector<uint8_t> write_stream(int zstd_level) {
  std::vector<uint8_t> out;
  write_stream(zstd_level, out);
  return out;
}

// Reads from bytes already in memory with one copy per read, like read(2)
// from a pipe (ByteSource::from_memory would copy the whole input first).
class BufferSource final : public ByteSource {
 public:
  explicit BufferSource(const std::vector<uint8_t>& bytes) : ByteSource("bench"), bytes_(bytes) {}

 protected:
  size_t read_some(void* dst, size_t n) override {
    size_t k = std::min(n, bytes_.size() - pos_);
    if (k) std::memcpy(dst, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  const std::vector<uint8_t>& bytes_;
  size_t pos_ = 0;
};

float read_stream(const std::vector<uint8_t>& bytes) {
  Reader reader(std::make_unique<BufferSource>(bytes));
  size_t plus = reader.require_field("profile_plus", DType::f32);
  Batch batch;
  float sum = 0;
  while (reader.next(batch)) sum += batch.fixed<float>(plus, batch.size() - 1)[0];
  return sum;
}

void set_rate(benchmark::State& state, size_t bytes_per_iteration) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes_per_iteration));
}

// Raw payload bytes of the stream: the sum of its frames' raw sizes.
size_t raw_payload() {
  static size_t total = [] {
    auto bytes = write_stream(0);
    auto get32 = [&](size_t at) {
      uint32_t v;
      std::memcpy(&v, &bytes[at], 4);
      return v;
    };
    size_t sum = 0;
    for (size_t at = 16 + get32(12) + 4; std::memcmp(&bytes[at], "S2FD", 4) == 0; at += 32 + get32(at + 12))
      sum += get32(at + 16);
    return sum;
  }();
  return total;
}

// ---- the format ------------------------------------------------------------
void StreamRoundTrip(benchmark::State& state) {
  int level = static_cast<int>(state.range(0));
  std::vector<uint8_t> bytes;
  for (auto _ : state) {
    write_stream(level, bytes);
    benchmark::DoNotOptimize(read_stream(bytes));
  }
  set_rate(state, raw_payload());
  state.counters["ratio"] = static_cast<double>(raw_payload()) / static_cast<double>(bytes.size());
}
BENCHMARK(StreamRoundTrip)->ArgName("zstd")->Arg(0)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

void StreamWrite(benchmark::State& state) {
  std::vector<uint8_t> bytes;
  for (auto _ : state) write_stream(static_cast<int>(state.range(0)), bytes);
  set_rate(state, raw_payload());
}
BENCHMARK(StreamWrite)->ArgName("zstd")->Arg(0)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

void StreamRead(benchmark::State& state) {
  auto bytes = write_stream(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(read_stream(bytes));
  set_rate(state, raw_payload());
}
BENCHMARK(StreamRead)->ArgName("zstd")->Arg(0)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

// ---- baselines on the same bytes --------------------------------------------
// The least a checksummed round trip must do: copy in, checksum, copy out,
// checksum again (1 MiB frames, zlib CRC-32 as the format uses).
void BaselineCopyAndCrc32(benchmark::State& state) {
  auto bytes = write_stream(0);
  std::vector<uint8_t> frame(kDefaultFrameBytes), back(kDefaultFrameBytes);
  for (auto _ : state) {
    uLong crc = 0;
    for (size_t at = 0; at + frame.size() <= bytes.size(); at += frame.size()) {
      std::memcpy(frame.data(), &bytes[at], frame.size());
      crc ^= crc32(0, frame.data(), static_cast<uInt>(frame.size()));
      std::memcpy(back.data(), frame.data(), frame.size());
      crc ^= crc32(0, back.data(), static_cast<uInt>(back.size()));
    }
    benchmark::DoNotOptimize(crc);
  }
  set_rate(state, bytes.size() / kDefaultFrameBytes * kDefaultFrameBytes);
}
BENCHMARK(BaselineCopyAndCrc32)->Unit(benchmark::kMillisecond);

void BaselineCopyOnly(benchmark::State& state) {
  auto bytes = write_stream(0);
  std::vector<uint8_t> a(bytes.size()), b(bytes.size());
  for (auto _ : state) {
    std::memcpy(a.data(), bytes.data(), bytes.size());
    std::memcpy(b.data(), a.data(), a.size());
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, bytes.size());
}
BENCHMARK(BaselineCopyOnly)->Unit(benchmark::kMillisecond);

// Checksum candidates over one 1 MiB frame.
const std::vector<uint8_t>& one_frame() {
  static std::vector<uint8_t> f = [] {
    auto bytes = write_stream(0);
    return std::vector<uint8_t>(bytes.begin() + 4096, bytes.begin() + 4096 + kDefaultFrameBytes);
  }();
  return f;
}

void ChecksumCrc32Zlib(benchmark::State& state) {
  const auto& f = one_frame();
  for (auto _ : state) benchmark::DoNotOptimize(crc32(0, f.data(), static_cast<uInt>(f.size())));
  set_rate(state, f.size());
}
BENCHMARK(ChecksumCrc32Zlib);

#ifdef S2F_BENCH_LIBDEFLATE
// Same CRC-32 (bit-identical, so no format change), PCLMULQDQ folding.
void ChecksumCrc32Libdeflate(benchmark::State& state) {
  const auto& f = one_frame();
  for (auto _ : state) benchmark::DoNotOptimize(libdeflate_crc32(0, f.data(), f.size()));
  set_rate(state, f.size());
}
BENCHMARK(ChecksumCrc32Libdeflate);
#endif

#if defined(__x86_64__)
// CRC-32C with the SSE4.2 instruction, one lane: what a format change to
// CRC-32C would cost at the least.
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(const uint8_t* p, size_t n) {
  uint64_t c = 0xFFFFFFFFu;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
  }
  for (; n > 0; --n, ++p) c = _mm_crc32_u8(static_cast<uint32_t>(c), *p);
  return static_cast<uint32_t>(c) ^ 0xFFFFFFFFu;
}
void ChecksumCrc32cSse42(benchmark::State& state) {
  if (!__builtin_cpu_supports("sse4.2")) {
    state.SkipWithError("no SSE4.2");
    return;
  }
  const auto& f = one_frame();
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_sse42(f.data(), f.size()));
  set_rate(state, f.size());
}
BENCHMARK(ChecksumCrc32cSse42);
#endif

// zstd alone on the same frames: the ceiling for the compressed round trips.
void ZstdFrameRoundTrip(benchmark::State& state) {
  const auto& f = one_frame();
  int level = static_cast<int>(state.range(0));
  std::vector<uint8_t> packed(ZSTD_compressBound(f.size())), back(f.size());
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  for (auto _ : state) {
    size_t z = ZSTD_compressCCtx(cctx, packed.data(), packed.size(), f.data(), f.size(), level);
    benchmark::DoNotOptimize(ZSTD_decompressDCtx(dctx, back.data(), back.size(), packed.data(), z));
  }
  ZSTD_freeCCtx(cctx);
  ZSTD_freeDCtx(dctx);
  set_rate(state, f.size());
}
BENCHMARK(ZstdFrameRoundTrip)->ArgName("zstd")->Arg(1)->Arg(3);

}  // namespace

BENCHMARK_MAIN();
