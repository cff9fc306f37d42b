// A native model's heads, catalog and identity.
#include "s2f/predict/model_tracks.hpp"

#include <set>

#include "s2f/catalog/feature_list.hpp"
#include "s2f/error.hpp"

namespace s2f::predict {

std::vector<ModelHeadInfo> heads_of_model(const engine::ModelGraph& g) {
  std::vector<ModelHeadInfo> heads;
  for (const auto& h : g.heads) {
    const auto& shape = g.nodes[static_cast<size_t>(h.node)].shape;
    heads.push_back(
        {h.name, h.kind == engine::HeadKind::profile, shape.channels, shape.length, h.bin_size, h.strand_pairs});
  }
  return heads;
}

std::unique_ptr<catalog::TrackCatalog> embedded_catalog(const engine::ModelGraph& g) {
  if (!g.metadata.contains("tracks")) return nullptr;
  return std::make_unique<catalog::TrackCatalog>(catalog::TrackCatalog::from_json(g.metadata["tracks"], "the model's track catalog"));
}

catalog::TrackCatalog choose_catalog(const std::string& catalog_tsv, const std::vector<ModelHeadInfo>& heads,
                                     const catalog::TrackCatalog* embedded) {
  catalog::LoadOptions lo;
  lo.keep_padding = true;  // the plan strips padding unless --include-padding
  if (!catalog_tsv.empty() && catalog::is_feature_list_file(catalog_tsv)) {
    // Selene's features list names the tracks of a one-output model.
    std::set<std::string> types;
    std::string have;
    for (const auto& h : heads)
      if (types.insert(output_type_of(h.name)).second) have += (have.empty() ? "" : ", ") + output_type_of(h.name);
    if (types.size() != 1)
      fail_input("a features list names the tracks of one head, and this model has " + std::to_string(types.size()) +
                     " (" + have + ")",
                 catalog_tsv, "write a track catalog TSV with an output_type column (formats/MODEL.md)");
    return catalog::catalog_from_feature_list(catalog::read_feature_list(catalog_tsv), *types.begin(), catalog_tsv);
  }
  if (!catalog_tsv.empty()) return catalog::TrackCatalog::load(catalog_tsv, lo);
  if (embedded) return *embedded;
  return default_catalog(heads);
}

nlohmann::json model_identity(const std::string& path, const engine::ModelGraph& g) {
  nlohmann::json j = {{"path", path},
                      {"name", g.name},
                      {"format", g.metadata.value("source_format", "s2f")},
                      {"hash", g.metadata.value("content_hash", "")},
                      {"input_length", g.input_length}};
  // A free-length model's hash is of the model at this length.
  if (g.metadata.value("input_length_free", false)) j["input_length_free"] = true;
  if (g.metadata.contains("weights_file")) j["weights"] = g.metadata["weights_file"];
  return j;
}

}  // namespace s2f::predict
