// Writes the fuzzer's seed corpus: a small stream of every record kind,
// uncompressed and zstd, each as given (starts with the magic) and in the
// "resealed" form (a mode byte first; see fuzz_stream_reader.cpp), plus an
// empty and a truncated stream.
//   make_seed_corpus OUTDIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fixture_records.hpp"
#include "s2f/error.hpp"

using namespace s2f;
using namespace s2f::stream;

namespace {

void save(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail_io("cannot write seed", path.string());
}

std::vector<uint8_t> small_stream(size_t kind, int zstd_level) {
  std::vector<uint8_t> bytes;
  // Small frames, so a seed has several and stays a few KiB.
  Writer writer(ByteSink::to_memory(&bytes), fixture::fixture_header(kind), WriterOptions{zstd_level, 512});
  for (uint64_t r = 0; r < 12; ++r) {
    fixture::append_record(writer.batch(), kind, r);
    writer.end_record();
  }
  writer.finish();
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seed_corpus OUTDIR\n");
    return 2;
  }
  try {
    std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    auto kinds = fixture::all_kinds();
    size_t count = 0;
    for (size_t k = 0; k < kinds.size(); ++k) {
      for (int level : {0, 3}) {
        auto bytes = small_stream(k, level);
        std::string stem = kinds[k].kind + "_zstd" + std::to_string(level);
        save(dir / (stem + ".s2f"), bytes);
        bytes.insert(bytes.begin(), 'R');
        save(dir / (stem + ".resealed"), bytes);
        count += 2;
      }
    }
    auto tensors = small_stream(fixture::kind_index("tensors"), 0);
    save(dir / "truncated.s2f", std::vector<uint8_t>(tensors.begin(), tensors.begin() + tensors.size() / 2));
    save(dir / "empty", {});
    std::printf("wrote %zu seeds to %s\n", count + 2, dir.c_str());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", format_error("make_seed_corpus", e).c_str());
    return 1;
  }
}
