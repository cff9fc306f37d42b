// The forms a Keras 2.x model comes in, opened for the importer: a full .h5
// (model.save: the architecture in the `model_config` attribute, weights
// under `model_weights`), or an architecture JSON (model.to_json()) with its
// weights-only .h5 (model.save_weights: layer groups at the root). Private
// to the engine.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "s2f/engine/model_file.hpp"
#include "s2f/hdf5/h5.hpp"

namespace s2f::engine {

// What to do about a free-length model given no length, in every message.
inline constexpr const char* kFreeLengthFix =
    "give the length to run it at with --input-length N (s2f-predict, s2f-ism and s2f-marginalize also "
    "take it from their windows)";

// True when `path` is a text file whose first non-blank character is '{':
// a Keras architecture JSON rather than an HDF5 model.
bool is_architecture_json(const std::string& path);

// The architecture and the file holding the weights.
struct KerasFiles {
  nlohmann::json config;
  std::string config_path;   // for messages about the architecture
  std::string weights_path;  // for messages about weights
  h5::File weights;
  bool separate_weights = false;  // an architecture JSON with --weights
};
// Opens the form `source` is; a JSON without weights, --weights with a
// full .h5 and an s2f model file as weights are errors saying what to give.
KerasFiles open_keras(const ModelSource& source);

// The InputLayer's (batch, length, channels), whichever key the Keras
// version wrote it under.
const nlohmann::json& input_shape_of(const nlohmann::json& layer_config, const std::string& where);

// The length of a Keras model's InputLayer; 0 when it is free (None).
int64_t keras_declared_input_length(const ModelSource& source);

}  // namespace s2f::engine
