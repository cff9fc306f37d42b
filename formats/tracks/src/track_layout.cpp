#include "s2f/tracks/track_layout.hpp"

#include <cctype>
#include <map>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/record_sinks.hpp"

namespace s2f::tracks {
namespace {

using nlohmann::json;

// Track ids ("profile/GM12878 DNase/+") as file name parts: '/' becomes
// '.', anything but letters, digits and . _ + - = becomes '_'.
std::string file_name_part(const std::string& id) {
  std::string out;
  for (unsigned char c : id) {
    if (c == '/') out += '.';
    else if (std::isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-' || c == '=') out += static_cast<char>(c);
    else out += '_';
  }
  return out;
}

std::vector<Chromosome> reference_index(const stream::Header& h, const std::string& name) {
  const json& m = h.meta;
  if (!m.contains("reference") || !m["reference"].is_object())
    fail_input("the stream records no reference genome (meta.reference), so its records have no chromosome sizes",
               name, "tracks need windows encoded from a genome (s2f-encode -g GENOME); FASTA records and "
                     "sequence lines have no coordinates");
  const json& ref = m["reference"];
  if (!ref.contains("index") || !ref["index"].is_array())
    fail_input("the stream's header has no reference index (meta.reference.index: the chromosome sizes)", name,
               "it was written before s2f recorded them: run s2f-sample-positions / s2f-encode again");
  std::vector<Chromosome> out;
  for (const auto& e : ref["index"]) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number_integer() || e[1].get<int64_t>() < 1)
      fail_input("meta.reference.index holds an entry that is not [name, length]", name, "the header is damaged");
    out.push_back({e[0].get<std::string>(), e[1].get<int64_t>()});
  }
  if (out.empty()) fail_input("meta.reference.index is empty", name, "the header is damaged");
  return out;
}

const json& heads_of(const stream::Header& h, const std::string& name) {
  const json& m = h.meta;
  if (!m.contains("geometry") || !m["geometry"].contains("heads") || !m["geometry"]["heads"].is_array())
    fail_input("the stream has no head geometry (meta.geometry.heads)", name, "write tracks from s2f-predict output");
  return m["geometry"]["heads"];
}

struct Placement {
  int64_t offset = 0, bins = 1, bin_size = 1;
};

// Where each head's values sit in an L-bp window (see the header).
std::map<std::string, Placement> place_heads(const json& heads, int64_t L, const std::string& name) {
  int64_t profile_span = 0;
  for (const auto& g : heads)
    if (g.value("kind", "") == "profile" && !profile_span)
      profile_span = g.value("bins", int64_t{0}) * g.value("bin_size", int64_t{1});
  const int64_t scalar_span = profile_span ? profile_span : L;
  std::map<std::string, Placement> out;
  for (const auto& g : heads) {
    const std::string head = g.value("name", "");
    Placement p;
    if (g.value("kind", "") == "contact_map") continue;  // refused by plan_tensors when selected
    if (g.value("kind", "") == "profile") {
      p.bins = g.value("bins", int64_t{0});
      p.bin_size = g.value("bin_size", int64_t{1});
    } else {
      p.bins = 1;
      p.bin_size = scalar_span;
    }
    const int64_t span = p.bins * p.bin_size;
    if (p.bins < 1 || p.bin_size < 1 || span > L)
      fail_input("head '" + head + "' covers " + std::to_string(span) + " bp, more than the " + std::to_string(L) +
                     "-bp input window (or has no bins)",
                 name, "tracks place a head's output window centred in the input window");
    p.offset = (L - span) / 2;
    out[head] = p;
  }
  return out;
}

bool keep(const LayoutOptions& o, const std::string& id) { return !o.selected || o.selected->count(id) > 0; }

void plan_tensors(const stream::Header& h, const std::string& name, const LayoutOptions& o, TrackLayout& t) {
  const json& heads = heads_of(h, name);
  auto placed = place_heads(heads, t.window_length, name);
  auto field_of = [&](const std::string& head) {
    const int f = h.schema.find(head);
    if (f < 0 || h.schema[static_cast<size_t>(f)].shape.size() != 2)
      fail_input("head '" + head + "' has no [tracks, bins] field in the stream", name);
    return static_cast<size_t>(f);
  };
  // counts: the scalar head whose log-counts scale each profile.
  const json* counts = nullptr;
  if (o.transform == ProfileTransform::counts) {
    std::vector<const json*> scalars;
    for (const auto& g : heads)
      if (g.value("kind", "") != "profile" && (o.counts_head.empty() || g.value("name", "") == o.counts_head))
        scalars.push_back(&g);
    if (scalars.empty())
      fail_usage(o.counts_head.empty() ? "--transform counts needs a scalar (log-counts) head, and the stream has none"
                                       : "--counts-head " + o.counts_head + " is no scalar head of the stream",
                 "predict with the model's counts head (--heads profile,counts)");
    if (scalars.size() > 1)
      fail_usage("the stream has several scalar heads: say which holds the log-counts with --counts-head");
    counts = scalars[0];
  }
  for (const auto& g : heads) {
    const std::string head = g.value("name", "");
    const bool profile = g.value("kind", "") == "profile";
    if (g.value("kind", "") == "contact_map") {
      // A contact map pairs two positions per value: no genome track holds it.
      bool wanted = false;
      for (const auto& id : g.at("track_ids")) wanted |= keep(o, id.get<std::string>());
      if (!wanted) continue;
      fail_usage("head '" + head + "' is a 2-D contact map, which has no genome-track form",
                 "leave it out with --select output_type!=" + g.value("output_type", head) +
                     " (s2f-view --s2f or --hdf5 write it)");
    }
    const size_t field = field_of(head);
    const auto& ids = g.at("track_ids");
    const Placement& p = placed[head];
    for (size_t ch = 0; ch < ids.size(); ++ch) {
      const std::string id = ids[ch].get<std::string>();
      if (!keep(o, id)) continue;
      TrackSource s;
      s.track_id = id;
      s.name = file_name_part(id);
      s.field = field;
      s.channel = ch;
      s.values = h.schema[field].shape[1];
      s.offset = p.offset;
      s.bins = p.bins;
      s.bin_size = p.bin_size;
      s.kind = profile ? TrackSource::Kind::profile : TrackSource::Kind::scalar;
      if (profile) s.transform = o.transform;
      if (profile && counts) {
        const std::string counts_head = counts->value("name", "");
        s.counts_field = field_of(counts_head);
        const size_t n = counts->at("track_ids").size();
        // One log-count for all profile tracks (ChromBPNet), or one per track (pairs by position).
        if (n != 1 && n != ids.size())
          fail_usage("head '" + counts_head + "' has " + std::to_string(n) + " tracks and '" + head + "' has " +
                         std::to_string(ids.size()) + ": --transform counts pairs them one to one or uses one log-count",
                     "choose the heads with --counts-head, or write --transform probabilities");
        s.counts_channel = n == 1 ? 0 : ch;
      }
      t.sources.push_back(std::move(s));
    }
  }
}

void plan_scores(const stream::Header& h, const std::string& name, const LayoutOptions& o, TrackLayout& t) {
  if (o.transform != ProfileTransform::logits)
    fail_usage("--transform applies to the profile heads of predictions (tensors streams), not to scores");
  const json& m = h.meta;
  if (!m.contains("score") || !m["score"].contains("track_ids"))
    fail_input("the scores stream has no meta.score.track_ids", name, "write tracks from s2f-score output");
  const json& geometry = m["score"].value("geometry", json::object());
  if (geometry.contains("layers"))
    fail_input("scores scored with a layer table (--layers) have one window per layer", name,
               "score with one --window to write score tracks");
  const int64_t window = geometry.value("window", int64_t{0});
  const json& ids = m["score"]["track_ids"];
  auto placed = place_heads(heads_of(h, name), t.window_length, name);
  std::map<std::string, const json*> head_json;
  for (const auto& g : heads_of(h, name)) head_json[g.value("name", "")] = &g;
  static const std::set<std::string> not_scores{"pos", "start"};
  for (size_t f = 0; f < h.schema.size(); ++f) {
    const auto& field = h.schema[f];
    if (field.dtype != stream::DType::f32 || field.shape != std::vector<int64_t>{static_cast<int64_t>(ids.size())})
      continue;
    for (size_t k = 0; k < ids.size(); ++k) {
      const std::string id = ids[k].get<std::string>();
      if (!keep(o, id)) continue;
      const std::string head = id.substr(0, id.find('/'));
      if (!placed.count(head)) fail_input("score track '" + id + "' belongs to no head of meta.geometry.heads", name);
      Placement p = placed[head];
      // The bins the statistic summed: c = B/2, half-width w/(2r), inclusive.
      if (head_json[head]->value("kind", "") == "profile" && window > 0) {
        const int64_t c = p.bins / 2, half = window / (2 * p.bin_size);
        const int64_t k0 = std::max<int64_t>(0, c - half), k1 = std::min(p.bins - 1, c + half);
        p.offset += k0 * p.bin_size;
        p.bins = k1 - k0 + 1;
      }
      TrackSource s;
      s.track_id = field.name + "/" + id;
      s.name = file_name_part(field.name) + "." + file_name_part(id);
      s.field = f;
      s.channel = k;
      s.values = 1;
      s.offset = p.offset;
      s.bins = 1;
      s.bin_size = p.bins * p.bin_size;
      s.kind = TrackSource::Kind::score;
      t.sources.push_back(std::move(s));
    }
  }
}

void plan_contributions(const stream::Header& h, const std::string& name, const LayoutOptions& o, TrackLayout& t) {
  if (o.transform != ProfileTransform::logits)
    fail_usage("--transform applies to the profile heads of predictions (tensors streams), not to contributions");
  const int f = h.schema.find("contrib");
  if (f < 0 || h.schema[static_cast<size_t>(f)].shape.size() != 2 || h.schema[static_cast<size_t>(f)].shape[1] != 4)
    fail_input("the contributions stream has no contrib [L, 4] field", name);
  const int64_t L = h.schema[static_cast<size_t>(f)].shape[0];
  int64_t begin = 0, end = L;
  if (h.meta.contains("attribution") && h.meta["attribution"].is_object()) {
    begin = h.meta["attribution"].value("start", int64_t{0});
    end = h.meta["attribution"].value("end", int64_t{-1});
    if (end < 0) end = L;
  }
  if (begin < 0 || end > L || end <= begin)
    fail_input("meta.attribution's range [" + std::to_string(begin) + ", " + std::to_string(end) +
                   ") does not fit the " + std::to_string(L) + "-bp window",
               name);
  TrackSource s;
  s.track_id = "contrib";
  s.name = "contrib";
  s.field = static_cast<size_t>(f);
  s.values = L;
  s.offset = begin;
  s.bins = end - begin;
  s.kind = TrackSource::Kind::contribution;
  t.window_length = L;
  t.sources.push_back(std::move(s));
}

}  // namespace

