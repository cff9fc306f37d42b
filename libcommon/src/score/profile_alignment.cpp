#include "s2f/score/profile_alignment.hpp"

#include <algorithm>
#include <utility>

namespace s2f::score {

namespace {

// (genome position, bin) of every bin, in genome order, first occurrence of
// each position only: an insertion's added bases take the position of the
// REF base that anchors them (genome_position), and genome order puts the
// anchor first, so the added bases are the repeats that are dropped.
std::vector<std::pair<int64_t, int64_t>> bins_by_position(const genome::WindowPlacement& w, int64_t bins,
                                                          int64_t offset) {
  std::vector<std::pair<int64_t, int64_t>> out;
  out.reserve(static_cast<size_t>(bins));
  for (int64_t i = 0; i < bins; ++i) {
    // On '-' the window is reversed: walk it backwards to go in genome order.
    int64_t k = w.minus ? bins - 1 - i : i;
    int64_t p = genome::genome_position(w, offset + k);
    if (!out.empty() && out.back().first == p) continue;
    out.emplace_back(p, k);
  }
  return out;
}

}  // namespace

AlignedBins align_profile_bins(const genome::WindowPlacement& ref, const genome::WindowPlacement& alt, int64_t bins,
                               int64_t bin_offset) {
  AlignedBins a;
  if (alt.ref_length == alt.alt_length || ref.start < 0) {
    for (int64_t k = 0; k < bins; ++k) a.ref.push_back(k);
    a.alt = a.ref;
    return a;
  }
  auto r = bins_by_position(ref, bins, bin_offset), q = bins_by_position(alt, bins, bin_offset);
  // Both lists are in increasing genome position: merge them.
  size_t i = 0, j = 0;
  while (i < r.size() && j < q.size()) {
    if (r[i].first < q[j].first) ++i;
    else if (q[j].first < r[i].first) ++j;
    else a.ref.push_back(r[i++].second), a.alt.push_back(q[j++].second);
  }
  if (ref.minus) {
    std::reverse(a.ref.begin(), a.ref.end());
    std::reverse(a.alt.begin(), a.alt.end());
  }
  return a;
}

}  // namespace s2f::score
