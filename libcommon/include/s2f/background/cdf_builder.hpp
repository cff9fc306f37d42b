// Building per-track background CDFs from reservoir files: the work of
// s2f-merge-cdfs, as a library so it can be tested without a process.
//
// Inputs are grouped by value kind (meta.value_kind). All files must list
// the same tracks in the same order; files of one kind must agree on every
// geometry key (the message names the first that differs). The merge walks
// every file of a kind in lockstep, one track at a time, so memory is one
// track's samples across shards (16 x 50,000 floats = 3.2 MB), not the
// whole reservoir set.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "s2f/background/cdf.hpp"
#include "s2f/background/cdf_archive.hpp"
#include "s2f/background/reservoir_stream.hpp"
#include "s2f/defaults.hpp"

namespace s2f::background {

struct CdfBuildOptions {
  size_t points = kCdfPoints;
  uint64_t seed = defaults::reservoir_seed;  // drives sampled merges
  // Tracks with fewer values get an all-NaN row (no percentiles) and are
  // listed in build_config, never a CDF of zeros.
  int64_t min_samples = defaults::min_background_samples;
  nlohmann::json provenance;   // recorded in build_config
};

struct KindSummary {
  size_t files = 0;
  uint64_t values_seen = 0;
  size_t exact_tracks = 0, empty_tracks = 0;
  std::vector<std::string> too_few;  // track ids below min_samples
};

class CdfBuilder {
 public:
  explicit CdfBuilder(CdfBuildOptions options) : options_(std::move(options)) {}
  // Opens and checks a reservoir file (kind, tracks, geometry).
  void add_input(const std::string& path);
  size_t tracks() const { return track_ids_.size(); }
  size_t kinds() const { return inputs_.size(); }
  // Merges every kind into `archive`; `on_track` (optional) is called after
  // each track of each kind with the number done so far.
  std::map<ValueKind, KindSummary> build(CdfArchive& archive,
                                         const std::function<void(uint64_t)>& on_track = {});
  // The build_config JSON written with the arrays.
  nlohmann::json build_config() const;

 private:
  CdfBuildOptions options_;
  std::map<ValueKind, std::vector<std::unique_ptr<ReservoirFile>>> inputs_;
  std::vector<std::string> track_ids_;
  std::vector<bool> signed_flags_;
  std::string first_path_;
  // Each input's identity: (device, inode) and a checksum of its bytes, so
  // a shard given twice (./x and x, a symlink, a copy) is refused.
  struct InputIdentity {
    std::string path;
    uint64_t dev = 0, ino = 0, size = 0, checksum = 0;
    bool file = false;
  };
  std::vector<InputIdentity> identities_;
  void check_not_repeated(const std::string& path);
  std::map<ValueKind, KindSummary> summary_;
};

}  // namespace s2f::background
