// Option groups of s2f-score, declared here so its main stays a list of
// what it takes: the chorus routing of background values, the percentile
// lookup in a background archive, and Selene's output files.
#pragma once
#include <CLI/CLI.hpp>

#include "s2f/score/score_run.hpp"
#include "s2f/score/value_routing.hpp"

namespace s2f::cli {

// --summary-skip, --summary-skip-tracks, --exons, --exon-tracks.
void add_value_routing_options(CLI::App& app, score::ValueRoutingOptions& o);
// --cdf, --percentile-rule, --min-samples.
void add_percentile_options(CLI::App& app, score::ScoreRunOptions& o);
// --tsv, --hdf5, --save, --selene-files.
void add_selene_file_options(CLI::App& app, score::ScoreRunOptions& o);

}  // namespace s2f::cli
