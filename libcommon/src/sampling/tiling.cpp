#include "s2f/sampling/tiling.hpp"

#include <algorithm>

#include "s2f/error.hpp"

namespace s2f::sampling {

TilePlan::TilePlan(Regions requested, const std::vector<genome::Contig>& contigs, const TileGeometry& g)
    : geometry_(g) {
  const int64_t out = g.output_length;
  if (out < 1 || g.input_length < out)
    fail_usage("tiles need 1 <= --tile-length <= --input-length (got " + std::to_string(out) + " and " +
               std::to_string(g.input_length) + ")");
  for (auto& r : requested) r.partition = Partition::train;
  normalize(requested);
  requested_bases_ = total_length(requested);
  const std::string window = std::to_string(g.input_length) + "-bp input window";

  Regions coverable;
  for (const auto& r : requested) {
    const int64_t length = contigs[static_cast<size_t>(r.contig)].length;
    const int64_t lo = g.left_context(), hi = length - g.right_context();
    if (hi - lo < out) {
      uncovered_.push_back({r.contig, r.begin, r.end,
                            "the chromosome is " + std::to_string(length) + " bp, shorter than the " + window, 0});
      continue;
    }
    if (r.begin < lo)
      uncovered_.push_back({r.contig, r.begin, std::min(r.end, lo),
                            "within " + std::to_string(lo) + " bp of the chromosome start: no " + window + " fits",
                            0});
    if (r.end > hi)
      uncovered_.push_back({r.contig, std::max(r.begin, hi), r.end,
                            "within " + std::to_string(g.right_context()) + " bp of the chromosome end: no " + window +
                                " fits",
                            0});
    int64_t b = std::max(r.begin, lo), e = std::min(r.end, hi);
    if (e <= b) continue;
    if (e - b < out) {  // one tile centred on the short span, inside the coverable part
      b = std::clamp(b + (e - b) / 2 - out / 2, lo, hi - out);
      e = b + out;
    }
    coverable.push_back({r.contig, b, e, Partition::train});
  }
  // Tiles of short spans may overlap their neighbours: merged, the tiling of
  // the union covers the same bases without repeating a tile.
  normalize(coverable);
  for (const auto& c : coverable) {
    const uint64_t n = static_cast<uint64_t>((c.end - c.begin + out - 1) / out);
    spans_.push_back({c.contig, c.begin, c.end, tiles_, n});
    tiles_ += n;
  }
  std::sort(uncovered_.begin(), uncovered_.end(), [](const UncoveredSpan& a, const UncoveredSpan& b) {
    return a.contig != b.contig ? a.contig < b.contig : a.begin < b.begin;
  });
  size_t s = 0;
  uint64_t before = 0;
  for (auto& u : uncovered_) {
    while (s < spans_.size() && (spans_[s].contig < u.contig || (spans_[s].contig == u.contig && spans_[s].begin < u.begin)))
      before += spans_[s++].tiles;
    u.next_tile = before;
  }
}

void TilePlan::for_each(uint64_t lo, uint64_t hi, const std::function<void(int, int64_t)>& f) const {
  const int64_t out = geometry_.output_length;
  auto it = std::upper_bound(spans_.begin(), spans_.end(), lo,
                             [](uint64_t k, const Span& s) { return k < s.first_tile + s.tiles; });
  for (uint64_t k = lo; k < hi && it != spans_.end(); ++it) {
    for (; k < hi && k < it->first_tile + it->tiles; ++k) {
      const int64_t i = static_cast<int64_t>(k - it->first_tile);
      f(it->contig, std::min(it->begin + i * out, it->end - out));
    }
  }
}

uint64_t TilePlan::uncovered_bases() const {
  uint64_t n = 0;
  for (const auto& u : uncovered_) n += static_cast<uint64_t>(u.end - u.begin);
  return n;
}

}  // namespace s2f::sampling
