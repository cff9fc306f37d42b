// BED (3+ columns), narrowPeak (summit in column 10) and blacklist BED.
// Header lines (track, browser, #) are passed over. Coordinates are 0-based
// half-open as in the file.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/genome/text_lines.hpp"

namespace s2f::genome {

enum class BedFlavor { bed, narrowpeak };

struct BedRecord {
  std::string_view chrom;
  int64_t start = 0, end = 0;
  std::string_view name;  // column 4 when present and not "."
  uint8_t strand = '.';   // from the strand column, '.' when none
  int64_t summit = -1;    // narrowPeak offset from start, -1 = none
  std::vector<std::string_view> columns;  // all columns, valid until next()
};

class BedReader {
 public:
  // strand_column: 1-based column holding +/-/. (0 = none).
  BedReader(const std::string& path, BedFlavor flavor, int strand_column, BadLines& bad);
  // Views stay valid until the next call.
  bool next(BedRecord& rec);
  std::string where() const { return lines_.where(); }
  uint64_t line_number() const { return lines_.line_number(); }  // 1-based, of the last record
  std::string_view line() const { return line_; }

 private:
  TextLines lines_;
  BedFlavor flavor_;
  int strand_column_;
  BadLines& bad_;
  std::string_view line_;
};

// A narrowPeak file is recognised by its name (.narrowPeak, .narrowpeak,
// optionally .gz) — the column count alone cannot tell it from BED10.
bool looks_like_narrowpeak(const std::string& path);

}  // namespace s2f::genome
