// Reading and writing models: the s2f model file (formats/MODEL.md) and, read
// directly without conversion, Keras 2.x HDF5 models (.h5 with a
// `model_config` attribute and a `model_weights` group).
#pragma once
#include <string>

#include "s2f/engine/graph.hpp"

namespace s2f::engine {

constexpr int kModelFormatVersion = 1;

// Opens an s2f model file or a Keras .h5, whichever `path` is; shapes are
// inferred and checked. metadata["source_format"] says which ("s2f"/"keras")
// and metadata["content_hash"] holds the model's content hash.
ModelGraph load_model(const std::string& path);

// Keras 2.x functional or Sequential model. Unsupported layers fail with the
// layer's name and class.
ModelGraph import_keras(const std::string& path);

// Writes an s2f model file (to a temporary name, renamed on success).
void save_model(const ModelGraph& graph, const std::string& path);

// "sha256:<hex>" over the architecture text and every weight (MODEL.md).
std::string content_hash(const std::string& architecture_text, const ModelGraph& graph);

}  // namespace s2f::engine
