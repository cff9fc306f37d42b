// Which channels of which model heads s2f-predict writes, and what they are:
// the model's heads joined to its track catalog (rows whose output_type is
// the head's name, channel = track_index), padding stripped, --select
// applied, --heads and --crop honoured. The plan also holds each head's
// strand partners (set by apply_strand_pairing, strand_pairs.hpp), so
// reverse-complement combining happens on the full tensor before channels
// are selected.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/graph.hpp"
#include "s2f/predict/strand_combine.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::predict {

struct ModelHeadInfo {
  std::string name;  // "<output_type>" or "<output_type>@<resolution>"
  bool profile = true;
  int64_t tracks = 0, bins = 0, bin_size = 1;
  std::optional<engine::StrandPairs> strand_pairs;  // the model's record of its strands, if any
  // > 0 for a 2-D head (AlphaGenome's contact_maps: tracks x bins x bins):
  // `bins` is then map_bins², the map flattened row by row. Reversing the
  // flattened map reverses both axes, which is the map of the reverse
  // complement, so --rc treats it as a profile of map_bins² bins.
  int64_t map_bins = 0;
};

// The track selection (--select, ...) plus what only a model stage chooses.
struct TrackPlanOptions : catalog::TrackFilterOptions {
  std::vector<std::string> heads;  // empty = all
  int64_t crop = 0;                // bins dropped from each end of profile heads
  stream::DType dtype = stream::DType::f32;
};

struct PlannedHead {
  ModelHeadInfo model;
  std::string output_type;
  std::vector<int64_t> channels;  // model channels written, in catalog order
  std::vector<size_t> rows;       // their rows in the plan's catalog
  StrandLayout strands;           // over all model channels; partners set for --rc
  int64_t crop = 0;
  int64_t out_bins() const { return model.bins - 2 * crop; }
};

struct TrackPlan {
  std::vector<PlannedHead> heads;   // heads written, model order
  catalog::TrackCatalog catalog;    // the selected tracks (travels in meta["tracks"])
  stream::DType dtype = stream::DType::f32;

  std::vector<stream::HeadShape> head_shapes() const;
  nlohmann::json geometry() const;  // meta["geometry"]["heads"]
  // Writes what the plan says about an output into its header's meta: the
  // selected catalog (meta.tracks) and meta.geometry.heads.
  void describe(nlohmann::json& meta) const;
  // Per planned head, the index of the model output of that name in `heads`.
  std::vector<size_t> model_head_index(const std::vector<ModelHeadInfo>& heads) const;
  // Copies the selected channels and bins of one record's full head tensor
  // ([model tracks][model bins]) into the output field.
  void extract(size_t head, const float* full, void* out) const;
};

// The catalog to use when a model has none: one row per channel,
// track_name "<head>_<channel>", strand '.'. Made up, it says nothing about
// strands (is_default_catalog).
inline constexpr const char* kDefaultCatalogSource = "default catalog";
catalog::TrackCatalog default_catalog(const std::vector<ModelHeadInfo>& heads);
// The output_type of a head name ("profile@32" -> "profile").
std::string output_type_of(const std::string& head);
bool is_default_catalog(const catalog::TrackCatalog& catalog);

TrackPlan plan_tracks(const std::vector<ModelHeadInfo>& heads, const catalog::TrackCatalog& catalog,
                      const TrackPlanOptions& options);

}  // namespace s2f::predict
