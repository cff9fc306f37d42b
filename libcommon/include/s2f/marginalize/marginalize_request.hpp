// An s2f-marginalize run: what it is asked (the fields its options fill),
// the one function that checks option combinations, and the driver: model
// and track plan, motifs, sources and backgrounds, the experiments of the
// mode, the marginal stream, the effect summary and saved backgrounds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "s2f/attribute/attribution_setup.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/run.hpp"

namespace s2f::marginalize {

struct MarginalizeRequest {
  std::string input;  // empty: stdin when the mode reads sequences
  predict::ModelOptions model;
  predict::TrackPlanOptions plan;
  std::vector<std::string> motifs;  // IUPAC strings or --motif-file names
  std::string motif_file;
  bool iupac = false;                       // --iupac: degenerate codes in motif strings
  std::vector<std::string> motif_matrices;  // .npy/.npz numeric motifs
  std::string motif_per_background;         // sequences stream: record i into background i
  bool sample = false;
  std::optional<int64_t> start;
  std::string spacing, annotations, background, ablate, shuffle;
  bool random = false;
  double gc = 0.41;
  std::optional<int64_t> count;   // -n
  std::optional<int64_t> length;  // -L
  std::string summary, save_backgrounds;
  std::string save_after;  // the edited sequences, one record per output record
  // --func: what is computed before and after each edit (tangermeme's
  // marginalize `func`): predict (the model's outputs) or attribute
  // (contribution scores, with `attribution`'s method, references, target).
  std::string func = "predict";
  attribute::AttributionOptions attribution;
};

// Whether the run inserts motifs (--motif, --motif-matrix or --motif-per-background).
bool inserts_motifs(const MarginalizeRequest& request);

// Usage errors for impossible combinations, one message each.
void check_request(const MarginalizeRequest& request);

void run_marginalize(const MarginalizeRequest& request, Run& run);

// The reference text of s2f-marginalize --help (modes, backgrounds, outputs).
const char* marginalize_help_details();

}  // namespace s2f::marginalize
