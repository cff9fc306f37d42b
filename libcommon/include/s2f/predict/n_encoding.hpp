// How a stage one-hot encodes an N (any base that is not A, C, G or T) for
// the model it runs, and who decided. A model answers differently on N
// rows of 0.25 and of 0 (up to 0.2 in log counts on N-padded windows for
// models trained with zeros), so s2f never picks a value itself: --n-value,
// else the value the model records (its training's; formats/MODEL.md),
// else nobody knows — and then the first window that holds an N stops the
// run with an error naming --n-value, while windows without an N, which
// the value cannot change, run as before.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "s2f/engine/graph.hpp"
#include "s2f/predict/model_options.hpp"

namespace s2f::predict {

struct NEncoding {
  std::optional<float> value;  // every channel's value at an N; none = nobody said
  std::string source;          // who said: "--n-value", "model file", "Keras import", "--exec model"
  std::string unknown_fix;     // how to give a value, when none is known

  // The value to encode `bases` with. When they hold an N and no value is
  // known, fails with a usage error naming `window()` and --n-value.
  float for_window(std::span<const uint8_t> bases, const std::function<std::string()>& window) const;
  // meta.model's record of it: n_value (null when unknown) and n_value_from.
  void describe(nlohmann::json& model_meta) const;
};

// A native model's: --n-value when given, else what the model records.
NEncoding n_encoding_of_model(std::optional<float> option, const engine::ModelGraph& model);
// An ensemble's (or one model's): --n-value when given, else the value its
// members record, which must be one (members that record none say nothing).
NEncoding n_encoding_of_models(std::optional<float> option, const std::vector<StageModel>& members);

// An --exec model's: the value its tensors header declares (meta.n_value,
// formats/EXEC.md). A declared value other than a given --n-value is an
// error: the plug-in did not honour the request s2f sent it.
NEncoding n_encoding_of_exec(std::optional<float> option, std::optional<float> declared,
                             const std::string& command);

}  // namespace s2f::predict
