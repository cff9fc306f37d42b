// The s2f model file: HDF5 with the architecture JSON and format version as
// root attributes and one float32 dataset per weight (formats/MODEL.md).
#include "s2f/engine/model_file.hpp"

#include "h5_weights.hpp"
#include "keras_files.hpp"
#include "s2f/error.hpp"
#include "s2f/utf8.hpp"
#include "sha256.hpp"

namespace s2f::engine {

namespace {
constexpr const char* kFormatName = "s2f-model";

std::string weight_path(const std::string& layer, const std::string& key) { return "/weights/" + layer + "/" + key; }
}  // namespace

std::string content_hash(const std::string& architecture_text, const ModelGraph& graph) {
  Sha256 h;
  h.update(architecture_text.data(), architecture_text.size());
  for (const auto& n : graph.nodes)
    for (const auto& [key, t] : n.weights) {  // std::map: keys in byte order
      std::string name = n.name + "/" + key;
      h.update(name.data(), name.size() + 1);  // with the terminating NUL
      for (int64_t s : t.shape) {
        uint8_t le[8];
        for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(static_cast<uint64_t>(s) >> (8 * i));
        h.update(le, 8);
      }
      // float32 little-endian: the in-memory layout on every supported CPU.
      h.update(t.data.data(), t.data.size() * sizeof(float));
    }
  return "sha256:" + h.hex();
}

void save_model(const ModelGraph& graph_in, const std::string& path) {
  ModelGraph graph = graph_in;
  graph.infer_shapes();
  for (const auto& n : graph.nodes)
    if (n.name.find('/') != std::string::npos || n.name.empty())
      fail_input("layer names must be non-empty and free of '/'", "layer '" + n.name + "'", "rename the layer");
  // What described the source file, not the saved model (which has one
  // input length and holds its weights).
  for (const char* key : {"content_hash", "source_format", "input_length_free", "weights_file"})
    graph.metadata.erase(key);
  const std::string text = dump_json(architecture_to_json(graph));
  // Attributes are fixed-length strings, as Keras writes them.
  constexpr auto fixed = h5::File::Strings::fixed_length;
  auto f = h5::File::create(path);
  f.write_attribute("/", "format", kFormatName, fixed);
  f.write_attribute("/", "format_version", int64_t{kModelFormatVersion});
  f.write_attribute("/", "architecture", text, fixed);
  f.write_attribute("/", "content_hash", content_hash(text, graph), fixed);
  f.create_group("/weights");
  for (const auto& n : graph.nodes)
    for (const auto& [key, t] : n.weights) write_weights(f, weight_path(n.name, key), t);
  f.commit();
}

namespace {

enum class ModelKind { s2f, keras_h5, keras_json };

// Which kind of model file `path` is; anything else is refused here, with
// what the file looks like and the way in.
ModelKind model_kind(const std::string& path) {
  if (is_architecture_json(path)) return ModelKind::keras_json;
  auto f = h5::File::open(path, kModelFileKinds);
  if (f.has_attribute("/", "format")) return ModelKind::s2f;
  if (f.has_attribute("/", "model_config")) return ModelKind::keras_h5;
  if (f.has_attribute("/", "layer_names"))
    fail_input("a Keras weights-only file (model.save_weights) holds no architecture", path,
               "give the architecture too: --model model.json (model.to_json()) --weights " + path);
  fail_input("neither an s2f model file nor a Keras model (no 'format' or 'model_config' attribute)", path,
             "export PyTorch models with formats/python/s2f_model_export.py; Keras models need model.save('m.h5') "
             "or model.to_json() with model.save_weights() (formats/MODELS.md)");
}

// The architecture JSON of an s2f model file, its version checked.
nlohmann::json read_architecture(const h5::File& f, const std::string& path, std::string& text) {
  if (f.read_string_attribute("/", "format") != kFormatName)
    fail_input("the 'format' attribute is not '" + std::string(kFormatName) + "'", path, "give an s2f model file");
  const int64_t version = f.read_int_attribute("/", "format_version");
  if (version > kModelFormatVersion || version < 1)
    fail_input("model format version " + std::to_string(version) + " is not supported (this s2f reads up to " +
                   std::to_string(kModelFormatVersion) + ")",
               path, "update s2f");
  text = f.read_string_attribute("/", "architecture");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail_input(std::string("architecture attribute is not JSON: ") + e.what(), path, "re-export the model");
  }
}

// s2f model files have one fixed input length.
void check_given_length(const ModelGraph& g, const ModelSource& source) {
  if (!source.weights.empty())
    fail_input("--weights goes with a Keras architecture JSON; an s2f model file holds its own weights", source.path,
               "leave --weights out");
  if (source.input_length > 0 && source.input_length != g.input_length)
    fail_input("the model takes " + std::to_string(g.input_length) + "-bp inputs, not " +
                   std::to_string(source.input_length),
               source.path, "leave --input-length out: it is for models whose input length is free");
}

}  // namespace

int64_t declared_input_length(const ModelSource& source) {
  if (model_kind(source.path) != ModelKind::s2f) return keras_declared_input_length(source);
  auto f = h5::File::open(source.path, kModelFileKinds);
  std::string text;
  return architecture_from_json(read_architecture(f, source.path, text), source.path).input_length;
}

ModelGraph load_model(const std::string& path) { return load_model(ModelSource{path, "", 0}); }

ModelGraph load_model(const ModelSource& source) {
  if (model_kind(source.path) != ModelKind::s2f) return import_keras(source);
  const std::string& path = source.path;
  auto f = h5::File::open(path, kModelFileKinds);
  std::string text;
  ModelGraph g = architecture_from_json(read_architecture(f, path, text), path);
  check_given_length(g, source);
  for (auto& n : g.nodes)
    for (auto& [key, t] : n.weights) {
      auto declared = t.shape;
      t = read_weights(f, weight_path(n.name, key));
      require_finite_weights(t, path, n.name, key);
      if (t.shape != declared)
        fail_input("weight shape differs from the architecture", path + ":" + weight_path(n.name, key),
                   "re-export the model");
    }
  const std::string stored = f.read_string_attribute("/", "content_hash");
  const std::string actual = content_hash(text, g);
  if (stored != actual)
    fail_input("content hash mismatch: stored " + stored + ", computed " + actual, path,
               "the file was modified or corrupted; export it again");
  g.infer_shapes();
  g.metadata["source_format"] = "s2f";
  g.metadata["content_hash"] = actual;
  return g;
}

}  // namespace s2f::engine
