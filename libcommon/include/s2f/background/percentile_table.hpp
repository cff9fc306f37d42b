// Looking up where a value falls in a track's background distribution,
// from the CDF rows of a *_pertrack.npz (or rows given directly).
//
// A row holds P sorted points c_0..c_{P-1}; point j sits at percentile
// q_j = j / (P - 1) (see cdf.hpp). percentile(track, x) returns a fraction
// in [0, 1]:
//   x < c_0 (below the smallest)      -> 0
//   x > c_{P-1} (above the largest)   -> 1
//   x equal to points c_a..c_b (ties) -> (q_a + q_b) / 2, the middle of the
//                                        tied run (so a value that fills the
//                                        whole row gets 0.5)
//   c_i < x < c_{i+1}                 -> q_i + (x - c_i) / (c_{i+1} - c_i) / (P - 1)
//   x NaN, or an empty track (NaN row) -> NaN
// Whether to look up |effect| for unsigned tracks is the caller's choice;
// is_signed() says how the background was built.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "s2f/background/value_meta.hpp"

namespace s2f::background {

class PercentileTable {
 public:
  PercentileTable() = default;
  // rows: n_tracks x points, row-major; counts and signed flags optional.
  PercentileTable(std::vector<std::string> track_ids, std::vector<float> rows, size_t points,
                  std::vector<int64_t> counts = {}, std::vector<bool> signed_flags = {});
  // Reads <kind>_cdfs, <kind>_counts, track_ids, signed_flags and
  // build_config from an npz written by s2f-merge-cdfs (or by the chorus
  // build scripts). Throws bad_input when the kind is absent.
  static PercentileTable load_npz(const std::string& path, ValueKind kind);
  // Whether the archive holds <kind>_cdfs (chorus stores each optionally).
  static bool npz_has(const std::string& path, ValueKind kind);

  size_t tracks() const { return ids_.size(); }
  size_t points() const { return points_; }
  const std::vector<std::string>& track_ids() const { return ids_; }
  // Row of a track id, or -1.
  int64_t find(const std::string& track_id) const;
  std::span<const float> row(size_t track) const { return {rows_.data() + track * points_, points_}; }
  int64_t count(size_t track) const { return counts_.empty() ? -1 : counts_[track]; }
  bool is_signed(size_t track) const { return !signed_.empty() && signed_[track]; }
  // build_config of the archive (geometry, seeds, shards), if it had one.
  const nlohmann::json& build_config() const { return config_; }
  // Refuses a table built with a different geometry than the scores it is
  // about to rank (bad_input naming the first differing field). Tables
  // without a recorded geometry are accepted.
  void require_geometry(const nlohmann::json& geometry, const std::string& where) const;

  double percentile(size_t track, float value) const;

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<float> rows_;
  size_t points_ = 0;
  std::vector<int64_t> counts_;
  std::vector<bool> signed_;
  nlohmann::json config_;
  std::string kind_, path_;
};

// The lookup rule on one sorted row (exposed for tests and other tables).
double percentile_in_row(std::span<const float> row, float value);
// chorus's lookup: the number of points strictly below the value over the
// number of points (numpy searchsorted, side 'left', divided by P); NaN for
// a NaN value or an all-NaN row. Reaches 1.0 only above the largest point.
double searchsorted_percentile_in_row(std::span<const float> row, float value);

}  // namespace s2f::background
