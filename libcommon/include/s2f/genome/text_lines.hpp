// Line-oriented annotation files (BED, VCF, GTF/GFF3, FASTA records) read
// through htslib, so plain, gzip and BGZF files and stdin ("-") all work.
// Every reader reports problems at file:line through one BadLines policy:
// stop the run (default), or with --skip-bad count the line and write it to
// the side file.
#pragma once
#include "s2f/tsv.hpp"
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/run.hpp"

struct htsFile;

namespace s2f::genome {

class TextLines {
 public:
  // Refuses a 0-byte regular file (an empty pipe is zero lines) and says
  // when a file is binary rather than text.
  explicit TextLines(const std::string& path);
  ~TextLines();
  TextLines(const TextLines&) = delete;
  TextLines& operator=(const TextLines&) = delete;
  // Next line without its terminator (and without a trailing '\r').
  bool next(std::string_view& line);
  uint64_t line_number() const { return line_; }
  const std::string& path() const { return path_; }
  std::string where() const { return path_ + ":" + std::to_string(line_); }

 private:
  std::string path_;
  htsFile* fp_ = nullptr;
  void* buf_ = nullptr;  // kstring_t, kept opaque to spare includers htslib
  uint64_t line_ = 0;
};

class BadLines {
 public:
  // log: the stage's side file (null for stages without --skip-bad, whose
  // errors then do not suggest it).
  BadLines(SkipLog* log, bool skip) : log_(log), skip_(skip) {}
  // Throws a bad-input error, or (with skip) records the line and returns.
  void report(std::string_view line, const std::string& where, const std::string& what,
              const std::string& fix = {});
  uint64_t count() const { return count_; }

 private:
  SkipLog* log_;
  bool skip_;
  uint64_t count_ = 0;
};

using s2f::split_tabs;  // s2f/tsv.hpp
// Whole-field integer parse; false on anything else.
bool parse_int(std::string_view s, int64_t& out);
// Shortens a line for messages and side files (s2f::text_excerpt: bounded,
// non-printable bytes as \xNN).
std::string excerpt(std::string_view line, size_t max = 120);

}  // namespace s2f::genome
