// What s2f-score computes for every track of a tensor stream: the scored
// tracks (every channel of every head, in head order), and per track the
// statistic, window, pseudocount and sign convention — the same for all
// tracks, or per track from a layer table joined to the catalog, as chorus
// scores accessibility, histone and RNA tracks differently.
//
// Layer table (TSV, header line required):
//   layer   statistic  window  pseudocount  signed
//   ATAC    log2fc     501     1            false
//   RNA     logfc      0       0.001        true      (window 0 = whole head)
// A track's layer is the value of its catalog column --layer-column.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/score/allele_scores.hpp"
#include "s2f/score/statistics.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::score {

struct TrackSpec {
  Statistic statistic = Statistic::log2fc;
  int64_t window_bp = 0;
  double pseudocount = 1.0;
  bool is_signed = false;
  std::string layer;
};

struct ScoredTrack {
  std::string id;        // unique; "@<bin size>" appended when a head exists at several resolutions
  size_t field = 0;      // head field in the tensor stream
  int64_t channel = 0;   // channel within the head
  int64_t bins = 0, bin_size = 1;
  size_t catalog_row = 0;
  TrackSpec spec;
  BinRange window;       // bins of the window for spec.window_bp
};

struct ScoringOptions {
  std::vector<Statistic> statistics;  // without a layer table: one output field each
  int64_t window_bp = 0;
  double pseudocount = -1;            // < 0: each statistic's default
  bool all_signed = false;
  std::string layer_table, layer_column;
  LogitRule logit = LogitRule::clipped;  // logit_diff's treatment of 0 and 1 (--logit)
  // --scorer chrombpnet: the variant scorer's scores instead of
  // `statistics`, over the profile heads' channels only (the log-count head
  // is paired with them, not scored as a track).
  std::vector<AlleleScore> allele_scores;
};

class ScoringPlan {
 public:
  ScoringPlan(const stream::Header& tensors, const ScoringOptions& options);
  const std::vector<ScoredTrack>& tracks() const { return tracks_; }
  const catalog::TrackCatalog& catalog() const { return catalog_; }  // one row per scored track
  bool per_track_layers() const { return !options_.layer_table.empty(); }
  // Output fields of the scores stream: statistic names, or "effect".
  std::vector<std::string> field_names() const;
  // The geometry stamped on emitted values and checked against CDF files.
  const nlohmann::json& geometry() const { return geometry_; }
  std::vector<bool> signed_flags() const;
  std::vector<std::string> track_ids() const;
  const ScoringOptions& options() const { return options_; }

 private:
  ScoringOptions options_;
  std::vector<ScoredTrack> tracks_;
  catalog::TrackCatalog catalog_;
  nlohmann::json geometry_;
};

}  // namespace s2f::score
