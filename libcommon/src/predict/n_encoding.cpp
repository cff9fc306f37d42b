#include "s2f/predict/n_encoding.hpp"

#include <charconv>
#include <string>

#include "s2f/error.hpp"
#include "s2f/predict/one_hot.hpp"

namespace s2f::predict {

namespace {

const char* const kValues =
    "--n-value 0 (all-zero rows, as ChromBPNet, BPNet and splice-model training encode N) or "
    "--n-value 0.25 (a quarter in each channel), as the model was trained";

// The shortest decimal that reads back as `v` (0.1, not 0.100000001490116),
// for messages and headers.
std::string decimal(float v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

}  // namespace

float NEncoding::for_window(std::span<const uint8_t> bases, const std::function<std::string()>& window) const {
  if (value) return *value;
  auto at = first_unknown_base(bases);
  if (!at) return 0.0f;  // no N: the value is never read
  std::string base(1, static_cast<char>(bases[*at]));
  throw Error(Exit::usage,
              "window " + window() + " holds an N ('" + base + "' at offset " + std::to_string(*at) +
                  ") and nothing says how the model's training encoded N",
              {}, unknown_fix);
}

void NEncoding::describe(nlohmann::json& model_meta) const {
  model_meta["n_value"] = value ? nlohmann::json(std::stod(decimal(*value))) : nlohmann::json();
  model_meta["n_value_from"] = value ? source : "unknown (a window with an N is an error)";
}

NEncoding n_encoding_of_model(std::optional<float> option, const engine::ModelGraph& model) {
  NEncoding e;
  if (option) {
    e.value = option;
    e.source = "--n-value";
  } else if (model.n_value) {
    e.value = static_cast<float>(*model.n_value);
    e.source = model.metadata.value("source_format", "s2f") == "keras" ? "Keras import" : "model file";
  }
  e.unknown_fix = std::string("give ") + kValues +
                  ", or record it in the model file (input.n_value, formats/MODEL.md)";
  return e;
}

NEncoding n_encoding_of_models(std::optional<float> option, const std::vector<StageModel>& members) {
  const StageModel* recorded = nullptr;
  for (const auto& m : members) {
    if (!m.graph.n_value) continue;
    if (!recorded) recorded = &m;
    else if (!option && *m.graph.n_value != *recorded->graph.n_value)
      fail_input("the ensemble's models record different N values: " + recorded->path + " " +
                     decimal(static_cast<float>(*recorded->graph.n_value)) + ", " + m.path + " " +
                     decimal(static_cast<float>(*m.graph.n_value)),
                 recorded->path + " and " + m.path,
                 "give the folds of one model, or encode N one way for all with --n-value");
  }
  return n_encoding_of_model(option, recorded ? recorded->graph : members.front().graph);
}

NEncoding n_encoding_of_exec(std::optional<float> option, std::optional<float> declared,
                             const std::string& command) {
  if (option && declared && *option != *declared)
    fail_input("s2f asked the --exec model for --n-value " + decimal(*option) +
                   " but its header says it encoded N as " + decimal(*declared),
               command, "make the plug-in honour meta.n_value of the stream it reads (formats/EXEC.md)");
  NEncoding e;
  if (declared) {
    e.value = declared;
    e.source = option ? "--n-value" : "--exec model";
  }
  e.unknown_fix = option ? std::string("the --exec model does not say that it honoured --n-value: make it write "
                                       "meta.n_value in its tensors header (formats/EXEC.md)")
                         : std::string("give ") + kValues +
                               " (s2f passes it on as meta.n_value), or make the --exec model declare its "
                               "meta.n_value (formats/EXEC.md)";
  return e;
}

}  // namespace s2f::predict
