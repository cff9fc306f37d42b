// Sets of genome regions the samplers draw from: whole contigs minus their
// N runs, minus blacklists and padded genes, cut into partitions, and a
// picker that maps a uniform offset to a position.
#pragma once
#include <cstdint>
#include <vector>

#include "s2f/genome/reference.hpp"

namespace s2f::sampling {

enum class Partition : uint8_t { train = 0, validate = 1, test = 2 };
const char* partition_name(Partition p);

struct Region {
  int contig = 0;
  int64_t begin = 0, end = 0;  // 0-based half-open
  Partition partition = Partition::train;
  int64_t length() const { return end - begin; }
};
using Regions = std::vector<Region>;

// Sorts by (contig, begin) and merges overlapping or touching regions.
void normalize(Regions& r);
// a minus b; both normalised. Keeps a's partitions.
Regions subtract(const Regions& a, const Regions& b);
// Widens each region by `margin` on both sides, clipped to the contigs.
Regions pad(Regions r, int64_t margin, const std::vector<genome::Contig>& contigs);
// Drops `margin` bases at both ends of every contig.
Regions trim_contig_ends(const Regions& r, int64_t margin, const std::vector<genome::Contig>& contigs);
// Positions whose window of `window` bases (s2f-encode -L window: from
// pos - window/2) lies inside its contig: Selene refuses a window that leaves
// the chromosome.
Regions keep_windows_inside(const Regions& r, int64_t window, const std::vector<genome::Contig>& contigs);
// The positions whose window of `window` bases overlaps one of the regions
// (normalised, clipped to the contigs): Selene's blacklist rejects a sample
// whose window overlaps a blacklisted interval, not only its centre.
Regions window_overlaps(const Regions& r, int64_t window, const std::vector<genome::Contig>& contigs);
// Runs of A/C/G/T (no N) on the given contigs, read contig by contig.
Regions acgt_regions(const genome::ReferenceGenome& genome, const std::vector<int>& contigs);
uint64_t total_length(const Regions& r);

// Uniform positions over a region list, weighted by length.
class RegionPicker {
 public:
  explicit RegionPicker(Regions regions);
  uint64_t total() const { return total_; }
  // Position at a 0-based offset into the concatenated regions.
  struct Pick {
    int contig;
    int64_t pos;
    Partition partition;
  };
  Pick at(uint64_t offset) const;
  const Regions& regions() const { return regions_; }

 private:
  Regions regions_;
  std::vector<uint64_t> cumulative_;  // end offset of each region
  uint64_t total_ = 0;
};

}  // namespace s2f::sampling
