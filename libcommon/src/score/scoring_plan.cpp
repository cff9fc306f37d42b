#include "s2f/score/scoring_plan.hpp"

#include <fstream>
#include <map>

#include "s2f/error.hpp"
#include "s2f/tsv.hpp"

namespace s2f::score {

namespace {

struct HeadField {
  std::string name, output_type;
  size_t field = 0;
  int64_t tracks = 0, bins = 0, bin_size = 1;
};

std::vector<HeadField> head_fields(const stream::Header& h) {
  std::map<std::string, nlohmann::json> geo;
  if (h.meta.contains("geometry") && h.meta["geometry"].contains("heads"))
    for (const auto& g : h.meta["geometry"]["heads"]) geo[g.value("name", "")] = g;
  std::vector<HeadField> out;
  for (size_t i = 0; i < h.schema.size(); ++i) {
    const auto& f = h.schema[i];
    if ((f.dtype != stream::DType::f32 && f.dtype != stream::DType::f16) || f.shape.size() != 2) continue;
    HeadField hf{f.name, f.name, i, f.shape[0], f.shape[1], 1};
    if (auto it = geo.find(f.name); it != geo.end()) {
      hf.output_type = it->second.value("output_type", f.name);
      hf.bin_size = it->second.value("bin_size", int64_t{1});
    }
    out.push_back(hf);
  }
  if (out.empty())
    fail_input("the tensors stream has no head fields ([tracks, bins] floats) to score", "stream header",
               "score the output of s2f-predict");
  return out;
}

std::map<std::string, TrackSpec> read_layer_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_io("cannot open the layer table", path);
  std::string line;
  std::vector<std::string> cols;
  std::map<std::string, TrackSpec> layers;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto cells = split_tabs(line);
    if (cols.empty()) {
      cols = cells;
      for (const char* need : {"layer", "statistic"})
        if (std::find(cols.begin(), cols.end(), need) == cols.end())
          fail_input(std::string("layer table has no '") + need + "' column", path + ":" + std::to_string(n),
                     "the header needs layer, statistic[, window, pseudocount, signed]");
      continue;
    }
    if (cells.size() != cols.size())
      fail_input("row has " + std::to_string(cells.size()) + " cells, the header " + std::to_string(cols.size()),
                 path + ":" + std::to_string(n));
    TrackSpec s;
    std::string layer;
    bool pc_given = false;
    for (size_t c = 0; c < cols.size(); ++c) {
      const auto& v = cells[c];
      try {
        if (cols[c] == "layer") layer = v;
        else if (cols[c] == "statistic") s.statistic = parse_statistic(v);
        else if (cols[c] == "window") s.window_bp = std::stoll(v);
        else if (cols[c] == "pseudocount") s.pseudocount = std::stod(v), pc_given = true;
        else if (cols[c] == "signed") {
          if (v != "true" && v != "false" && v != "1" && v != "0") throw std::invalid_argument(v);
          s.is_signed = v == "true" || v == "1";
        }
      } catch (const Error& e) {
        fail_input(e.what_part(), path + ":" + std::to_string(n));
      } catch (const std::exception&) {
        fail_input("bad " + cols[c] + " value '" + v + "'", path + ":" + std::to_string(n));
      }
    }
    if (!pc_given) s.pseudocount = default_pseudocount(s.statistic);
    s.layer = layer;
    if (!layers.emplace(layer, s).second) fail_input("layer '" + layer + "' listed twice", path + ":" + std::to_string(n));
  }
  if (layers.empty()) fail_input("the layer table has no rows", path);
  return layers;
}

}  // namespace

