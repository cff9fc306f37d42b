// The lifecycle every s2f stage shares: one declaration of the common
// options, one validation of their combinations, one error path, provenance,
// progress and the closing one-line run summary.
//
//   int main(int argc, char** argv) {
//     s2f::Tool tool("view", "Print, check and convert s2f streams",
//                    "s2f-view calls.s2f --head 5");
//     tool.use(s2f::Opt::Output | s2f::Opt::Shard);
//     auto& app = tool.app();   // add stage options here
//     return tool.run(argc, argv, [&](s2f::Run& run) { ...; return 0; });
//   }
#pragma once
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "s2f/io.hpp"
#include "s2f/shard.hpp"

namespace s2f {

const char* version();

// Which of the shared options a stage offers.
enum Opt : unsigned {
  Output = 1u << 0,   // -o/--output
  Threads = 1u << 1,  // -t/--threads
  Seed = 1u << 2,     // --seed
  Shard = 1u << 3,    // --shard k/n
  Compress = 1u << 4, // --zstd LEVEL
};

struct CommonOptions {
  std::string output = "-";
  int threads = 1;
  std::optional<uint64_t> seed;
  std::string shard_text;
  ShardSpec shard;
  int zstd_level = -1;  // -1: automatic (files: 3, stdout: off); 0: off
  bool quiet = false;
  bool progress = false;
};

// Counts skipped records and writes each with its reason to a side TSV file
// (columns: record, where, reason). Created lazily: no file when nothing is
// skipped, unless always_create() was called.
class SkipLog {
 public:
  SkipLog() = default;
  explicit SkipLog(std::string path) : path_(std::move(path)) {}
  void set_path(std::string path) { path_ = std::move(path); }
  const std::string& path() const { return path_; }
  void always_create();
  void skip(std::string_view record, std::string_view where, std::string_view reason);
  uint64_t count() const { return count_; }
  void commit();

 private:
  void open();
  std::string path_;
  std::unique_ptr<TextOutput> out_;
  uint64_t count_ = 0;
};

// Progress on stderr: shown with --progress, or by default when stderr is a
// terminal; never with -q. Rate-limited to about one update a second.
class Progress {
 public:
  void enable(bool on) { on_ = on; }
  void set_total(uint64_t total) { total_ = total; }
  void tick(uint64_t done);
  void finish();

 private:
  bool on_ = false;
  uint64_t total_ = 0, last_done_ = 0;
  std::chrono::steady_clock::time_point last_{};
  bool printed_ = false;
};

struct Run {
  CommonOptions& opt;
  SkipLog skips;
  Progress progress;
  uint64_t records_in = 0;
  uint64_t records_out = 0;
  std::string summary_extra;  // appended to the summary line
  std::string command_line;   // the full command, shell-quoted
  // The provenance entry this run appends to stream headers.
  nlohmann::json provenance() const;
  // Streams get the automatic compression choice from here.
  int zstd_level_for(const ByteSink& sink) const;
};

class Tool {
 public:
  Tool(std::string stage, std::string summary, std::string example);
  CLI::App& app() { return app_; }
  void use(unsigned opts);
  CommonOptions& options() { return opt_; }
  // Parses, validates, runs `body`, prints errors and the summary; returns
  // the process exit code.
  int run(int argc, char** argv, const std::function<int(Run&)>& body);
  // Extra option-combination checks, run after the common ones.
  void validate(std::function<void(const CommonOptions&)> check) { checks_ = std::move(check); }

 private:
  std::string stage_, program_;
  CLI::App app_;
  CommonOptions opt_;
  unsigned used_ = 0;
  std::function<void(const CommonOptions&)> checks_;
};

// Values of an option that may be repeated and/or comma-separated
// (--stat a,b --stat c -> a, b, c); empty items are dropped.
std::vector<std::string> split_option_list(const std::vector<std::string>& values);

// The argument vector as one shell-quoted string.
std::string quote_command_line(int argc, char** argv);
// The same without the options that cannot change a stage's output (-t,
// -q, --progress): what provenance records.
std::string provenance_command_line(int argc, char** argv);

}  // namespace s2f
