// The options of every stage that runs a model (s2f-predict, s2f-ism,
// s2f-marginalize and later ones): which model, how it is fed, and the
// option checks, written once (as minimap2's mm_check_opt). The command-line
// declarations are in s2f/cli/stage_options.hpp.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "s2f/defaults.hpp"
#include "s2f/engine/graph.hpp"

namespace s2f::predict {

struct ModelOptions {
  // -m/--model, repeatable: s2f model files, Keras .h5 or architecture JSON,
  // "demo", or a directory of one form's model files (its folds); more than
  // one model is an ensemble, whose outputs are the members' mean (ensemble.hpp).
  std::vector<std::string> models;
  std::string weights;       // weights-only Keras .h5 of an architecture JSON
  int64_t input_length = 0;  // length to run a free-length model at; 0 = the windows'
  std::string exec_command;  // or a plug-in process (formats/EXEC.md)
  double exec_timeout = defaults::exec_timeout_seconds;
  std::string catalog;       // track catalog TSV; default: the model's own
  std::string heads;         // comma-separated heads to write; "" = all
  int64_t batch_size = defaults::batch_size;
  std::optional<float> n_value;  // --n-value; else the model's record (predict::NEncoding)
};

// Usage errors for impossible combinations, one message each. `exec_allowed`
// is false for stages that run only the native engine.
void check_model_options(const ModelOptions& o, bool exec_allowed);

// --model as a file path: "demo" is the bundled demo model, wherever s2f
// is installed; anything else is returned unchanged.
std::string resolve_model_path(const std::string& model);

// One model a stage runs: the path it was read from and its graph.
struct StageModel {
  std::string path;  // as named on the command line ("demo"), or a file of a fold directory
  engine::ModelGraph graph;
};

// The native models of --model/--weights: one, or an ensemble's members in
// their fixed order (ensemble.hpp), checked to agree. A model whose input
// length is free runs at --input-length, else at `window_length()`: the
// length of the windows the stage reads (called at most once, and only
// then, as it may open the input; 0 when unknown, which is an error naming
// both ways to give a length).
std::vector<StageModel> load_stage_models(const ModelOptions& o, const std::function<int64_t()>& window_length);

}  // namespace s2f::predict
