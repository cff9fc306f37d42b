// Opening the forms a Keras model comes in (keras_files.hpp).
#include "keras_files.hpp"

#include <fstream>
#include <sstream>

#include "h5_weights.hpp"
#include "s2f/error.hpp"

namespace s2f::engine {

using nlohmann::json;

namespace {

constexpr const char* kWeightsFileKind = "a Keras weights file written by model.save_weights('weights.h5')";

json parse_config(const std::string& text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail_input(std::string("the Keras architecture is not JSON: ") + e.what(), where,
               "give the text of model.to_json(), or a model saved with Keras 2.x model.save('model.h5')");
  }
}

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_io("cannot open the Keras architecture JSON", path, "check the path and permissions");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace

bool is_architecture_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  for (int i = 0; i < 4096 && in.get(c);)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') ++i;
    else return c == '{';
  return false;
}

int64_t keras_declared_input_length(const ModelSource& source) {
  try {
    const json config = open_keras(ModelSource{source.path, source.weights, 0}).config;
    const json& c = config.at("config");
    const json& list = c.is_array() ? c : c.at("layers");
    std::string first;
    if (config.value("class_name", "") != "Sequential") first = c.at("input_layers").at(0).at(0).get<std::string>();
    for (const auto& l : list) {
      const json& lc = l.at("config");
      const std::string name = l.contains("name") ? l.at("name").get<std::string>() : lc.value("name", "");
      if (!first.empty() && name != first) continue;
      const json& shape = input_shape_of(lc, source.path);
      return shape.is_array() && shape.size() == 3 && shape.at(1).is_number_integer() ? shape.at(1).get<int64_t>() : 0;
    }
    fail_input("the model's input layer '" + first + "' is not among its layers", source.path,
               "re-save the model with Keras 2.x");
  } catch (const json::exception& e) {
    fail_input(std::string("the Keras model_config is damaged: ") + e.what(), source.path,
               "re-save the model with Keras 2.x (model.save('model.h5'))");
  }
}

const json& input_shape_of(const json& layer_config, const std::string& where) {
  for (const char* key : {"batch_input_shape", "batch_shape"})
    if (layer_config.contains(key)) return layer_config.at(key);
  fail_input("the InputLayer has no batch_input_shape", where, "re-save the model with Keras 2.x");
}

KerasFiles open_keras(const ModelSource& src) {
  KerasFiles k;
  k.config_path = src.path;
  if (is_architecture_json(src.path)) {
    k.config = read_json_file(src.path);
    if (src.weights.empty())
      fail_input("a Keras architecture JSON holds no weights", src.path,
                 "give the weights saved with model.save_weights('weights.h5'): --weights weights.h5");
    k.weights = h5::File::open(src.weights, kWeightsFileKind);
    k.weights_path = src.weights;
    k.separate_weights = true;
    if (k.weights.has_attribute("/", "format"))
      fail_input("this is an s2f model file, not Keras weights", src.weights,
                 "give the .h5 written by model.save_weights() with --weights");
    return k;
  }
  k.weights = h5::File::open(src.path, kModelFileKinds);
  k.weights_path = src.path;
  if (!src.weights.empty())
    fail_input("--weights goes with a Keras architecture JSON; this .h5 holds its own weights", src.path,
               "leave --weights out");
  k.config = parse_config(k.weights.read_string_attribute("/", "model_config"), src.path);
  return k;
}

}  // namespace s2f::engine
