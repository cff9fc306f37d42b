#include "s2f/background/percentile_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "s2f/error.hpp"
#include "s2f/npz.hpp"
#include "s2f/utf8.hpp"

namespace s2f::background {

double percentile_in_row(std::span<const float> row, float value) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const size_t p = row.size();
  if (p == 0 || std::isnan(value) || std::isnan(row[0])) return nan;
  if (value < row[0]) return 0.0;
  if (value > row[p - 1]) return 1.0;
  if (p == 1) return 0.5;
  const double step = 1.0 / static_cast<double>(p - 1);
  auto lo = std::lower_bound(row.begin(), row.end(), value);
  auto hi = std::upper_bound(lo, row.end(), value);
  if (lo != hi) {  // ties: middle of the run of equal points
    const auto a = static_cast<double>(lo - row.begin()), b = static_cast<double>(hi - row.begin() - 1);
    return 0.5 * (a + b) * step;
  }
  // row[i] < value < row[i + 1]
  const auto i = static_cast<size_t>(lo - row.begin()) - 1;
  const double c0 = row[i], c1 = row[i + 1];
  double frac = (static_cast<double>(value) - c0) / (c1 - c0);
  if (!std::isfinite(frac)) frac = 0.5;  // an infinite neighbour
  return (static_cast<double>(i) + frac) * step;
}

double searchsorted_percentile_in_row(std::span<const float> row, float value) {
  if (row.empty() || std::isnan(value) || std::isnan(row[0])) return std::numeric_limits<double>::quiet_NaN();
  const auto below = std::lower_bound(row.begin(), row.end(), value) - row.begin();
  return static_cast<double>(below) / static_cast<double>(row.size());
}

PercentileTable::PercentileTable(std::vector<std::string> track_ids, std::vector<float> rows, size_t points,
                                 std::vector<int64_t> counts, std::vector<bool> signed_flags)
    : ids_(std::move(track_ids)),
      rows_(std::move(rows)),
      points_(points),
      counts_(std::move(counts)),
      signed_(std::move(signed_flags)) {
  if (rows_.size() != ids_.size() * points_)
    fail_input("CDF matrix has " + std::to_string(rows_.size()) + " values, expected " +
               std::to_string(ids_.size()) + " tracks x " + std::to_string(points_));
  if (!counts_.empty() && counts_.size() != ids_.size()) fail_input("CDF counts do not match the tracks");
  if (!signed_.empty() && signed_.size() != ids_.size()) fail_input("signed_flags do not match the tracks");
  for (size_t i = 0; i < ids_.size(); ++i) index_.emplace(ids_[i], i);
}

bool PercentileTable::npz_has(const std::string& path, ValueKind kind) {
  return npz::NpzReader(path).contains(std::string(kind_name(kind)) + "_cdfs");
}

PercentileTable PercentileTable::load_npz(const std::string& path, ValueKind kind) {
  npz::NpzReader npz(path);
  const std::string cdfs = std::string(kind_name(kind)) + "_cdfs";
  const std::string counts = std::string(kind_name(kind)) + "_counts";
  if (!npz.contains(cdfs))
    fail_input("the archive has no " + cdfs, path,
               std::string(kind == ValueKind::perbin ? "scalar models have no per-bin CDFs; " : "") +
                   "rebuild it with s2f-merge-cdfs including " + kind_name(kind) + " reservoirs");
  auto ids = npz.load("track_ids").as_strings("track_ids");
  auto m = npz.load(cdfs);
  if (m.shape.size() != 2 || m.shape[0] != ids.size())
    fail_input(cdfs + " is not a (tracks x points) matrix matching track_ids", path);
  std::vector<int64_t> c;
  if (npz.contains(counts)) c = npz.load(counts).as_i64(counts);
  std::vector<bool> s;
  if (npz.contains("signed_flags")) s = npz.load("signed_flags").as_bool("signed_flags");
  PercentileTable t(std::move(ids), m.as_f32(cdfs), m.shape[1], std::move(c), std::move(s));
  // A reversed or damaged row would silently change every percentile: each
  // row is non-decreasing and has no NaN (a track without values is all NaN).
  for (size_t i = 0; i < t.ids_.size(); ++i) {
    auto r = t.row(i);
    const auto where = cdfs + " row " + std::to_string(i) + " (track '" + t.ids_[i] + "')";
    size_t nans = 0;
    for (float v : r) nans += std::isnan(v) ? 1 : 0;
    if (nans == r.size()) continue;
    for (size_t j = 0; j < r.size(); ++j) {
      if (std::isnan(r[j]))
        fail_input(where + " holds NaN at point " + std::to_string(j) + " among numbers", path,
                   "the archive is damaged; rebuild it with s2f-merge-cdfs");
      if (j > 0 && r[j] < r[j - 1])
        fail_input(where + " decreases at point " + std::to_string(j) + " (" + std::to_string(r[j - 1]) + " then " +
                       std::to_string(r[j]) + "): a CDF is non-decreasing",
                   path, "the archive is damaged or reversed; rebuild it with s2f-merge-cdfs");
    }
  }
  t.kind_ = kind_name(kind);
  t.path_ = path;
  if (npz.contains("build_config")) {
    auto text = npz.load("build_config").as_strings("build_config");
    if (!text.empty()) t.config_ = nlohmann::json::parse(text[0], nullptr, false);
  }
  return t;
}

void PercentileTable::require_geometry(const nlohmann::json& geometry, const std::string& where) const {
  if (!config_.is_object() || !config_.contains("kinds") || !config_["kinds"].contains(kind_)) return;
  const auto& built = config_["kinds"][kind_].value("geometry", nlohmann::json::object());
  std::string key = first_geometry_difference(built, geometry);
  if (key.empty()) return;
  auto show = [&](const nlohmann::json& g) { return g.contains(key) ? dump_json(g[key]) : std::string("absent"); };
  fail_input("geometry field '" + key + "' is " + show(geometry) + " but the " + kind_ + " background " + path_ +
                 " was built with " + show(built),
             where, "use a background built for this model, window and statistic");
}

int64_t PercentileTable::find(const std::string& track_id) const {
  auto it = index_.find(track_id);
  return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
}

double PercentileTable::percentile(size_t track, float value) const { return percentile_in_row(row(track), value); }

}  // namespace s2f::background
