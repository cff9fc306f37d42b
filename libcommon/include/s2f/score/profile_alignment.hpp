// Indel alignment of a variant's two profiles. An indel shifts the ALT
// window against the genome (genome/window.hpp, WINDOWS.md), so bin k of the
// REF profile and bin k of the ALT profile are not the same base. Before a
// profile statistic compares them, each profile keeps only the bins whose
// base lies in both windows:
//  - REF bins of deleted bases, and ALT bins of inserted bases, are dropped
//    (they have no partner);
//  - flank bins that one window reaches and the other does not are dropped;
//  - the kept bins pair up one-to-one in genome order.
// This is the rule of kundajelab/variant-scorer (adjust_indel_jsd), stated
// for any allele placement and strand: with its placement (allele at the
// profile centre, right flank shifted) it keeps exactly the bins it keeps.
// Profiles of 1-bp bins only: a wider bin mixes shifted and unshifted bases,
// so heads with bins wider than 1 bp are compared bin by bin.
#pragma once
#include <cstdint>
#include <vector>

#include "s2f/genome/window.hpp"

namespace s2f::score {

struct AlignedBins {
  std::vector<int64_t> ref, alt;  // kept bin indices, increasing, ref[i] pairs with alt[i]
};

// `ref` and `alt` are the two windows' placements (alt.alt_window = true);
// the profile has `bins` 1-bp bins starting `bin_offset` bases into the
// window. SNVs and MNVs keep every bin.
AlignedBins align_profile_bins(const genome::WindowPlacement& ref, const genome::WindowPlacement& alt, int64_t bins,
                               int64_t bin_offset);

}  // namespace s2f::score
