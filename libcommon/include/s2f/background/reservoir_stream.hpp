// Reservoir state as an s2f stream (kind "reservoirs", one record per track
// in track order) and the reading side used by s2f-merge-cdfs, which walks
// many such files in lockstep, one track at a time.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "s2f/background/reservoir.hpp"
#include "s2f/background/value_meta.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::background {

// One track's reservoir as stored.
struct TrackReservoir {
  std::string track_id;
  uint32_t track_index = 0;
  uint64_t seen = 0, capacity = 0, seed = 0;
  std::vector<float> sample, tail_top, tail_bottom;
  bool complete() const { return seen == sample.size(); }
};

// Appends one record per track to `writer` (a reservoirs_schema() stream).
void write_reservoirs(stream::Writer& writer, const ReservoirSet& set, const std::vector<std::string>& track_ids);

// Settings a reservoir file records in meta.reservoir.
struct ReservoirConfig {
  uint64_t capacity = 0, seed = 0, shard_seed = 0;
  uint64_t tail_k = 0;
  std::string shard = "1/1";
  nlohmann::json to_json() const;
  static ReservoirConfig from_json(const nlohmann::json& j, const std::string& where);
};

// A reservoir file opened for merging.
class ReservoirFile {
 public:
  explicit ReservoirFile(const std::string& path);
  const std::string& path() const { return path_; }
  const ValueMeta& meta() const { return meta_; }
  const ReservoirConfig& config() const { return config_; }
  const stream::Header& header() const { return reader_->header(); }
  // Next track (they must come in track order 0, 1, ...); false at the end.
  bool next(TrackReservoir& out);

 private:
  std::string path_;
  std::unique_ptr<stream::Reader> reader_;
  ValueMeta meta_;
  ReservoirConfig config_;
  stream::Batch batch_;
  size_t pos_ = 0;
  uint64_t expected_index_ = 0;
  size_t f_id_, f_index_, f_seen_, f_capacity_, f_seed_, f_sample_, f_top_, f_bottom_;
};

}  // namespace s2f::background