ProfileTransform parse_profile_transform(const std::string& name) {
  if (name == "logits") return ProfileTransform::logits;
  if (name == "probabilities") return ProfileTransform::probabilities;
  if (name == "counts") return ProfileTransform::counts;
  fail_usage("--transform must be logits, probabilities or counts, not '" + name + "'");
}

TrackLayout plan_tracks(const stream::Header& h, const std::string& name, const LayoutOptions& o) {
  namespace kind = stream::kind;
  if (h.kind != kind::tensors && h.kind != kind::scores && h.kind != kind::contributions)
    fail_input("tracks are written from tensors, scores and contributions streams, not from a " + h.kind + " stream",
               name, "run s2f-predict, s2f-score or s2f-ism --attr first");
  for (const char* f : {"id", "chrom", "start"})
    if (h.schema.find(f) < 0) fail_input(std::string("the stream has no '") + f + "' field", name);
  TrackLayout t;
  t.chromosomes = reference_index(h, name);
  t.window_length = stream::window_length(h);
  if (h.kind == kind::contributions) plan_contributions(h, name, o, t);
  else if (t.window_length < 1)
    fail_input("the stream does not say its window length (meta.geometry.sequence_length)", name);
  else if (h.kind == kind::tensors) plan_tensors(h, name, o, t);
  else plan_scores(h, name, o, t);
  if (t.sources.empty())
    fail_usage("no track to write: the selection keeps none of the stream's tracks", "see s2f-view --tracks");
  std::map<std::string, std::string> names;
  for (const auto& s : t.sources) {
    auto [it, added] = names.emplace(s.name, s.track_id);
    if (!added)
      fail_input("tracks '" + it->second + "' and '" + s.track_id + "' would be written to the same file (" + s.name +
                     ")",
                 name, "give the tracks distinct track_id values in the catalog");
  }
  return t;
}

}  // namespace s2f::tracks
