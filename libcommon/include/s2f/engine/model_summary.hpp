// What a model is before running it (s2f-model-info): layers with shapes and
// receptive fields, parameter count, input length, output heads, content
// hash, compute and activation memory per sequence.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "s2f/engine/graph.hpp"

namespace s2f::engine {

// The summary as JSON (s2f-model-info --json).
nlohmann::json model_summary(const ModelGraph& graph);
// The same as text: key<TAB>value lines, one line per output head, then a
// table of layers.
std::string model_summary_text(const nlohmann::json& summary);

}  // namespace s2f::engine
