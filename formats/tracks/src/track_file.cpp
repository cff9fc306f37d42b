#include "s2f/tracks/track_file.hpp"

#include <cmath>

#include "s2f/error.hpp"

namespace s2f::tracks {

void TrackFile::add(size_t chrom, int64_t start, int64_t span, const float* values, size_t n) {
  if (n == 0) return;
  const int64_t end = start + span * static_cast<int64_t>(n);
  if (chrom >= chromosomes_.size() || span < 1 || start < 0 || end > chromosomes_[chrom].length)
    fail(Exit::internal, "track interval outside its chromosome (" + path_ + ")");
  if (any_ && (chrom < last_chrom_ || (chrom == last_chrom_ && start < last_end_)))
    fail(Exit::internal, "track intervals out of genome order (" + path_ + ")");
  any_ = true;
  last_chrom_ = chrom;
  last_end_ = end;
  // Runs of finite values; NaN/inf bins are left without data.
  size_t i = 0;
  while (i < n) {
    while (i < n && !std::isfinite(values[i])) {
      ++non_finite_;
      ++i;
    }
    size_t j = i;
    while (j < n && std::isfinite(values[j])) ++j;
    if (j > i) write_run(chrom, start + span * static_cast<int64_t>(i), span, values + i, j - i);
    i = j;
  }
}

}  // namespace s2f::tracks
