// Test helpers: value streams as s2f-score will write them (kind "values",
// meta.value_kind/tracks/geometry/signed_flags), written with the C++
// writer, plus a scratch directory and a way to run the stage binaries.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::testing {

struct ValueStreamSpec {
  std::string kind = "effect";
  std::vector<std::string> track_ids;
  size_t per_track = 1;
  nlohmann::json geometry = {{"window", 1000}, {"statistic", "log2fc"}, {"pseudocount", 1.0}, {"model", "demo"}};
  std::vector<bool> signed_flags;  // empty: all false
};

// values: records x tracks x per_track, row-major.
inline void write_value_stream(const std::string& path, const ValueStreamSpec& spec, const std::vector<float>& values,
                               size_t frame_bytes = 64 << 10) {
  stream::Header h;
  h.kind = stream::kind::values;
  const size_t n_tracks = spec.track_ids.size();
  h.schema = stream::values_schema(static_cast<int64_t>(n_tracks), static_cast<int64_t>(spec.per_track));
  h.meta["value_kind"] = spec.kind;
  h.meta["tracks"] = spec.track_ids;
  h.meta["geometry"] = spec.geometry;
  if (!spec.signed_flags.empty()) h.meta["signed_flags"] = spec.signed_flags;
  h.meta["provenance"] = nlohmann::json::array({{{"tool", "test"}}});
  stream::Writer w(ByteSink::open(path), h, stream::WriterOptions{0, frame_bytes});
  const size_t stride = n_tracks * spec.per_track;
  const size_t n_records = stride ? values.size() / stride : 0;
  for (size_t r = 0; r < n_records; ++r) {
    auto& b = w.batch();
    size_t i = b.add_record();
    b.set_str(0, i, "rec" + std::to_string(r));
    auto dst = b.fixed_mut<float>(1, i);
    std::copy(values.begin() + static_cast<std::ptrdiff_t>(r * stride),
              values.begin() + static_cast<std::ptrdiff_t>((r + 1) * stride), dst.begin());
    w.end_record();
  }
  w.finish();
}

// A fresh directory under the system temp dir, removed at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() / ("s2f-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string bin_dir() {
  const char* env = std::getenv("S2F_BIN_DIR");
  return env ? env : S2F_BIN_DIR;
}

// Runs a stage; returns its exit status. stderr goes to `err_file` if given.
// S2F_TEST_STDERR=1 in the environment shows the stages' stderr instead.
inline int run_stage(const std::string& args, const std::string& err_file = {}) {
  const bool show = std::getenv("S2F_TEST_STDERR") != nullptr;
  std::string cmd = bin_dir() + "/" + args + " -q" + (!err_file.empty() ? " 2>" + err_file : show ? "" : " 2>/dev/null");
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace s2f::testing
