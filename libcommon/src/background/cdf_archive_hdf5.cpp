// The same arrays as the npz, in HDF5 (for tools that prefer h5py or R).
// Written under a temporary name and renamed when complete.
#include <algorithm>
#include <utility>

#include "s2f/utf8.hpp"
#include "s2f/background/cdf_archive.hpp"
#include "s2f/hdf5/h5.hpp"

namespace s2f::background {

namespace {

class Hdf5CdfArchive : public CdfArchive {
 public:
  explicit Hdf5CdfArchive(const std::string& path) : file_(h5::File::create(path)) {}

  void begin(const std::vector<std::string>& ids, size_t points) override {
    n_ = ids.size();
    points_ = points;
    file_.write_strings("track_ids", ids);
  }

  void begin_kind(ValueKind k) override {
    const std::string name = std::string(kind_name(k)) + "_cdfs";
    std::vector<uint64_t> chunk;
    if (n_ > 0 && points_ > 0) chunk = {std::min<uint64_t>(n_, kRowsPerChunk), points_};
    cdfs_ = file_.create_fixed(name, h5::Type::f32, {n_, points_}, chunk);
    pending_.clear();
  }

  void row(std::span<const float> cdf) override {
    pending_.insert(pending_.end(), cdf.begin(), cdf.end());
    if (pending_.size() >= kRowsPerChunk * points_) flush_rows();
  }

  void end_kind(ValueKind k, const KindArrays& arrays) override {
    flush_rows();
    cdfs_.close();
    const std::string kind = kind_name(k);
    file_.write<int64_t>(kind + "_counts", arrays.counts, {arrays.counts.size()});
    if (arrays.tail_k) {
      file_.write<float>(kind + "_tail_top", arrays.tail_top, {n_, arrays.tail_k});
      file_.write<float>(kind + "_tail_bottom", arrays.tail_bottom, {n_, arrays.tail_k});
    }
  }

  void finish(const std::vector<bool>& flags, const nlohmann::json& config) override {
    file_.write_flags("signed_flags", flags);  // h5py reads it as numpy bool
    file_.write_string("build_config", dump_json(config));
    file_.commit();
  }

 private:
  static constexpr uint64_t kRowsPerChunk = 16;

  void flush_rows() {
    if (pending_.empty()) return;
    cdfs_.append<float>(pending_);
    pending_.clear();
  }

  h5::File file_;
  h5::Dataset cdfs_;
  uint64_t n_ = 0, points_ = 0;
  std::vector<float> pending_;
};

}  // namespace

std::unique_ptr<CdfArchive> CdfArchive::hdf5(const std::string& path) {
  return std::make_unique<Hdf5CdfArchive>(path);
}

}  // namespace s2f::background
