// Window arithmetic: where a position, an interval or a variant lands in a
// window of L bases, and how REF and ALT windows are built. WINDOWS.md in
// libcommon/src/genome states the same rules with worked examples; tests pin
// them against windows cut by hand with samtools faidx.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace s2f::genome {

// A position p lands at index floor(L/2): the exact centre for odd L, the
// first base right of the middle for even L (the BPNet/ChromBPNet summit
// convention). Window = [p - floor(L/2), p - floor(L/2) + L).
inline int64_t position_index(int64_t length) { return length / 2; }
inline int64_t position_window_start(int64_t pos, int64_t length) { return pos - position_index(length); }

// Centre of a 0-based half-open interval: its summit when one is given
// (narrowPeak column 10, an offset from start, -1 = none), otherwise
// start + floor((end - start) / 2).
inline int64_t interval_centre(int64_t start, int64_t end, int64_t summit = -1) {
  return summit >= 0 ? start + summit : start + (end - start) / 2;
}

// Index of the first REF base in the REF window, Selene's convention:
// ceil(L/2) - 1 - floor(len(REF)/2). A SNV sits at the centre for odd L and
// at L/2 - 1 for even L; longer REF alleles are centred on their middle base.
inline int64_t default_variant_index(int64_t length, int64_t ref_length) {
  return (length + 1) / 2 - 1 - ref_length / 2;
}

// The genome span a variant's two windows read, and where they start.
struct VariantLayout {
  int64_t ref_start = 0;   // REF window = genome[ref_start, ref_start + L)
  int64_t read_begin = 0;  // genome bases needed by both windows
  int64_t read_end = 0;
  bool fits = true;        // REF lies wholly inside the window at `index`
};
VariantLayout variant_layout(int64_t pos, int64_t ref_length, int64_t alt_length, int64_t length, int64_t index);

// Builds the REF and ALT windows of a variant from a whole contig. `ref` and
// `alt` are normalised alleles (A/C/G/T/N); the layout must fit the contig.
// REF window: genome bases, with the VCF REF written over the REF positions.
// ALT window: genome[ref_start, pos) + ALT + genome[pos + len(REF), ...),
//   insertions cropped floor(d/2) on the left and ceil(d/2) on the right
//   (d = len(ALT) - len(REF) > 0); deletions refilled from the genome,
//   floor(k/2) more bases on the left and ceil(k/2) on the right (k = -d).
// Returns whether the genome agrees with REF (ref_match).
bool build_variant_windows(std::string_view contig, int64_t pos, std::string_view ref, std::string_view alt,
                           int64_t length, int64_t index, std::span<uint8_t> ref_out,
                           std::span<uint8_t> alt_out);

// Where each base of a window lies on the genome, from what the window's
// record says: `start` (the REF window's first base; -1 when the window is
// not genomic), its strand, and for a variant's ALT window the variant's
// position and allele lengths. An indel shifts the ALT window's bases
// against the genome (see build_variant_windows); bases an insertion adds
// have no genome position and take that of the last REF base before them,
// as VCF anchors an insertion.
struct WindowPlacement {
  int64_t start = -1;
  int64_t length = 0;
  bool minus = false;  // the window is the reverse complement
  bool alt_window = false;
  int64_t variant_pos = 0, ref_length = 0, alt_length = 0;
};
// The genome position of base `offset` (0-based, in the window as stored);
// -1 for a window that is not genomic.
int64_t genome_position(const WindowPlacement& window, int64_t offset);

// FASTA records and raw sequences: shorter ones are padded with N,
// floor((L-n)/2) on the left and the rest on the right; longer ones keep
// their centre, dropping floor((n-L)/2) bases on the left. Bases are
// normalised; returns true if the window contains N.
bool fit_sequence(std::string_view seq, std::span<uint8_t> out);

}  // namespace s2f::genome
