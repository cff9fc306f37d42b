// One track's windows (a record's output bins at their genomic place) made
// into one value per base, however the windows overlap (WINDOWS.md,
// "Stitching overlapping windows"):
//   midpoint  each base takes the value of the window whose centre is
//             nearest (ties: the earlier window) — the overlap of two windows
//             is cut at the midpoint between their centres, as ChromBPNet
//             does when it writes tracks;
//   average   each base takes the mean over every window covering it.
// Windows arrive in genome order (chromosome, then start) and have one
// length; memory holds one window (midpoint) or one window plus the stride
// (average), whatever the track's length.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "s2f/tracks/track_file.hpp"

namespace s2f::tracks {

enum class StitchRule { midpoint, average };
// "midpoint" or "average"; anything else is a usage error.
StitchRule parse_stitch_rule(const std::string& name);

class WindowStitcher {
 public:
  WindowStitcher(StitchRule rule, TrackFile& out) : rule_(rule), out_(out) {}
  // `bins` values of `bin_size` bp each, laid end to end from `start`.
  void add(size_t chrom, int64_t start, int64_t bin_size, const float* values, size_t bins);
  // Writes what is held.
  void finish();
  // midpoint: windows at exactly the position of the one before them (the
  // first is kept; the rule gives every base to it).
  uint64_t repeated() const { return repeated_; }

 private:
  struct Window {
    size_t chrom = 0;
    int64_t start = 0, end = 0, bin = 1;
    std::vector<float> values;
  };
  // Bases [from, to) of a window, as whole and partial bins.
  void emit(const Window& w, int64_t from, int64_t to);
  void add_midpoint(Window w);
  void add_average(const Window& w);
  // average: writes every base before `upto` and drops it.
  void flush_average(int64_t upto);

  StitchRule rule_;
  TrackFile& out_;
  bool holding_ = false;
  Window held_;
  int64_t held_from_ = 0;  // midpoint: the held window's first base not given to an earlier one
  // average: per-base sums and counts over [acc_start_, acc_start_ + size)
  size_t acc_chrom_ = 0;
  int64_t acc_start_ = 0, acc_bin_ = 1;
  std::deque<double> sum_;
  std::deque<uint32_t> count_;
  std::vector<float> run_;
  uint64_t repeated_ = 0;
};

}  // namespace s2f::tracks
