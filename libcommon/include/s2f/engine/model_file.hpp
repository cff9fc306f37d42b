// Reading and writing models: the s2f model file (formats/MODEL.md) and, read
// directly without conversion, Keras 2.x models: a full .h5 (`model.save`,
// with a `model_config` attribute and a `model_weights` group) or an
// architecture JSON (`model.to_json()`) with its weights-only .h5
// (`model.save_weights`). formats/MODELS.md lists every form with its command.
#pragma once
#include <cstdint>
#include <string>

#include "s2f/engine/graph.hpp"

namespace s2f::engine {

constexpr int kModelFormatVersion = 1;

// Where a model comes from and the length to build it at.
struct ModelSource {
  std::string path;          // s2f model file, Keras .h5, or Keras architecture JSON
  std::string weights;       // the weights-only .h5 of an architecture JSON; "" otherwise
  int64_t input_length = 0;  // required by a model whose input length is free; else 0 or its own length
};

// Opens the model `source` describes; shapes are inferred and checked at
// the model's own input length, or at source.input_length when the model's
// is free (a Keras Input of shape (None, 4)). metadata["source_format"]
// says which kind of file it was ("s2f"/"keras"), metadata["content_hash"]
// holds the model's content hash and metadata["input_length_free"] is true
// for a free-length model.
ModelGraph load_model(const ModelSource& source);
ModelGraph load_model(const std::string& path);

// The input length the model file declares; 0 when it is free (the model
// runs at any length its layers allow). Reads the architecture only.
int64_t declared_input_length(const ModelSource& source);

// Keras 2.x functional or Sequential model, from a full .h5 or from an
// architecture JSON with source.weights. Unsupported layers fail with the
// layer's name and class.
ModelGraph import_keras(const ModelSource& source);

// Writes an s2f model file (to a temporary name, renamed on success).
void save_model(const ModelGraph& graph, const std::string& path);

// "sha256:<hex>" over the architecture text and every weight (MODEL.md).
std::string content_hash(const std::string& architecture_text, const ModelGraph& graph);

}  // namespace s2f::engine
