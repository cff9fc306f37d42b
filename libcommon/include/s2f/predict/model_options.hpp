// The options of every stage that runs a model (s2f-predict, s2f-ism,
// s2f-marginalize and later ones): which model, how it is fed, and the
// option checks, written once (as minimap2's mm_check_opt). The command-line
// declarations are in s2f/cli/stage_options.hpp.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "s2f/defaults.hpp"
#include "s2f/engine/graph.hpp"

namespace s2f::predict {

struct ModelOptions {
  std::string model;         // s2f model file, Keras .h5 or architecture JSON, or "demo"
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

// The native model of --model/--weights. A model whose input length is free
// runs at --input-length, else at `window_length()`: the length of the
// windows the stage reads (called only then, as it may open the input;
// 0 when unknown, which is an error naming both ways to give a length).
engine::ModelGraph load_stage_model(const ModelOptions& o, const std::function<int64_t()>& window_length);

}  // namespace s2f::predict
