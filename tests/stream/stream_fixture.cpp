// stream_fixture: the C++ side of the cross-language stream tests
// (tests/stream/test_s2f_stream.py drives it).
//
//   stream_fixture kinds                          record kinds, one a line
//   stream_fixture header KIND                    the fixture header as JSON
//   stream_fixture write KIND ZSTD_LEVEL N OUT    N generated records (OUT - = stdout)
//   stream_fixture verify KIND N IN               check IN (- = stdin) holds exactly them
//
// verify exits 0 and prints "ok: N records in F frames", 1 on the first
// difference, or the s2f exit code of a reader error.
#include <cstdio>
#include <string>

#include "fixture_records.hpp"
#include "s2f/error.hpp"

using namespace s2f;
using namespace s2f::stream;

namespace {

uint64_t parse_count(const std::string& text) {
  try {
    size_t used = 0;
    auto v = std::stoull(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  fail_usage("'" + text + "' is not a record count");
}

int write_records(size_t kind, int level, uint64_t n, const std::string& out) {
  Writer writer(ByteSink::open(out), fixture::fixture_header(kind), WriterOptions{level, kDefaultFrameBytes});
  Batch batch(writer.header().schema);
  uint64_t record = 0;
  for (size_t step = 0; record < n; ++step) {
    batch.clear();
    size_t size = fixture::kBatchSizes[step % std::size(fixture::kBatchSizes)];
    for (size_t i = 0; i < size && record < n; ++i) fixture::append_record(batch, kind, record++);
    writer.write(batch);  // one frame per batch, so Python can write the same frames
  }
  writer.finish();
  return 0;
}

int verify_records(size_t kind, uint64_t n, const std::string& in) {
  auto reader = Reader::open(in);
  Header want = fixture::fixture_header(kind);
  const Header& got = reader->header();
  if (got.kind != want.kind || !(got.schema == want.schema) || got.meta != want.meta) {
    std::fprintf(stderr, "stream_fixture: header differs:\n  read     %s\n  expected %s\n",
                 got.to_json().dump().c_str(), want.to_json().dump().c_str());
    return 1;
  }
  Batch batch;
  uint64_t record = 0;
  while (reader->next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r, ++record) {
      if (record >= n) {
        std::fprintf(stderr, "stream_fixture: more than the %llu expected records\n",
                     static_cast<unsigned long long>(n));
        return 1;
      }
      std::string diff = fixture::compare_record(batch, r, kind, record);
      if (!diff.empty()) {
        std::fprintf(stderr, "stream_fixture: %s\n", diff.c_str());
        return 1;
      }
    }
  }
  if (record != n) {
    std::fprintf(stderr, "stream_fixture: read %llu records, expected %llu\n", static_cast<unsigned long long>(record),
                 static_cast<unsigned long long>(n));
    return 1;
  }
  std::printf("ok: %llu records in %llu frames\n", static_cast<unsigned long long>(record),
              static_cast<unsigned long long>(reader->frames_read()));
  return 0;
}

int run(int argc, char** argv) {
  std::string verb = argc > 1 ? argv[1] : "";
  if (verb == "kinds" && argc == 2) {
    for (const auto& k : fixture::all_kinds()) std::printf("%s\n", k.kind.c_str());
    return 0;
  }
  if (verb == "header" && argc == 3) {
    std::printf("%s\n", fixture::fixture_header(fixture::kind_index(argv[2])).to_json().dump().c_str());
    return 0;
  }
  if (verb == "write" && argc == 6)
    return write_records(fixture::kind_index(argv[2]), static_cast<int>(parse_count(argv[3])), parse_count(argv[4]),
                         argv[5]);
  if (verb == "verify" && argc == 5) return verify_records(fixture::kind_index(argv[2]), parse_count(argv[3]), argv[4]);
  fail_usage("usage: stream_fixture kinds | header KIND | write KIND ZSTD_LEVEL N OUT | verify KIND N IN");
}

}  // namespace

int main(int argc, char** argv) {
  set_program_name("stream_fixture");
  try {
    return run(argc, argv);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", format_error(program_name(), e).c_str());
    return static_cast<int>(e.code());
  }
}
