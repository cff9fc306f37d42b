// The --summary table: per (label, spacing) group, head and track, the mean
// and standard deviation over backgrounds of the effect after - before. A
// profile head's effect on a track is summed over its bins first (the change
// in total signal), so every track gets one number per experiment whatever
// its head's shape. Accumulated in double, in experiment order, so the table
// is the same for any thread count.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "s2f/marginalize/marginalize.hpp"

namespace s2f::marginalize {

class EffectSummary {
 public:
  explicit EffectSummary(const predict::TrackPlan& plan);
  void add(const Experiment& e, const HeadSlices& values);
  // TSV with a header line: label spacing head track_id track_name n
  // mean_effect sd_effect mean_before mean_after (sd: n - 1 denominator;
  // spacing -1 when there is none).
  std::string tsv() const;

 private:
  struct Moments {
    uint64_t n = 0;
    double mean = 0, m2 = 0, before = 0, after = 0;  // Welford for the effect; sums for before/after
  };
  const predict::TrackPlan& plan_;
  std::vector<std::pair<std::string, int64_t>> groups_;  // in order of first appearance
  std::map<std::pair<std::string, int64_t>, std::vector<std::vector<Moments>>> stats_;  // [head][track]
};

}  // namespace s2f::marginalize
