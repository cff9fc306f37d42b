#include "s2f/background/value_meta.hpp"

#include <set>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/error.hpp"

namespace s2f::background {

const char* kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::effect: return "effect";
    case ValueKind::summary: return "summary";
    case ValueKind::perbin: return "perbin";
  }
  return "?";
}

ValueKind parse_kind(const std::string& name, const std::string& where) {
  for (auto k : kAllKinds)
    if (name == kind_name(k)) return k;
  fail_input("unknown value kind '" + name + "'", where, "use effect, summary or perbin");
}

ValueMeta ValueMeta::from_meta(const nlohmann::json& meta, const std::string& where,
                               const std::string& kind_override) {
  ValueMeta v;
  if (!kind_override.empty()) v.kind = parse_kind(kind_override, where);
  else if (meta.contains("value_kind") && meta["value_kind"].is_string())
    v.kind = parse_kind(meta["value_kind"].get<std::string>(), where);
  else
    fail_input("the stream does not say which values it holds (meta.value_kind)", where,
               "pass --kind effect|summary|perbin");

  if (!meta.contains("tracks"))
    fail_input("the stream has no track list (meta.tracks)", where,
               "produce it with s2f-score, which records the tracks it scored");
  const auto& tracks = meta["tracks"];
  if (tracks.is_array()) {
    for (const auto& t : tracks) {
      if (!t.is_string()) fail_input("meta.tracks must hold track id strings", where);
      v.track_ids.push_back(t.get<std::string>());
    }
  } else {
    v.track_ids = catalog::TrackCatalog::from_json(tracks).track_ids();
  }
  std::set<std::string> unique(v.track_ids.begin(), v.track_ids.end());
  if (unique.size() != v.track_ids.size()) fail_input("meta.tracks repeats a track id", where);

  v.signed_flags.assign(v.track_ids.size(), false);
  if (meta.contains("signed_flags")) {
    const auto& f = meta["signed_flags"];
    if (!f.is_array() || f.size() != v.track_ids.size())
      fail_input("meta.signed_flags must hold one bool per track (" + std::to_string(v.track_ids.size()) + ")",
                 where);
    for (size_t i = 0; i < f.size(); ++i) v.signed_flags[i] = f[i].get<bool>();
  }
  if (meta.contains("geometry")) {
    if (!meta["geometry"].is_object()) fail_input("meta.geometry must be an object", where);
    v.geometry = meta["geometry"];
  }
  return v;
}

void ValueMeta::to_meta(nlohmann::json& meta) const {
  meta["value_kind"] = kind_name(kind);
  nlohmann::json flags = nlohmann::json::array();
  for (bool b : signed_flags) flags.push_back(b);
  meta["signed_flags"] = flags;
  meta["geometry"] = geometry;
}

std::string first_geometry_difference(const nlohmann::json& a, const nlohmann::json& b) {
  std::set<std::string> keys;
  for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
  for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
  for (const auto& k : keys) {
    if (!a.contains(k) || !b.contains(k) || a[k] != b[k]) return k;
  }
  return {};
}

}  // namespace s2f::background