ScoringPlan::ScoringPlan(const stream::Header& h, const ScoringOptions& options) : options_(options) {
  if (options_.statistics.empty() && options_.layer_table.empty()) options_.statistics = {Statistic::log2fc};
  if (!options_.layer_table.empty() && options_.layer_column.empty())
    fail_usage("--layers needs --layer-column (the catalog column naming each track's layer)");
  auto heads = head_fields(h);
  catalog::TrackCatalog cat;
  bool have_catalog = h.meta.contains("tracks");
  if (have_catalog) cat = catalog::TrackCatalog::from_json(h.meta["tracks"]);
  std::map<std::string, int> heads_per_type;
  for (const auto& hf : heads) ++heads_per_type[hf.output_type];

  std::map<std::string, TrackSpec> layers;
  if (!options_.layer_table.empty()) {
    layers = read_layer_table(options_.layer_table);
    if (!have_catalog || cat.find_column(options_.layer_column) < 0)
      fail_usage("the stream's track catalog has no column '" + options_.layer_column + "' for --layer-column");
  }
  TrackSpec base;
  base.statistic = options_.statistics.empty() ? Statistic::log2fc : options_.statistics[0];
  base.window_bp = options_.window_bp;
  base.pseudocount = options_.pseudocount >= 0 ? options_.pseudocount : default_pseudocount(base.statistic);
  base.is_signed = options_.all_signed;

  std::vector<size_t> rows;
  std::string tsv = "track_index\ttrack_name\toutput_type\tstrand\n";
  const bool profiles_only = !options_.allele_scores.empty();
  for (const auto& hf : heads) {
    if (profiles_only && hf.bins <= 1) continue;
    std::vector<size_t> head_rows;
    if (have_catalog)
      for (size_t r = 0; r < cat.size(); ++r)
        if (auto ot = cat.get(r, catalog::kOutputType); ot && *ot == hf.output_type) head_rows.push_back(r);
    if (have_catalog && static_cast<int64_t>(head_rows.size()) != hf.tracks)
      fail_input("head '" + hf.name + "' has " + std::to_string(hf.tracks) + " tracks but the catalog lists " +
                     std::to_string(head_rows.size()) + " for output_type '" + hf.output_type + "'",
                 "stream header", "the stream's catalog and tensors disagree; rewrite it with s2f-predict");
    for (int64_t k = 0; k < hf.tracks; ++k) {
      ScoredTrack t;
      t.field = hf.field;
      t.channel = k;
      t.bins = hf.bins;
      t.bin_size = hf.bin_size;
      if (have_catalog) {
        t.catalog_row = head_rows[static_cast<size_t>(k)];
        t.id = cat.track_id(t.catalog_row);
        rows.push_back(t.catalog_row);
      } else {
        t.id = hf.name + "_" + std::to_string(k);
        tsv += std::to_string(k) + "\t" + t.id + "\t" + hf.output_type + "\t.\n";
      }
      if (heads_per_type[hf.output_type] > 1) t.id += "@" + std::to_string(hf.bin_size);
      t.spec = base;
      if (!layers.empty()) {
        auto layer = cat.get(t.catalog_row, options_.layer_column);
        auto it = layer ? layers.find(*layer) : layers.end();
        if (it == layers.end())
          fail_input("track '" + t.id + "' has layer '" + layer.value_or("(null)") + "', which the layer table lacks",
                     options_.layer_table, "add a row for it");
        t.spec = it->second;
      }
      t.window = window_bins(t.bins, t.bin_size, t.spec.window_bp);
      tracks_.push_back(std::move(t));
    }
  }
  if (profiles_only && tracks_.empty())
    fail_input("--scorer chrombpnet scores profile heads (more than one bin), and the stream has none", "stream header",
               "score the predictions of a ChromBPNet or BPNet model (profile logits and log-counts)");
  catalog_ = have_catalog ? cat.subset(rows) : catalog::TrackCatalog::parse_tsv(tsv, "scored tracks", {true});

  geometry_ = nlohmann::json::object();
  if (profiles_only) {
    geometry_["scorer"] = "chrombpnet";
    geometry_["statistic"] = allele_score_name(options_.allele_scores[0]);
    geometry_["window"] = 0;
  } else if (layers.empty()) {
    // The effect (and so its background) is the first statistic; others
    // written alongside do not change what a CDF means.
    geometry_["statistic"] = statistic_name(options_.statistics[0]);
    geometry_["window"] = options_.window_bp;
    geometry_["pseudocount"] = base.pseudocount;
  } else {
    auto j = nlohmann::json::object();
    for (const auto& [name, s] : layers)
      j[name] = {{"statistic", statistic_name(s.statistic)}, {"window", s.window_bp},
                 {"pseudocount", s.pseudocount}, {"signed", s.is_signed}};
    geometry_["layers"] = j;
    geometry_["layer_column"] = options_.layer_column;
  }
  // A background of Selene-rule logits is another distribution than a
  // clipped one; other effects do not depend on the rule.
  bool effect_is_logit = false;
  if (layers.empty()) effect_is_logit = options_.statistics[0] == Statistic::logit_diff;
  for (const auto& [name, sp] : layers) effect_is_logit |= sp.statistic == Statistic::logit_diff;
  if (effect_is_logit && options_.logit == LogitRule::selene) geometry_["logit"] = "selene";
  if (h.meta.contains("model") && h.meta["model"].contains("hash")) geometry_["model_hash"] = h.meta["model"]["hash"];
  if (h.meta.contains("geometry") && h.meta["geometry"].contains("sequence_length"))
    geometry_["sequence_length"] = h.meta["geometry"]["sequence_length"];
}

std::vector<std::string> ScoringPlan::field_names() const {
  if (per_track_layers()) return {"effect"};
  std::vector<std::string> names;
  for (auto s : options_.allele_scores) names.push_back(allele_score_name(s));
  if (!names.empty()) return names;
  for (auto s : options_.statistics) names.push_back(score_field_name(s));
  return names;
}

std::vector<bool> ScoringPlan::signed_flags() const {
  std::vector<bool> f;
  for (const auto& t : tracks_) f.push_back(t.spec.is_signed);
  return f;
}

std::vector<std::string> ScoringPlan::track_ids() const {
  std::vector<std::string> ids;
  for (const auto& t : tracks_) ids.push_back(t.id);
  return ids;
}

}  // namespace s2f::score
