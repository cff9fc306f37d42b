// The *_pertrack.npz layout, written with the project's own zip writer.
#include <utility>

#include "s2f/utf8.hpp"
#include "s2f/background/cdf_archive.hpp"
#include "s2f/npz.hpp"

namespace s2f::background {

namespace {

class NpzCdfArchive : public CdfArchive {
 public:
  explicit NpzCdfArchive(const std::string& path) : npz_(ByteSink::open(path)) {}

  void begin(const std::vector<std::string>& ids, size_t points) override {
    n_ = ids.size();
    points_ = points;
    npz_.add_strings("track_ids", ids);
  }
  void begin_kind(ValueKind k) override {
    npz_.begin(std::string(kind_name(k)) + "_cdfs", npz::kF32, {n_, points_});
  }
  void row(std::span<const float> cdf) override { npz_.append(cdf.data(), cdf.size_bytes()); }
  void end_kind(ValueKind k, const KindArrays& arrays) override {
    npz_.end();
    const std::string kind = kind_name(k);
    counts_.emplace_back(kind + "_counts", arrays.counts);
    if (arrays.tail_k) {
      npz_.add<float>(kind + "_tail_top", npz::kF32, {n_, arrays.tail_k}, arrays.tail_top);
      npz_.add<float>(kind + "_tail_bottom", npz::kF32, {n_, arrays.tail_k}, arrays.tail_bottom);
    }
  }
  void finish(const std::vector<bool>& flags, const nlohmann::json& config) override {
    for (const auto& [name, c] : counts_) npz_.add<int64_t>(name, npz::kI64, {c.size()}, c);
    std::vector<uint8_t> b(flags.begin(), flags.end());
    npz_.add<uint8_t>("signed_flags", npz::kBool, {b.size()}, b);
    npz_.add_string_scalar("build_config", dump_json(config));
    npz_.finish();
  }

 private:
  npz::NpzWriter npz_;
  uint64_t n_ = 0, points_ = 0;
  std::vector<std::pair<std::string, std::vector<int64_t>>> counts_;
};

}  // namespace

std::unique_ptr<CdfArchive> CdfArchive::npz(const std::string& path) {
  return std::make_unique<NpzCdfArchive>(path);
}

}  // namespace s2f::background
