// What a native model outputs, as the model-running stages (s2f-predict,
// s2f-ism, s2f-marginalize) describe it: its heads, its track catalog (a
// --catalog TSV, else the one embedded in the model file, else one row per
// channel), and the model identity recorded in output headers.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/graph.hpp"
#include "s2f/predict/track_plan.hpp"

namespace s2f::predict {

std::vector<ModelHeadInfo> heads_of_model(const engine::ModelGraph& g);
// The catalog embedded in the model file (metadata.tracks), or null.
std::unique_ptr<catalog::TrackCatalog> embedded_catalog(const engine::ModelGraph& g);
// `catalog_tsv` if given, else `embedded` if any, else default_catalog(heads).
// Padding rows are kept: the track plan strips them unless asked not to.
catalog::TrackCatalog choose_catalog(const std::string& catalog_tsv, const std::vector<ModelHeadInfo>& heads,
                                     const catalog::TrackCatalog* embedded);
// meta.model of an output header: path, name, format, content hash, input length
// (and whether it was free), a Keras --weights file. The stage adds the N
// encoding it used (NEncoding::describe).
nlohmann::json model_identity(const std::string& path, const engine::ModelGraph& g);

}  // namespace s2f::predict
