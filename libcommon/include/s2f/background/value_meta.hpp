// What a value or reservoir stream says about its numbers, in header meta:
//   meta.value_kind    "effect" | "summary" | "perbin"
//   meta.tracks        track ids (array of strings) or a track catalog
//                      (catalog/track_catalog.hpp JSON); one per track
//   meta.signed_flags  optional array of bools, one per track (signed layers
//                      keep their sign in percentiles; default false)
//   meta.geometry      object: window, statistic, pseudocount, model hash...
//                      Reservoir shards of one kind must agree on every key.
// Reservoir streams add meta.reservoir: capacity, seed, shard, shard_seed, tail_k.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace s2f::background {

enum class ValueKind { effect, summary, perbin };
inline constexpr ValueKind kAllKinds[] = {ValueKind::effect, ValueKind::summary, ValueKind::perbin};

const char* kind_name(ValueKind k);
// Throws bad_input naming the valid kinds.
ValueKind parse_kind(const std::string& name, const std::string& where);

struct ValueMeta {
  ValueKind kind = ValueKind::effect;
  std::vector<std::string> track_ids;
  std::vector<bool> signed_flags;  // one per track
  nlohmann::json geometry = nlohmann::json::object();

  // Reads meta; `kind_override` (non-empty) replaces or supplies value_kind.
  static ValueMeta from_meta(const nlohmann::json& meta, const std::string& where,
                             const std::string& kind_override = {});
  // Writes value_kind, signed_flags and geometry; keeps meta.tracks as given.
  void to_meta(nlohmann::json& meta) const;
};

// The first geometry key whose value differs (or is present in only one),
// or an empty string when they agree.
std::string first_geometry_difference(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace s2f::background
