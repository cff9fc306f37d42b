// Regions to call hits in: per region a one-hot sequence and contribution
// scores of one length L, plus where the region lies on the genome. Loaded
// from the layouts Fi-NeMo reads (regions .npz, ChromBPNet and BPNet
// attribution HDF5) or from an s2f contribution stream.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace s2f::hits {

// Genomic placement of each region, in region order.
struct PeakTable {
  std::vector<std::string> chrom, name;
  std::vector<int64_t> region_start;  // 0-based start of the region's first base
  std::vector<uint32_t> chrom_rank;   // sort order of chrom
  bool has_coordinates = false;
  size_t size() const { return chrom.size(); }
  // Rows for n regions given without coordinates: chrom and name "NA",
  // start 0, as Fi-NeMo writes them.
  static PeakTable without_coordinates(size_t n);
  // Ranks chromosomes by `order` first, then by first appearance.
  void rank_chromosomes(const std::vector<std::string>& order = {});
};

// ENCODE narrowPeak; regions are centred on the summit:
// region_start = start + summit - half_width.
PeakTable read_narrowpeak(const std::string& path, int64_t half_width, const std::vector<std::string>& chrom_order);
std::vector<std::string> read_chrom_order(const std::string& path);

class RegionSet {
 public:
  // channels: 4 for [N][4][L] contributions, 1 for compact [N][L].
  RegionSet(size_t count, size_t length, int channels, bool half_precision);

  size_t size() const { return count_; }
  size_t length() const { return length_; }
  int channels() const { return channels_; }
  std::string source;  // file name for messages

  // Raw storage, filled by the loaders: contributions [N][channels][L] as
  // IEEE half (when half_precision) or float; bases [N][L] as a bit mask
  // (bit b set = one-hot row b is 1).
  std::vector<uint16_t>& half() { return half_; }
  std::vector<float>& full() { return full_; }
  std::vector<uint8_t>& bases() { return bases_; }
  bool half_precision() const { return half_precision_; }
  float contribution(size_t region, int channel, size_t pos) const;

  PeakTable peaks;

  // What the optimiser sees for region i, as the seed's batch loaders build
  // it: [L][4] contributions (projected modes: multiplied by the one-hot
  // sequence; compact scores broadcast over the bases first) and the
  // per-position base mask.
  void optimiser_input(size_t i, bool hypothetical, std::span<float> contrib, std::span<uint8_t> mask) const;

  // Checks there are regions, L is even (regions are centred on summits)
  // and every contribution is finite (naming the first region and position
  // that is not).
  void validate() const;
  // Attaches peaks; a count mismatch is an error naming both numbers.
  void attach(PeakTable table, const std::string& peaks_source);

 private:
  size_t count_, length_;
  int channels_;
  bool half_precision_;
  std::vector<uint16_t> half_;
  std::vector<float> full_;
  std::vector<uint8_t> bases_;
};

// Fi-NeMo's regions .npz: `sequences` (N, 4, L) int8 one-hot,
// `contributions` (N, 4, L) or (N, L) float16/float32, optionally `chr`,
// `chr_id`, `start`, `peak_name`, `peak_id`.
RegionSet load_regions_npz(const std::string& path);
// An s2f contribution stream (kind "contributions": seq u8[L] ASCII,
// contrib f32[L, 4]); `start` of -1 marks a region without coordinates.
RegionSet load_regions_stream(const std::string& path);
// ChromBPNet attributions: raw/seq and shap/seq, (N, 4, L'), several files
// averaged; BPNet: input_seqs and hyp_scores, (N, L', 4). The central
// `width` bases are kept (all when width is 0).
RegionSet load_chrombpnet_h5(const std::vector<std::string>& paths, size_t width);
// Contribution bigWigs (projected scores; several are averaged) over the
// regions of a narrowPeak (summit +- width/2) or BED (midpoint +- width/2)
// file, the sequence from the genome FASTA, as Fi-NeMo's extract-regions-bw.
RegionSet load_regions_bigwig(const std::vector<std::string>& paths, const std::string& peaks,
                              const std::string& genome, size_t width, const std::vector<std::string>& chrom_order);
RegionSet load_bpnet_h5(const std::vector<std::string>& paths, size_t width);

}  // namespace s2f::hits
