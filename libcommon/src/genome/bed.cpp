#include "s2f/genome/bed.hpp"

#include <algorithm>
#include <cctype>

namespace s2f::genome {

BedReader::BedReader(const std::string& path, BedFlavor flavor, int strand_column, BadLines& bad)
    : lines_(path), flavor_(flavor), strand_column_(strand_column), bad_(bad) {}

bool BedReader::next(BedRecord& rec) {
  while (lines_.next(line_)) {
    if (line_.empty() || line_[0] == '#' || line_.starts_with("track") || line_.starts_with("browser")) continue;
    split_tabs(line_, rec.columns);
    const auto& c = rec.columns;
    const std::string where = lines_.where();
    if (c.size() < 3) {
      bad_.report(line_, where, "BED line has " + std::to_string(c.size()) + " column(s), needs at least 3",
                  "BED columns are tab-separated: chrom, start, end");
      continue;
    }
    if (c[0].empty()) {
      bad_.report(line_, where, "empty chromosome name");
      continue;
    }
    if (!parse_int(c[1], rec.start) || !parse_int(c[2], rec.end)) {
      bad_.report(line_, where, "BED start/end are not integers ('" + excerpt(c[1], 40) + "', '" +
                                    excerpt(c[2], 40) + "')",
                  "BED start and end are whole numbers (0-based, at most 9223372036854775807)");
      continue;
    }
    if (rec.start < 0 || rec.end < rec.start) {
      bad_.report(line_, where, "BED interval [" + excerpt(c[1], 40) + ", " + excerpt(c[2], 40) +
                                    ") is negative or ends before it starts",
                  "BED is 0-based half-open with start <= end");
      continue;
    }
    rec.chrom = c[0];
    rec.name = c.size() > 3 && c[3] != "." ? c[3] : std::string_view{};
    rec.strand = '.';
    if (strand_column_ > 0) {
      if (static_cast<size_t>(strand_column_) > c.size()) {
        bad_.report(line_, where, "no strand column " + std::to_string(strand_column_) + " (line has " +
                                      std::to_string(c.size()) + ")");
        continue;
      }
      auto s = c[static_cast<size_t>(strand_column_) - 1];
      if (s != "+" && s != "-" && s != ".") {
        bad_.report(line_, where, "strand '" + excerpt(s, 20) + "' is not +, - or .",
                    "check --strand-column (1-based)");
        continue;
      }
      rec.strand = static_cast<uint8_t>(s[0]);
    }
    rec.summit = -1;
    if (flavor_ == BedFlavor::narrowpeak) {
      if (c.size() < 10) {
        bad_.report(line_, where, "narrowPeak line has " + std::to_string(c.size()) + " columns, needs 10",
                    "use --bed for plain BED files");
        continue;
      }
      int64_t summit = 0;
      if (!parse_int(c[9], summit) || summit < -1 || (summit >= 0 && summit >= rec.end - rec.start)) {
        bad_.report(line_, where, "narrowPeak summit '" + excerpt(c[9], 40) + "' is not -1 or an offset inside the peak");
        continue;
      }
      rec.summit = summit;
    }
    return true;
  }
  return false;
}

bool looks_like_narrowpeak(const std::string& path) {
  std::string p = path;
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (p.ends_with(".gz")) p.resize(p.size() - 3);
  return p.ends_with(".narrowpeak");
}

}  // namespace s2f::genome
