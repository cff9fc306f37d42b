// An ensemble: several models of one architecture run on the same windows,
// their outputs averaged (formats/MODELS.md, "Ensembles"), as ENCODE ships
// ChromBPNet: one model per cross-validation fold. This file names the
// members, checks that they agree, and says what ran in output headers.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "s2f/predict/model_options.hpp"
#include "s2f/run.hpp"

namespace s2f::predict {

// The members --model names, in the order they run: each argument in the
// order given; a directory stands for its model files of one form (s2f
// model files *.s2fm, or Keras *.h5/*.hdf5; other files are ignored) in
// name order, digit runs compared as numbers (fold_2 before fold_10).
// A directory holding both forms, or none, is an error.
std::vector<std::string> ensemble_member_paths(const std::vector<std::string>& models);

// Every member has the first one's input length and heads (names, kinds,
// tracks, bins, bin sizes) and, when both embed one, the same track
// catalog, and when both record them, the same strand pairs; otherwise an
// error naming both models and the difference. (Their N values are
// checked by n_encoding_of_models, which --n-value settles.)
void check_members_agree(const std::vector<StageModel>& members);

// meta.model of an output header: one model's identity (model_identity), or
// for an ensemble format "ensemble", the members' identities in order
// (`members`), `combine: mean`, and `hash`, the ensemble's content hash:
// SHA-256 over the members' hashes in order (formats/SPEC.md).
nlohmann::json ensemble_identity(const std::vector<std::string>& models, const std::vector<StageModel>& members);

// Tells the user (unless -q) that an ensemble runs and what it costs, and
// puts "k models" on the run's summary line.
void announce_ensemble(const std::vector<StageModel>& members, Run& run);

}  // namespace s2f::predict
