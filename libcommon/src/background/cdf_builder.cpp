#include "s2f/background/cdf_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>

#include <sys/stat.h>

#include "s2f/background/reservoir_merge.hpp"
#include "s2f/background/track_rng.hpp"
#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/run.hpp"
#include "s2f/utf8.hpp"

namespace s2f::background {

namespace {

// Distinct salts keep the merge streams of one track independent across kinds.
uint64_t kind_salt(ValueKind k) { return 0xC2B2AE3D27D4EB4FULL * (static_cast<uint64_t>(k) + 1); }

}  // namespace

void CdfBuilder::check_not_repeated(const std::string& path) {
  InputIdentity id;
  id.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    id.file = true;
    id.dev = static_cast<uint64_t>(st.st_dev);
    id.ino = static_cast<uint64_t>(st.st_ino);
    id.size = static_cast<uint64_t>(st.st_size);
    // FNV-1a of the bytes: a copy of a shard is the same shard.
    auto src = ByteSource::open(path);
    std::vector<unsigned char> buf(1 << 16);
    uint64_t h = 1469598103934665603ULL;
    while (size_t n = src->read(buf.data(), buf.size()))
      for (size_t i = 0; i < n; ++i) h = (h ^ buf[i]) * 1099511628211ULL;
    id.checksum = h;
  }
  for (const auto& o : identities_) {
    if (o.path == path)
      fail_usage("reservoir file " + path + " is given twice", "each shard must be merged once");
    if (!id.file || !o.file) continue;
    if (o.dev == id.dev && o.ino == id.ino)
      fail_usage("reservoir files " + o.path + " and " + path + " are the same file (same device and inode)",
                 "each shard must be merged once; drop one of the two arguments");
    if (o.size == id.size && o.checksum == id.checksum)
      fail_usage("reservoir files " + o.path + " and " + path + " have identical contents (a copy of one shard)",
                 "each shard must be merged once; drop one of the two arguments");
  }
  identities_.push_back(std::move(id));
}

void CdfBuilder::add_input(const std::string& path) {
  check_not_repeated(path);
  auto file = std::make_unique<ReservoirFile>(path);
  const ValueMeta& m = file->meta();
  if (track_ids_.empty() && first_path_.empty()) {
    track_ids_ = m.track_ids;
    signed_flags_ = m.signed_flags;
    first_path_ = path;
  } else {
    if (m.track_ids.size() != track_ids_.size())
      fail_input("reservoir file has " + std::to_string(m.track_ids.size()) + " tracks but " + first_path_ +
                     " has " + std::to_string(track_ids_.size()),
                 path, "merge reservoirs of the same model and track selection");
    for (size_t t = 0; t < track_ids_.size(); ++t)
      if (m.track_ids[t] != track_ids_[t])
        fail_input("track " + std::to_string(t) + " is '" + m.track_ids[t] + "' here but '" + track_ids_[t] +
                       "' in " + first_path_,
                   path, "merge reservoirs of the same model and track selection");
    if (m.signed_flags != signed_flags_)
      fail_input("signed_flags differ from " + first_path_, path, "merge reservoirs built with the same scoring");
  }
  auto& group = inputs_[m.kind];
  if (!group.empty()) {
    const auto& first = *group.front();
    std::string key = first_geometry_difference(first.meta().geometry, m.geometry);
    if (!key.empty()) {
      auto show = [&](const nlohmann::json& g) { return g.contains(key) ? dump_json(g[key]) : std::string("absent"); };
      fail_input("geometry field '" + key + "' differs between " + kind_name(m.kind) + " reservoirs: " +
                     show(first.meta().geometry) + " in " + first.path() + " but " + show(m.geometry) + " here",
                 path, "merge only shards scored with the same window, statistic and model");
    }
    // s2f-score --summary-skip/--exons change which values a track gets:
    // shards routed differently would mix two backgrounds.
    const auto routing = [](const ReservoirFile& f) { return f.header().meta.value("value_routing", nlohmann::json()); };
    if (routing(first) != routing(*file))
      fail_input("meta.value_routing differs between " + std::string(kind_name(m.kind)) + " reservoirs: " +
                     dump_json(routing(first)) + " in " + first.path() + " but " + dump_json(routing(*file)) + " here",
                 path, "merge only shards scored with the same --summary-skip/--exons options");
    for (const auto& other : group) {
      if (other->path() == path)
        fail_usage("reservoir file " + path + " is given twice", "each shard must be merged once");
      if (other->config().shard_seed == file->config().shard_seed)
        warn(path + " and " + other->path() + " were sampled with the same seed (" +
             std::to_string(file->config().shard_seed) +
             "); use --shard k/n or distinct --seed values so shard samples are independent");
    }
  }
  group.push_back(std::move(file));
}

