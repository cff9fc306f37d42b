// Which tracks of a head are the two strands of one signal, for --rc.
//
// The reverse complement of a window reads every stranded track as its
// opposite-strand partner (+ as -), so combining the forward and reverse
// passes needs the pairing, and s2f never guesses it. A head takes its
// pairing from, in order:
//   1. --strand-pairs HEAD:P-M[,P-M...] or HEAD:none (channels = track_index);
//   2. the track catalog, when its `strand` column says +, - or . for every
//      channel of the head: + and - tracks with the same pairing key (the
//      `strand_pair` cell when the catalog has that column, else
//      `track_name`) are partners, . tracks are unstranded. The catalog
//      s2f makes up for a model without one says nothing;
//   3. the model's record (outputs[].strand_pairs, formats/MODEL.md; an
//      --exec model's meta.geometry.heads[].strand_pairs, formats/EXEC.md).
// When the catalog and the model both speak they must agree. A profile head
// with more than one track must get a pairing from one of them, or --rc
// stops with an error naming the three ways. Single-track heads have no
// partner to swap with, and scalar heads (per-track totals such as
// log-counts) are combined unswapped unless a pairing is given: they need
// none.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/graph.hpp"
#include "s2f/predict/strand_combine.hpp"
#include "s2f/predict/track_plan.hpp"

namespace s2f::predict {

// --rc and --strand-pairs (declared once, in s2f/cli/stage_options.hpp).
struct StrandOptions {
  std::string rc = "none";                // none, mean or max
  std::vector<std::string> strand_pairs;  // HEAD:P-M,P-M or HEAD:none, repeatable
};

// Parsed --strand-pairs: head (output_type or head name) -> its pairs.
// Usage errors for text that does not parse or a head given twice.
std::map<std::string, engine::StrandPairs> parse_strand_pairs(const std::vector<std::string>& specs);

// Resolves the pairing of every head of `plan` (over `catalog`, the whole
// catalog the plan was made from) and sets its strand partners. Returns
// meta.rc for the output header: {mode, heads: [{name, strand_pairs, from}]}.
nlohmann::json apply_strand_pairing(TrackPlan& plan, const catalog::TrackCatalog& catalog,
                                    const StrandOptions& options, RcMode mode);

}  // namespace s2f::predict
