// The s2f model file: HDF5 with the architecture JSON and format version as
// root attributes and one float32 dataset per weight (formats/MODEL.md).
#include "s2f/engine/model_file.hpp"

#include "h5_weights.hpp"
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
  graph.metadata.erase("content_hash");
  graph.metadata.erase("source_format");
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

ModelGraph load_model(const std::string& path) {
  bool keras = false;
  {
    auto f = h5::File::open(path, kModelFileKinds);
    if (!f.has_attribute("/", "format")) {
      if (f.has_attribute("/", "model_config")) keras = true;
      else
        fail_input("neither an s2f model file nor a Keras model (no 'format' or 'model_config' attribute)", path,
                   "export PyTorch models with formats/python/s2f_model_export.py; Keras models need model.save('m.h5')");
    }
  }
  if (keras) return import_keras(path);

  auto f = h5::File::open(path, kModelFileKinds);
  if (f.read_string_attribute("/", "format") != kFormatName)
    fail_input("the 'format' attribute is not '" + std::string(kFormatName) + "'", path, "give an s2f model file");
  const int64_t version = f.read_int_attribute("/", "format_version");
  if (version > kModelFormatVersion || version < 1)
    fail_input("model format version " + std::to_string(version) + " is not supported (this s2f reads up to " +
                   std::to_string(kModelFormatVersion) + ")",
               path, "update s2f");
  const std::string text = f.read_string_attribute("/", "architecture");
  nlohmann::json arch;
  try {
    arch = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail_input(std::string("architecture attribute is not JSON: ") + e.what(), path, "re-export the model");
  }
  ModelGraph g = architecture_from_json(arch, path);
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
