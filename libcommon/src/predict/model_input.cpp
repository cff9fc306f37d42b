#include "s2f/predict/model_input.hpp"

#include "s2f/engine/model_file.hpp"

namespace s2f::predict {

ModelInput open_model_input(const ModelOptions& model, const EncodeInputs& encode, const std::string& input) {
  encode.validate(input);
  const std::string model_path = resolve_model_path(model.model);
  ModelInput m;
  if (!model_path.empty()) m.graph = std::make_unique<engine::ModelGraph>(engine::load_model(model_path));
  if (encode.wanted()) {
    m.encoder = start_encode(encode, encode.length ? encode.length : (m.graph ? m.graph->input_length : 0));
    m.in = std::move(m.encoder.reader);
  } else {
    m.in = stream::Reader::open(input);
  }
  return m;
}

}  // namespace s2f::predict
