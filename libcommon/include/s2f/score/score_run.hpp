// One s2f-score run: a tensors stream in, and out either
//  - a scores stream: per record (a variant's ref/alt pair, or a single
//    window) one f32 [tracks] field per statistic (or `effect` with a layer
//    table), plus effect_pct and activity_pct against a background (--cdf),
//    and optionally Selene-compatible files (--tsv/--hdf5, --save): under a
//    PREFIX, or a directory DIR/ as Selene's output_dir (DIR/<prefix> of the
//    encoded file, one set per VCF of a several-VCF stream; single windows
//    with Selene's row labels give DIR/<prefix>_predictions);
//  - or (--emit) values streams for s2f-reservoir, one per kind named, all
//    from one pass: effect, summary and/or perbin (score/value_emitter.hpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/defaults.hpp"
#include "s2f/run.hpp"
#include "s2f/score/scoring_plan.hpp"
#include "s2f/score/selene_naming.hpp"
#include "s2f/score/value_routing.hpp"

namespace s2f::score {

struct ScoreRunOptions {
  std::string input = "-";
  std::vector<std::string> stats;  // --stat values, repeated and/or comma-separated
  ScoringOptions scoring;          // its statistics come from `stats`
  catalog::TrackFilterOptions select;
  std::vector<std::string> emit;   // kinds: effect, summary, perbin (none = scores)
  std::string cdf;                 // background *_pertrack.npz
  std::string percentile_rule = "interpolate";  // or searchsorted (chorus)
  int64_t min_samples = defaults::min_background_samples;  // thinner tracks: NaN
  std::string tsv_prefix, hdf5_prefix;
  std::vector<std::string> save;   // Selene items; none = all
  int64_t perbin_k = defaults::perbin_k;
  ValueRoutingOptions routing;     // --summary-skip, --exons (chorus's CAGE and RNA routing)
  bool selene_files = false;       // print the Selene file names and stop
  std::string scorer = "window";   // window, or chrombpnet (profile_count_scorer.hpp)
  std::string counts_head;         // chrombpnet: the log-count head ("" = the only scalar head)
  std::string peaks;               // chrombpnet: peak predictions for the quantile scores
};

// The option combinations, checked in one place, one message each (usage
// errors). run_score calls it first.
void check_score_options(const ScoreRunOptions& options);

// The reference part of s2f-score --help (window rule, statistics, percentiles, outputs).
const char* score_help_details();
// --save as Selene items, in the order given (default: diffs, abs_diffs,
// logits, predictions); a usage error names an unknown item.
std::vector<SeleneItem> selene_items(const std::vector<std::string>& save);
// The Selene files --tsv/--hdf5 PREFIX with --save would write (the order
// they are written in), one per line: what --selene-files prints.
std::vector<std::string> selene_output_files(const ScoreRunOptions& options);

// The whole run: reads options.input, writes run.opt.output (and the Selene
// files), counting records and skips in `run`. With selene_files, only
// prints the file names on stdout.
void run_score(const ScoreRunOptions& options, Run& run);

}  // namespace s2f::score
