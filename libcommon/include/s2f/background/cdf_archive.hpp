// Where merged CDFs go: the *_pertrack.npz the chorus normaliser reads, and
// optionally the same arrays in HDF5. Rows arrive one track at a time so
// neither output holds a whole (tracks x 10,000) matrix in memory.
//
// Arrays (both formats):
//   track_ids                       unicode, one per track
//   {effect,summary,perbin}_cdfs    float32 (n_tracks, points); only kinds built
//   {effect,summary,perbin}_counts  int64 (n_tracks,): values seen per track
//   {kind}_tail_top, _tail_bottom   float32 (n_tracks, k): the exact k largest
//                                   (descending) and smallest (ascending) values,
//                                   NaN-padded; only when every shard kept tails
//   signed_flags                    bool (n_tracks,)
//   build_config                    JSON text (0-d unicode in npz, string in HDF5);
//                                   kinds.K.summary.too_few_samples lists the
//                                   tracks given an all-NaN row (min_samples)
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "s2f/background/value_meta.hpp"

namespace s2f::background {

// Per-kind arrays written after the CDF matrix.
struct KindArrays {
  std::vector<int64_t> counts;
  size_t tail_k = 0;
  std::vector<float> tail_top, tail_bottom;  // n_tracks x tail_k
};

class CdfArchive {
 public:
  virtual ~CdfArchive() = default;
  virtual void begin(const std::vector<std::string>& track_ids, size_t points) = 0;
  virtual void begin_kind(ValueKind kind) = 0;
  virtual void row(std::span<const float> cdf) = 0;
  virtual void end_kind(ValueKind kind, const KindArrays& arrays) = 0;
  // Writes the remaining arrays and makes the file visible under its name.
  virtual void finish(const std::vector<bool>& signed_flags, const nlohmann::json& build_config) = 0;

  static std::unique_ptr<CdfArchive> npz(const std::string& path);
  static std::unique_ptr<CdfArchive> hdf5(const std::string& path);
};

// Fans every call out to several archives.
class CdfArchives : public CdfArchive {
 public:
  void add(std::unique_ptr<CdfArchive> a) { parts_.push_back(std::move(a)); }
  void begin(const std::vector<std::string>& ids, size_t points) override {
    for (auto& p : parts_) p->begin(ids, points);
  }
  void begin_kind(ValueKind k) override {
    for (auto& p : parts_) p->begin_kind(k);
  }
  void row(std::span<const float> cdf) override {
    for (auto& p : parts_) p->row(cdf);
  }
  void end_kind(ValueKind k, const KindArrays& arrays) override {
    for (auto& p : parts_) p->end_kind(k, arrays);
  }
  void finish(const std::vector<bool>& flags, const nlohmann::json& config) override {
    for (auto& p : parts_) p->finish(flags, config);
  }

 private:
  std::vector<std::unique_ptr<CdfArchive>> parts_;
};

}  // namespace s2f::background
