// What a running stage knows about itself, without the command-line parser:
// the shared options' values, the skipped-records side file, progress, the
// provenance entry and the record counts of the summary line. Library code
// includes this; only the tools' mains (through tool.hpp) pay for CLI11.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
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
  Skipped = 1u << 5,  // --skipped FILE: the side file of records the stage skips
};

// The one rule for side files of skipped records: the path given with
// --skipped; else next to -o as OUTPUT.skipped.tsv; else (output on stdout)
// none: skips are still counted in the summary, and nothing is written into
// the current directory behind the user's back.
std::string skipped_side_file(const std::string& output, const std::string& given);

struct CommonOptions {
  std::string output = "-";
  int threads = 1;
  std::optional<uint64_t> seed;
  std::string shard_text;
  ShardSpec shard;
  int zstd_level = -1;  // -1: automatic (files: 3, stdout: off); 0: off
  std::string skipped;  // --skipped FILE
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
  // Skips another process logged (a child s2f-encode) into `file`: counted
  // here, and named in the summary when this log has no file of its own.
  void add_counted(uint64_t n, const std::string& file);
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
