#include "s2f/predict/strand_pairs.hpp"

#include <algorithm>
#include <optional>

#include "s2f/error.hpp"

namespace s2f::predict {

namespace {

using engine::StrandPairs;

const char* const kThreeWays =
    "give it in one of three ways: --strand-pairs HEAD:0-1 (the + channel, then the - channel; HEAD:none when no "
    "track is stranded); a track catalog whose strand column says +, - or . for every track of the head, the two "
    "strands of a signal sharing a track_name (or a strand_pair cell); or a model file that records it "
    "(outputs[].strand_pairs, formats/MODEL.md)";

int64_t parse_channel(const std::string& text, const std::string& spec) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9)
    fail_usage("--strand-pairs '" + spec + "': '" + text + "' is not a channel number",
               "write HEAD:PLUS-MINUS[,PLUS-MINUS...], e.g. profile:0-1,2-3, or HEAD:none");
  return std::stoll(text);
}

std::string pairs_text(const StrandPairs& pairs) {
  if (pairs.empty()) return "none";
  std::string s;
  for (const auto& p : pairs) s += (s.empty() ? "" : ",") + std::to_string(p[0]) + "-" + std::to_string(p[1]);
  return s;
}

// Pairs as partners regardless of which strand is listed first.
StrandPairs unordered(StrandPairs pairs) {
  for (auto& p : pairs)
    if (p[0] > p[1]) std::swap(p[0], p[1]);
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

// What the catalog says of the strands of head `output_type` (`tracks`
// channels): nothing unless every channel has a row whose strand is +, -
// or . (padding rows are unstranded filler).
std::optional<StrandPairs> catalog_pairs(const catalog::TrackCatalog& cat, const std::string& output_type,
                                         int64_t tracks) {
  if (is_default_catalog(cat)) return std::nullopt;
  const bool key_column = cat.find_column("strand_pair") >= 0;
  std::vector<bool> described(static_cast<size_t>(tracks), false);
  // key -> (+ rows, - rows), keys in catalog order so messages name the first problem row
  std::vector<std::pair<std::string, std::pair<std::vector<size_t>, std::vector<size_t>>>> by_key;
  for (size_t r = 0; r < cat.size(); ++r) {
    if (cat.get(r, catalog::kOutputType) != output_type) continue;
    const int64_t ch = cat.channel(r);
    if (ch < 0 || ch >= tracks) continue;  // the track plan refuses these
    if (cat.is_padding(r)) {
      described[static_cast<size_t>(ch)] = true;
      continue;
    }
    auto strand = cat.get(r, catalog::kStrand);
    if (!strand || (*strand != "+" && *strand != "-" && *strand != ".")) return std::nullopt;
    described[static_cast<size_t>(ch)] = true;
    if (*strand == ".") continue;
    auto key = key_column ? cat.get(r, "strand_pair") : std::nullopt;
    if (!key) key = cat.get(r, catalog::kTrackName);
    auto it = std::find_if(by_key.begin(), by_key.end(), [&](const auto& k) { return k.first == key.value_or(""); });
    if (it == by_key.end()) it = by_key.insert(by_key.end(), {key.value_or(""), {}});
    auto& slot = it->second;
    (*strand == "+" ? slot.first : slot.second).push_back(r);
  }
  if (std::find(described.begin(), described.end(), false) != described.end()) return std::nullopt;
  const std::string fix =
      "give the two strands of a signal one track_name (or one strand_pair cell), mark unstranded tracks '.', "
      "or give --strand-pairs " + output_type + ":PLUS-MINUS,...";
  StrandPairs pairs;
  for (const auto& [key, rows] : by_key) {
    const auto& [plus, minus] = rows;
    for (const auto* same : {&plus, &minus})
      if (same->size() > 1)
        fail_input("tracks '" + cat.track_id((*same)[0]) + "' and '" + cat.track_id((*same)[1]) +
                       "' are both on strand " + (same == &plus ? "+" : "-") + " with pairing key '" + key + "'",
                   cat.where((*same)[1]), fix);
    if (plus.size() != minus.size()) {
      const size_t r = plus.empty() ? minus[0] : plus[0];
      fail_input("track '" + cat.track_id(r) + "' of head '" + output_type + "' is on strand " +
                     (plus.empty() ? "-" : "+") + " but no " + (plus.empty() ? "+" : "-") +
                     " track shares its pairing key '" + key + "'",
                 cat.where(r), fix);
    }
    pairs.push_back({cat.channel(plus[0]), cat.channel(minus[0])});
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

std::vector<int64_t> partners(const StrandPairs& pairs, int64_t tracks) {
  std::vector<int64_t> partner(static_cast<size_t>(tracks));
  for (int64_t t = 0; t < tracks; ++t) partner[static_cast<size_t>(t)] = t;
  for (const auto& p : pairs) {
    partner[static_cast<size_t>(p[0])] = p[1];
    partner[static_cast<size_t>(p[1])] = p[0];
  }
  return partner;
}

// A --strand-pairs list for a head of `tracks` channels: usage errors.
void check_given(const StrandPairs& pairs, const PlannedHead& h) {
  std::vector<bool> used(static_cast<size_t>(h.model.tracks), false);
  for (const auto& p : pairs)
    for (int64_t c : p) {
      if (c >= h.model.tracks)
        fail_usage("--strand-pairs " + h.output_type + ":" + pairs_text(pairs) + " names channel " +
                       std::to_string(c) + ", but head '" + h.model.name + "' has " + std::to_string(h.model.tracks) +
                       " tracks",
                   "give channels 0.." + std::to_string(h.model.tracks - 1) + " (the catalog's track_index)");
      if (used[static_cast<size_t>(c)])
        fail_usage("--strand-pairs " + h.output_type + ":" + pairs_text(pairs) + " names channel " +
                       std::to_string(c) + " twice",
                   "pair each + channel with one - channel");
      used[static_cast<size_t>(c)] = true;
    }
}

}  // namespace

std::map<std::string, StrandPairs> parse_strand_pairs(const std::vector<std::string>& specs) {
  std::map<std::string, StrandPairs> out;
  for (const auto& spec : specs) {
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
      fail_usage("--strand-pairs '" + spec + "' is not HEAD:PAIRS",
                 "write HEAD:PLUS-MINUS[,PLUS-MINUS...], e.g. profile:0-1,2-3, or HEAD:none");
    const std::string head = spec.substr(0, colon), list = spec.substr(colon + 1);
    StrandPairs pairs;
    if (list != "none") {
      size_t at = 0;
      while (at <= list.size()) {
        size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        const std::string pair = list.substr(at, comma - at);
        const auto dash = pair.find('-');
        if (dash == std::string::npos)
          fail_usage("--strand-pairs '" + spec + "': '" + pair + "' is not PLUS-MINUS",
                     "write HEAD:PLUS-MINUS[,PLUS-MINUS...], e.g. profile:0-1,2-3, or HEAD:none");
        std::array<int64_t, 2> p{parse_channel(pair.substr(0, dash), spec), parse_channel(pair.substr(dash + 1), spec)};
        if (p[0] == p[1])
          fail_usage("--strand-pairs '" + spec + "' pairs channel " + std::to_string(p[0]) + " with itself",
                     "list only stranded channels; unstranded ones are left out");
        pairs.push_back(p);
        at = comma + 1;
      }
    }
    if (!out.emplace(head, std::move(pairs)).second)
      fail_usage("--strand-pairs gives head '" + head + "' twice", "give each head once, its pairs joined by ','");
  }
  return out;
}

nlohmann::json apply_strand_pairing(TrackPlan& plan, const catalog::TrackCatalog& catalog,
                                    const StrandOptions& options, RcMode mode) {
  const auto given = parse_strand_pairs(options.strand_pairs);
  for (const auto& [name, pairs] : given) {
    bool found = false;
    std::string have;
    for (const auto& h : plan.heads) {
      found |= name == h.output_type || name == h.model.name;
      have += (have.empty() ? "" : ", ") + h.output_type;
    }
    if (!found) fail_usage("--strand-pairs names head '" + name + "', which is not written (heads: " + have + ")");
  }
  if (mode == RcMode::none) {
    if (!given.empty()) fail_usage("--strand-pairs goes with --rc mean or --rc max");
    return nullptr;
  }
  auto heads = nlohmann::json::array();
  std::string missing;
  for (auto& h : plan.heads) {
    auto option = given.find(h.output_type);
    if (option == given.end()) option = given.find(h.model.name);
    const auto in_catalog = catalog_pairs(catalog, h.output_type, h.model.tracks);
    const auto& recorded = h.model.strand_pairs;
    StrandPairs pairs;
    std::string from;
    if (option != given.end()) {
      check_given(option->second, h);
      pairs = option->second;
      from = "--strand-pairs";
    } else if (in_catalog) {
      if (recorded && unordered(*recorded) != unordered(*in_catalog))
        fail_input("the track catalog pairs the strands of head '" + h.model.name + "' as " +
                       pairs_text(*in_catalog) + " but the model records " + pairs_text(*recorded),
                   catalog.source(),
                   "fix the catalog's strand column, or say which is right with --strand-pairs " + h.output_type +
                       ":" + pairs_text(*recorded));
      pairs = *in_catalog;
      from = "track catalog";
    } else if (recorded) {
      pairs = *recorded;
      from = "model";
    } else if (h.model.profile && h.model.tracks > 1) {
      missing += (missing.empty() ? "" : ", ") + ("'" + h.model.name + "' (" + std::to_string(h.model.tracks) +
                                                  " tracks)");
      continue;
    } else {
      from = h.model.tracks <= 1 ? "single track" : "scalar head, no pairing given: combined unswapped";
    }
    h.strands.partner = partners(pairs, h.model.tracks);
    heads.push_back({{"name", h.model.name}, {"strand_pairs", pairs}, {"from", from}});
  }
  if (!missing.empty())
    throw Error(Exit::usage,
                "--rc " + options.rc + " needs to know which tracks are the + and - strands of one signal, and "
                "nothing says so for profile head " + missing,
                {}, kThreeWays);
  return {{"mode", options.rc}, {"heads", heads}};
}

}  // namespace s2f::predict
