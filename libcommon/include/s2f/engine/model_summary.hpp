// What a model is before running it (s2f-model-info): layers with shapes and
// receptive fields, parameter count, input length, output heads, content
// hash, compute and activation memory per sequence.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "s2f/engine/graph.hpp"
#include "s2f/engine/model_file.hpp"

namespace s2f::engine {

// The summary as JSON (s2f-model-info --json).
nlohmann::json model_summary(const ModelGraph& graph);
// What can be said of a model whose input length is free before a length
// is chosen: that it is free, and how to give one. `model_args`: the model
// as given on the command line ("m.h5", or "m.json --weights w.h5").
nlohmann::json free_length_summary(const std::string& path, const std::string& model_args);
// A model file described: the model and its summary, or, for a model whose
// input length is free and no length given, the free_length_summary alone.
struct ModelDescription {
  std::optional<ModelGraph> graph;
  nlohmann::json summary;
};
ModelDescription describe_model(const ModelSource& source, const std::string& model_args);

// The same as text: key<TAB>value lines, one line per output head, then a
// table of layers (for a free_length_summary, the lines saying how to give a length).
std::string model_summary_text(const nlohmann::json& summary);

}  // namespace s2f::engine
