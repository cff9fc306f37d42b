// Where a record's effect and activity fall in a background archive
// (s2f-score --cdf): one effect and one summary CDF row per scored track.
//  - Either matrix may be absent (chorus stores each optionally): effect_pct
//    or activity_pct is then NaN for every record, said once on stderr and
//    in the output header; an archive with neither is refused.
//  - A track whose background is too thin (fewer than min_samples values by
//    its *_counts, or an all-NaN row) gets NaN rather than a percentile, is
//    named on stderr and listed in the header (flags()): chorus's lookup
//    would give such a track 1.0 for every positive value.
//  - Archives built with another geometry are refused.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "s2f/background/percentile_table.hpp"
#include "s2f/score/scoring_plan.hpp"

namespace s2f::score {

// interpolate: s2f's rule (background/percentile_table.hpp); searchsorted:
// chorus's, the count of points below the value over the point count.
enum class PercentileRule { interpolate, searchsorted };
// Usage error naming the valid rules.
PercentileRule parse_percentile_rule(const std::string& name);

class TrackPercentiles {
 public:
  TrackPercentiles(const std::string& path, const ScoringPlan& plan, PercentileRule rule, int64_t min_samples);

  // effect: per track (NaN for a single window); activity: the ref window
  // value. Signed tracks map to [-1, 1] (2P - 1), unsigned |effect| to [0, 1].
  void rank(const ScoringPlan& plan, const float* effect, const float* activity, std::span<float> effect_pct,
            std::span<float> activity_pct) const;
  // For the output header: rule, min_samples, and per kind whether the
  // matrix is present and which tracks have too few samples.
  const nlohmann::json& flags() const { return flags_; }

 private:
  struct Kind {
    std::optional<background::PercentileTable> table;
    std::vector<int64_t> row;  // per scored track; -1 = no usable row
  };
  void attach(Kind& kind, background::ValueKind which, const std::string& path, const ScoringPlan& plan,
              int64_t min_samples);
  double lookup(const background::PercentileTable& table, size_t row, float value) const;

  PercentileRule rule_;
  Kind effect_, summary_;
  nlohmann::json flags_ = nlohmann::json::object();
};

}  // namespace s2f::score
