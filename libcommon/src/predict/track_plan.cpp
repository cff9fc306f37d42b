#include "s2f/predict/track_plan.hpp"

#include <algorithm>
#include <set>

#include "s2f/catalog/track_selector.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::predict {

std::string output_type_of(const std::string& head) {
  auto at = head.find('@');
  return at == std::string::npos ? head : head.substr(0, at);
}

catalog::TrackCatalog default_catalog(const std::vector<ModelHeadInfo>& heads) {
  // Heads of one output_type at several resolutions share one track list.
  std::string tsv = "track_index\ttrack_name\toutput_type\tstrand\n";
  std::set<std::string> listed;
  for (const auto& h : heads) {
    if (!listed.insert(output_type_of(h.name)).second) continue;
    for (int64_t c = 0; c < h.tracks; ++c)
      tsv += std::to_string(c) + "\t" + h.name + "_" + std::to_string(c) + "\t" + output_type_of(h.name) + "\t.\n";
  }
  return catalog::TrackCatalog::parse_tsv(tsv, kDefaultCatalogSource, {true});
}

bool is_default_catalog(const catalog::TrackCatalog& catalog) { return catalog.source() == kDefaultCatalogSource; }

TrackPlan plan_tracks(const std::vector<ModelHeadInfo>& heads, const catalog::TrackCatalog& cat,
                      const TrackPlanOptions& options) {
  for (const auto& want : options.heads) {
    bool found = false;
    for (const auto& h : heads) found |= h.name == want || output_type_of(h.name) == want;
    if (!found) {
      std::string have;
      for (const auto& h : heads) have += (have.empty() ? "" : ", ") + h.name;
      fail_usage("--heads names '" + want + "', which the model does not have (heads: " + have + ")");
    }
  }
  // Every row must describe a channel of one of the model's heads: a typo in
  // output_type would otherwise drop the track without a word.
  if (!options.allow_empty)
    for (size_t r = 0; r < cat.size(); ++r) {
      auto ot = cat.get(r, catalog::kOutputType);
      bool known = false;
      for (const auto& h : heads) known |= ot && *ot == output_type_of(h.name);
      if (known) continue;
      std::string have;
      for (const auto& h : heads)
        if (have.find("'" + output_type_of(h.name) + "'") == std::string::npos)
          have += (have.empty() ? "" : ", ") + ("'" + output_type_of(h.name) + "'");
      fail_input("track '" + cat.track_id(r) + "' has output_type '" + ot.value_or("") +
                     "', which is not a head of the model (its heads: " + have + ")",
                 cat.where(r), "fix the output_type cell, remove the row, or pass --allow-empty to ignore such rows");
    }
  // Rows eligible at all: padding stripped unless asked for.
  std::vector<bool> eligible(cat.size(), true);
  if (!options.include_padding)
    for (size_t r = 0; r < cat.size(); ++r) eligible[r] = !cat.is_padding(r);
  if (!options.selects.empty() || !options.select_file.empty()) {
    catalog::TrackSelector selector(cat);
    for (const auto& s : options.selects) selector.where(s);
    if (!options.select_file.empty()) selector.where_file(options.select_file);
    selector.allow_empty(options.allow_empty);
    auto mask = selector.mask();
    for (size_t r = 0; r < cat.size(); ++r) eligible[r] = eligible[r] && mask[r];
  }

  TrackPlan plan;
  plan.dtype = options.dtype;
  std::vector<size_t> kept_rows;
  for (const auto& h : heads) {
    PlannedHead p;
    p.model = h;
    p.output_type = output_type_of(h.name);
    std::vector<size_t> head_rows;
    std::vector<int64_t> head_channels;
    for (size_t r = 0; r < cat.size(); ++r) {
      auto ot = cat.get(r, catalog::kOutputType);
      if (!ot || *ot != p.output_type) continue;
      int64_t ch = cat.channel(r);
      if (ch < 0 || ch >= h.tracks)
        fail_input("track '" + cat.track_id(r) + "' is at channel " + std::to_string(ch) + " but head '" + h.name +
                       "' has " + std::to_string(h.tracks) + " channels",
                   cat.where(r), "fix the track_index column or use the model's own catalog");
      head_rows.push_back(r);
      head_channels.push_back(ch);
    }
    if (head_rows.empty() && h.tracks > 0)
      fail_input("the track catalog has no rows for head '" + h.name + "' (output_type '" + p.output_type + "')",
                 cat.source(), "add rows with output_type=" + p.output_type + " or omit --catalog");
    p.strands.tracks = h.tracks;
    p.strands.bins = h.bins;
    p.strands.profile = (h.profile && h.bins > 1) || h.map_bins > 0;
    p.crop = h.profile && h.map_bins == 0 ? options.crop : 0;  // --crop is for 1-D profiles
    if (p.out_bins() <= 0)
      fail_usage("--crop " + std::to_string(options.crop) + " removes all " + std::to_string(h.bins) +
                 " bins of head '" + h.name + "'");
    bool wanted = options.heads.empty();
    for (const auto& w : options.heads) wanted |= w == h.name || w == p.output_type;
    if (!wanted) continue;
    // Heads of one output_type at several resolutions share one track list
    // (and so one set of catalog rows).
    for (size_t i = 0; i < head_rows.size(); ++i) {
      if (!eligible[head_rows[i]]) continue;
      p.channels.push_back(head_channels[i]);
      auto seen = std::find(kept_rows.begin(), kept_rows.end(), head_rows[i]);
      p.rows.push_back(static_cast<size_t>(seen - kept_rows.begin()));
      if (seen == kept_rows.end()) kept_rows.push_back(head_rows[i]);
    }
    // One rule with s2f-view (stream_track_filter.cpp): a head left with no
    // tracks (the selection matched only other heads, or all its tracks are
    // padding) is left out, unless empty selections are allowed.
    if (p.channels.empty() && !options.allow_empty) continue;
    plan.heads.push_back(std::move(p));
  }
  if (plan.heads.empty() || kept_rows.empty()) {
    if (!options.allow_empty)
      fail_usage("no tracks left to write after --heads/--select", "loosen the selection or pass --allow-empty");
  }
  plan.catalog = cat.subset(kept_rows);
  for (const auto& h : heads)
    if (h.bin_size > 0) {
      auto ot = output_type_of(h.name);
      std::vector<int> res;
      for (const auto& g : heads)
        if (output_type_of(g.name) == ot) res.push_back(static_cast<int>(g.bin_size));
      bool has_head = false;
      for (const auto& ch : plan.catalog.heads()) has_head |= ch.name == ot;
      if (has_head) plan.catalog.set_resolutions(ot, res);
    }
  return plan;
}

