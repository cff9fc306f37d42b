// Selene's variant windows, reproduced base for base (`--windows selene`).
// Selene (selene_sdk.predict, variant effect prediction) places a variant
// differently from s2f's documented rule (window.hpp), and users comparing
// against published Selene scores need its exact inputs:
//
//   P = POS (1-based), r = len(REF), a = len(ALT), sr = floor(L/2),
//   er = sr + L mod 2. REF window = genome[s, s + L) with
//   s = P + floor(r/2) - sr, so the first REF base sits at index
//   floor(L/2) - floor(r/2) - 1 (a SNV at L//2 - 1 for odd L as well).
//   On '-' the window is fetched reverse-complemented and REF/ALT are
//   reverse-complemented before they are placed (not when REF is empty),
//   at index ceil(L/2) - ceil(r/2) + 1 (r > 1) or ceil(L/2) (r <= 1).
//   ALT: a > L keeps the middle L bases of ALT; a == r substitutes;
//   a > r inserts and drops floor((a - r)/2) bases on the left; a < r
//   joins genome[s - floor(r/2) + floor(a/2), P + 1) + ALT +
//   genome[P + 1 + r, s + L + ceil(r/2) - ceil(a/2)) (N beyond the
//   chromosome; on '-' reverse-complemented pieces in reverse order).
//   REF of L bases or more: the middle L bases of REF, from index
//   floor(r/2) - sr, stand in for the window when they differ from it.
//   REF '-' and ALT '-' or '*' are empty alleles.
// libcommon/src/genome/WINDOWS.md ("Selene's windows") has a worked example;
// tests/genome/selene_windows.py transcribes Selene's code independently.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace s2f::genome {

// Where Selene reads a variant's windows from, or why it cannot.
struct SeleneVariantLayout {
  int64_t ref_start = 0;  // REF window = genome[ref_start, ref_start + L), forward strand
  std::string rejected;   // non-empty: the side-file reason
  bool off_chromosome = false;  // rejected as Selene's .NA lists it (the REF window leaves the chromosome)
};
// pos: 0-based first REF base; alleles as Selene reads them (see
// selene_allele).
SeleneVariantLayout selene_variant_layout(int64_t pos, int64_t ref_length, int64_t alt_length, int64_t length,
                                          int64_t contig_length);

// An allele as Selene reads it: '-' (and '*' for ALT) is the empty allele.
std::string_view selene_allele(std::string_view allele);

// Index in the window (as stored, i.e. after reverse-complementing for '-')
// of the first REF base.
int64_t selene_ref_index(int64_t length, bool minus, int64_t ref_length);

// Builds both windows in their final orientation (no reverse complement
// afterwards). The layout must not be rejected. Returns ref_match.
bool build_selene_variant_windows(std::string_view contig, int64_t pos, std::string_view ref, std::string_view alt,
                                  int64_t length, bool minus, std::span<uint8_t> ref_out, std::span<uint8_t> alt_out);

}  // namespace s2f::genome
