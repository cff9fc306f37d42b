#include "s2f/score/track_percentiles.hpp"

#include <cmath>
#include <limits>

#include "s2f/error.hpp"
#include "s2f/utf8.hpp"

namespace s2f::score {

using background::PercentileTable;
using background::ValueKind;

PercentileRule parse_percentile_rule(const std::string& name) {
  if (name == "interpolate") return PercentileRule::interpolate;
  if (name == "searchsorted") return PercentileRule::searchsorted;
  fail_usage("--percentile-rule '" + name + "' is not one of interpolate, searchsorted");
}

namespace {

bool all_nan(std::span<const float> row) {
  for (float v : row)
    if (!std::isnan(v)) return false;
  return true;
}

}  // namespace

TrackPercentiles::TrackPercentiles(const std::string& path, const ScoringPlan& plan, PercentileRule rule,
                                   int64_t min_samples)
    : rule_(rule) {
  flags_["rule"] = rule == PercentileRule::searchsorted ? "searchsorted" : "interpolate";
  flags_["min_samples"] = min_samples;
  attach(effect_, ValueKind::effect, path, plan, min_samples);
  attach(summary_, ValueKind::summary, path, plan, min_samples);
  if (!effect_.table && !summary_.table)
    fail_input("the archive has neither effect_cdfs nor summary_cdfs", path,
               "build it with s2f-merge-cdfs from effect and/or summary reservoirs");
}

void TrackPercentiles::attach(Kind& kind, ValueKind which, const std::string& path, const ScoringPlan& plan,
                              int64_t min_samples) {
  const std::string name = background::kind_name(which);
  const std::string column = which == ValueKind::effect ? "effect_pct" : "activity_pct";
  nlohmann::json f = {{"matrix", false}};
  if (!PercentileTable::npz_has(path, which)) {
    warn(path + " has no " + name + "_cdfs: " + column + " is NaN for every record");
    kind.row.assign(plan.tracks().size(), -1);
    flags_[name] = std::move(f);
    return;
  }
  kind.table = PercentileTable::load_npz(path, which);
  kind.table->require_geometry(plan.geometry(), path);
  f["matrix"] = true;
  std::vector<std::string> thin;
  for (const auto& t : plan.tracks()) {
    int64_t row = kind.table->find(t.id);
    if (row < 0 && which == ValueKind::effect)
      fail_input("track '" + t.id + "' has no background in " + path, path,
                 "build the background with the same model and track selection");
    if (row >= 0) {
      const auto r = static_cast<size_t>(row);
      const int64_t count = kind.table->count(r);
      if (all_nan(kind.table->row(r)) || (count >= 0 && count < min_samples)) {
        thin.push_back(t.id + " (" + std::to_string(std::max<int64_t>(count, 0)) + ")");
        row = -1;
      }
    }
    kind.row.push_back(row);
  }
  if (!thin.empty()) {
    std::string list;
    for (size_t i = 0; i < thin.size() && i < 5; ++i) list += (i ? ", " : "") + thin[i];
    if (thin.size() > 5) list += ", ... (" + std::to_string(thin.size()) + " tracks)";
    warn(std::to_string(thin.size()) + " track(s) have fewer than " + std::to_string(min_samples) + " " + name +
         " background value(s) in " + path + ": " + list + "; their " + column +
         " is NaN (rebuild the background with more positions, or lower --min-samples)");
  }
  f["too_few_samples"] = thin;
  flags_[name] = std::move(f);
}

double TrackPercentiles::lookup(const PercentileTable& table, size_t row, float value) const {
  return rule_ == PercentileRule::searchsorted ? background::searchsorted_percentile_in_row(table.row(row), value)
                                               : table.percentile(row, value);
}

void TrackPercentiles::rank(const ScoringPlan& plan, const float* effect, const float* activity,
                            std::span<float> effect_pct, std::span<float> activity_pct) const {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  const auto& tracks = plan.tracks();
  for (size_t t = 0; t < tracks.size(); ++t) {
    effect_pct[t] = nan;
    if (effect_.row[t] >= 0) {
      const auto row = static_cast<size_t>(effect_.row[t]);
      if (effect_.table->is_signed(row) || tracks[t].spec.is_signed)
        effect_pct[t] = static_cast<float>(2.0 * lookup(*effect_.table, row, effect[t]) - 1.0);  // [-1, 1]
      else
        effect_pct[t] = static_cast<float>(lookup(*effect_.table, row, std::fabs(effect[t])));
    }
    activity_pct[t] = summary_.row[t] < 0
                          ? nan
                          : static_cast<float>(lookup(*summary_.table, static_cast<size_t>(summary_.row[t]), activity[t]));
  }
}

}  // namespace s2f::score
