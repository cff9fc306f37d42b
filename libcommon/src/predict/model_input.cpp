#include "s2f/predict/model_input.hpp"

namespace s2f::predict {

int64_t sequence_window_length(const stream::Header& header) {
  const int seq = header.schema.find("seq");
  if (seq < 0) return 0;
  const auto& shape = header.schema[static_cast<size_t>(seq)].shape;
  return shape.size() == 1 && shape[0] > 0 ? shape[0] : 0;
}

ModelInput open_model_input(const ModelOptions& model, const EncodeInputs& encode, const std::string& input) {
  encode.validate(input);
  ModelInput m;
  if (!model.models.empty()) {
    // A free-length model runs at the windows' length: -L of the encoded
    // inputs, or the input stream's, which is then opened first.
    m.members = load_stage_models(model, [&]() -> int64_t {
      if (encode.wanted()) return encode.length;
      m.in = stream::Reader::open(input);
      return sequence_window_length(m.in->header());
    });
  }
  if (encode.wanted()) {
    m.encoder = start_encode(
        encode, encode.length ? encode.length : (m.members.empty() ? 0 : m.members.front().graph.input_length));
    m.in = std::move(m.encoder.reader);
  } else if (!m.in) {
    m.in = stream::Reader::open(input);
  }
  return m;
}

}  // namespace s2f::predict
