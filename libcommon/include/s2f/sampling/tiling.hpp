// Tiling (s2f-sample-positions --strategy tile): output windows laid end to
// end over whole chromosomes or a set of regions, so that a model's outputs
// cover every requested base. The stride is the model's output window; each
// tile is written as the anchor s2f-encode centres the input window on. The
// edge rules (libcommon/src/genome/WINDOWS.md, "Tiles"):
//   * an input window never leaves its chromosome (s2f-encode would skip it),
//     so the first left_context() and last right_context() bases of a
//     chromosome cannot be predicted; they are reported as uncovered;
//   * a span whose length is not a multiple of the output window ends with a
//     tile shifted back to end at the span's end (the overlap is resolved by
//     the stitching rule when tracks are written);
//   * a span shorter than the output window gets one tile centred on it,
//     kept inside the chromosome's coverable part.
// Tiles are computed, never stored: memory stays flat whatever the genome.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "s2f/genome/reference.hpp"
#include "s2f/sampling/regions.hpp"

namespace s2f::sampling {

struct TileGeometry {
  int64_t output_length = 0;  // bp one tile's outputs cover: the stride
  int64_t input_length = 0;   // bp of the model's input window
  // The output window is centred in the input window (ChromBPNet, BPNet,
  // Enformer); with an odd difference the extra base is on the right.
  int64_t left_context() const { return (input_length - output_length) / 2; }
  int64_t right_context() const { return input_length - output_length - left_context(); }
  // The position s2f-encode -L input_length places at index floor(L/2), for
  // a tile whose output window starts at `start`.
  int64_t anchor(int64_t start) const { return start - left_context() + input_length / 2; }
};

// Requested bases no tile can cover, with the reason (for the side file).
struct UncoveredSpan {
  int contig = 0;
  int64_t begin = 0, end = 0;
  std::string reason;
  uint64_t next_tile = 0;  // tiles before it in genome order: which shard reports it
};

class TilePlan {
 public:
  // `requested`: the regions to cover, in any order (sorted and merged here).
  TilePlan(Regions requested, const std::vector<genome::Contig>& contigs, const TileGeometry& geometry);

  uint64_t size() const { return tiles_; }
  // Calls f(contig, output_start) for tiles [lo, hi) in genome order.
  void for_each(uint64_t lo, uint64_t hi, const std::function<void(int, int64_t)>& f) const;
  const std::vector<UncoveredSpan>& uncovered() const { return uncovered_; }
  uint64_t requested_bases() const { return requested_bases_; }
  uint64_t uncovered_bases() const;

 private:
  struct Span {
    int contig;
    int64_t begin, end;  // length >= output_length
    uint64_t first_tile, tiles;
  };
  TileGeometry geometry_;
  std::vector<Span> spans_;
  std::vector<UncoveredSpan> uncovered_;
  uint64_t tiles_ = 0, requested_bases_ = 0;
};

}  // namespace s2f::sampling