std::vector<stream::HeadShape> TrackPlan::head_shapes() const {
  std::vector<stream::HeadShape> out;
  for (const auto& h : heads)
    out.push_back({h.model.name, static_cast<int64_t>(h.channels.size()), h.out_bins(), dtype, h.model.map_bins});
  return out;
}

void TrackPlan::describe(nlohmann::json& meta) const {
  meta["tracks"] = catalog.to_json();
  if (!meta.contains("geometry") || !meta["geometry"].is_object()) meta["geometry"] = nlohmann::json::object();
  meta["geometry"]["heads"] = geometry();
}

std::vector<size_t> TrackPlan::model_head_index(const std::vector<ModelHeadInfo>& model_heads) const {
  std::vector<size_t> index;
  for (const auto& h : heads) {
    size_t k = 0;
    while (k < model_heads.size() && model_heads[k].name != h.model.name) ++k;
    if (k == model_heads.size()) fail(Exit::internal, "planned head " + h.model.name + " is not a model head");
    index.push_back(k);
  }
  return index;
}

nlohmann::json TrackPlan::geometry() const {
  auto a = nlohmann::json::array();
  for (const auto& h : heads) {
    std::vector<std::string> ids;
    for (auto r : h.rows) ids.push_back(catalog.track_id(r));
    const bool map = h.model.map_bins > 0;
    a.push_back({{"name", h.model.name},
                 {"output_type", h.output_type},
                 {"kind", map ? "contact_map" : h.model.profile ? "profile" : "scalar"},
                 {"bin_size", h.model.bin_size},
                 {"bins", map ? h.model.map_bins : h.out_bins()},
                 {"model_bins", map ? h.model.map_bins : h.model.bins},
                 {"crop", h.crop},
                 {"track_ids", ids}});
  }
  return a;
}

void TrackPlan::extract(size_t head, const float* full, void* out) const {
  const auto& h = heads[head];
  int64_t bins = h.out_bins();
  if (dtype == stream::DType::f16) {
    auto* o = static_cast<uint16_t*>(out);
    for (size_t k = 0; k < h.channels.size(); ++k) {
      const float* src = full + h.channels[k] * h.model.bins + h.crop;
      for (int64_t j = 0; j < bins; ++j) o[static_cast<int64_t>(k) * bins + j] = stream::float_to_half(src[j]);
    }
  } else {
    auto* o = static_cast<float*>(out);
    for (size_t k = 0; k < h.channels.size(); ++k)
      std::copy_n(full + h.channels[k] * h.model.bins + h.crop, bins, o + static_cast<int64_t>(k) * bins);
  }
}

}  // namespace s2f::predict