nlohmann::json CdfBuilder::build_config() const {
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, files] : inputs_) {
    nlohmann::json shards = nlohmann::json::array();
    for (const auto& f : files) {
      nlohmann::json s = f->config().to_json();
      s["path"] = f->path();
      const auto& prov = f->header().meta.value("provenance", nlohmann::json::array());
      if (!prov.empty()) s["provenance"] = prov;
      shards.push_back(std::move(s));
    }
    nlohmann::json k = {{"geometry", files.front()->meta().geometry}, {"shards", std::move(shards)}};
    if (auto r = files.front()->header().meta.value("value_routing", nlohmann::json()); !r.is_null())
      k["value_routing"] = r;
    if (auto it = summary_.find(kind); it != summary_.end())
      k["summary"] = {{"values_seen", it->second.values_seen},
                      {"exact_tracks", it->second.exact_tracks},
                      {"empty_tracks", it->second.empty_tracks},
                      {"too_few_samples", it->second.too_few}};
    kinds[kind_name(kind)] = std::move(k);
  }
  return {{"format", "s2f per-track background CDFs"},
          {"version", version()},
          {"points", options_.points},
          {"percentile_rule", "point j = linear-interpolated quantile at j/(points-1); empty track = NaN row"},
          {"merge_seed", options_.seed},
          {"min_samples", options_.min_samples},
          {"n_tracks", track_ids_.size()},
          {"provenance", options_.provenance},
          {"kinds", std::move(kinds)}};
}

std::map<ValueKind, KindSummary> CdfBuilder::build(CdfArchive& archive, const std::function<void(uint64_t)>& on_track) {
  if (inputs_.empty()) fail_usage("no reservoir files to merge", "pass the outputs of s2f-reservoir");
  for (auto needed : {ValueKind::effect, ValueKind::summary})
    if (!inputs_.count(needed))
      warn(std::string("no ") + kind_name(needed) + " reservoirs: the archive will have no " + kind_name(needed) +
           "_cdfs, which the chorus normaliser expects");
  archive.begin(track_ids_, options_.points);
  std::vector<float> row(options_.points);
  std::vector<TrackReservoir> current;
  std::vector<ShardSample> shards;
  uint64_t done = 0;
  for (auto& [kind, files] : inputs_) {
    KindSummary& sum = summary_[kind];
    sum.files = files.size();
    KindArrays arrays;
    arrays.counts.assign(track_ids_.size(), 0);
    // Tails are exact only if every shard kept at least k of them.
    arrays.tail_k = SIZE_MAX;
    for (const auto& f : files) arrays.tail_k = std::min<size_t>(arrays.tail_k, f->config().tail_k);
    const size_t k = arrays.tail_k;
    arrays.tail_top.assign(track_ids_.size() * k, std::numeric_limits<float>::quiet_NaN());
    arrays.tail_bottom = arrays.tail_top;
    std::vector<float> top, bottom;
    archive.begin_kind(kind);
    current.resize(files.size());
    for (size_t t = 0; t < track_ids_.size(); ++t) {
      shards.clear();
      for (size_t i = 0; i < files.size(); ++i) {
        if (!files[i]->next(current[i]))
          fail_input("reservoir file ended early at track " + std::to_string(t), files[i]->path());
        shards.push_back({current[i].sample, current[i].seen, current[i].capacity});
      }
      MergedSample merged = merge_reservoirs(shards, track_seed(options_.seed ^ kind_salt(kind), t));
      if (static_cast<int64_t>(merged.seen) < options_.min_samples) {
        std::fill(row.begin(), row.end(), std::numeric_limits<float>::quiet_NaN());
        sum.too_few.push_back(track_ids_[t]);
      } else {
        compact_cdf(merged.values, row);
      }
      archive.row(row);
      arrays.counts[t] = static_cast<int64_t>(merged.seen);
      if (k) {
        top.clear();
        bottom.clear();
        for (const auto& c : current) {
          top.insert(top.end(), c.tail_top.begin(), c.tail_top.end());
          bottom.insert(bottom.end(), c.tail_bottom.begin(), c.tail_bottom.end());
        }
        std::sort(top.begin(), top.end(), std::greater<float>());
        std::sort(bottom.begin(), bottom.end());
        std::copy_n(top.begin(), std::min(k, top.size()), arrays.tail_top.begin() + static_cast<std::ptrdiff_t>(t * k));
        std::copy_n(bottom.begin(), std::min(k, bottom.size()),
                    arrays.tail_bottom.begin() + static_cast<std::ptrdiff_t>(t * k));
      }
      sum.values_seen += merged.seen;
      sum.exact_tracks += merged.exact ? 1 : 0;
      sum.empty_tracks += merged.seen == 0 ? 1 : 0;
      if (on_track) on_track(++done);
    }
    if (!sum.too_few.empty()) {
      std::string list;
      for (size_t i = 0; i < sum.too_few.size() && i < 5; ++i) list += (i ? ", " : "") + sum.too_few[i];
      if (sum.too_few.size() > 5) list += ", ...";
      warn(std::to_string(sum.too_few.size()) + " track(s) have fewer than " + std::to_string(options_.min_samples) +
           " " + kind_name(kind) + " value(s): " + list +
           "; their rows are NaN (no percentiles) and build_config lists them under too_few_samples" +
           (kind == ValueKind::perbin ? " (tracks of one-bin heads have no per-bin values)" : ""));
    }
    TrackReservoir extra;
    for (auto& f : files)
      if (f->next(extra)) fail_input("reservoir file has more records than tracks", f->path());
    archive.end_kind(kind, arrays);
  }
  archive.finish(signed_flags_, build_config());
  return summary_;
}

}  // namespace s2f::background
