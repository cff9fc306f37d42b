// Selene's targets for its online samplers (selene_sdk.targets.GenomicFeatures):
// a feature BED (chrom, start, end, strand, feature) and the features list
// give each sampled position a class vector over the centre bin of its
// window. Feature i is positive when the bases of the bin covered by its
// intervals exceed int(max(0, threshold_i * bin - 1)) (float32 arithmetic,
// as Selene computes it); a zero-length feature covers one base.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "s2f/genome/chrom_names.hpp"
#include "s2f/genome/text_lines.hpp"

namespace s2f::sampling {

// Selene's window around a sampled position: the centre bin of
// `center_bin` bases (the extra base of an odd bin on the right) inside
// `sequence_length` bases. The window is the one s2f-encode -L
// sequence_length centres on the position, [pos - L/2, pos - L/2 + L).
struct SeleneBins {
  int64_t sequence_length = 1000, center_bin = 200;
  int64_t bin_start(int64_t pos) const { return pos - center_bin / 2; }
  int64_t bin_end(int64_t pos) const { return pos + center_bin / 2 + center_bin % 2; }
  int64_t window_start(int64_t pos) const { return bin_start(pos) - (sequence_length - center_bin) / 2; }
  int64_t window_end(int64_t pos) const { return bin_end(pos) + (sequence_length - center_bin) / 2; }
};
// Selene's constraints: both lengths positive, the bin no longer than the
// window, and both odd or both even (so the bin sits in the middle).
void check_bins(const SeleneBins& bins);

// feature_thresholds: one value for every feature, or per feature with a
// default ("default" names it, as in Selene's dict form).
struct FeatureThresholds {
  float fallback = 0.5f;
  std::map<std::string, float> per_feature;
};
// Items "0.5", "NAME=0.3", "default=0.1"; each value in (0, 1].
FeatureThresholds parse_feature_thresholds(const std::vector<std::string>& items);

class FeatureTargets {
 public:
  FeatureTargets() = default;
  FeatureTargets(std::vector<std::string> features, const FeatureThresholds& thresholds, size_t contigs);
  bool empty() const { return features_.empty(); }
  const std::vector<std::string>& features() const { return features_; }
  // Index of a feature name, or -1.
  int index_of(const std::string& name) const;
  void add(int contig, int64_t start, int64_t end, uint32_t feature);
  // Call once after the last add().
  void finish();
  // Class indices (ascending) positive over [begin, end) of `contig`.
  std::vector<uint32_t> positives(int contig, int64_t begin, int64_t end) const;

 private:
  struct Interval {
    int64_t start, end;
    uint32_t feature;
  };
  std::vector<std::string> features_;
  std::map<std::string, int> index_;
  std::vector<float> thresholds_;
  std::vector<std::vector<Interval>> by_contig_;  // sorted by start
  std::vector<int64_t> longest_;                  // per contig, for overlap queries
};

// Reads the feature BED (plain, gzip or BGZF; Selene's tabix-indexed .bed.gz
// reads as is): columns chrom, start, end, strand, feature. A feature not in
// the list is an error naming the line (Selene stops on it too); lines on
// chromosomes the genome lacks are counted in `unknown`.
FeatureTargets read_feature_targets(const std::string& path, std::vector<std::string> features,
                                    const FeatureThresholds& thresholds, genome::ChromosomeNames& names,
                                    genome::BadLines& bad, uint64_t& unknown);

// The last column of Selene's saved datasets: class indices joined by ';'
// (empty for a sample with no positive feature).
std::string class_indices_column(const std::vector<uint32_t>& positives);

}  // namespace s2f::sampling
