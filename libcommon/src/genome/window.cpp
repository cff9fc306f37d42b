#include "s2f/genome/window.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "s2f/genome/bases.hpp"

namespace s2f::genome {

VariantLayout variant_layout(int64_t pos, int64_t ref_length, int64_t alt_length, int64_t length, int64_t index) {
  VariantLayout v;
  v.ref_start = pos - index;
  v.fits = index >= 0 && index + ref_length <= length;
  v.read_begin = v.ref_start;
  v.read_end = v.ref_start + length;
  int64_t shrink = ref_length - alt_length;
  if (shrink > 0) {  // a deletion pulls in genome bases on both sides
    v.read_begin -= shrink / 2;
    v.read_end += shrink - shrink / 2;
  }
  return v;
}

bool build_variant_windows(std::string_view contig, int64_t pos, std::string_view ref, std::string_view alt,
                           int64_t length, int64_t index, std::span<uint8_t> ref_out,
                           std::span<uint8_t> alt_out) {
  const auto L = static_cast<size_t>(length);
  const int64_t r = static_cast<int64_t>(ref.size()), a = static_cast<int64_t>(alt.size());
  const int64_t ws = pos - index;
  const char* g = contig.data();

  std::memcpy(ref_out.data(), g + ws, L);
  bool match = std::memcmp(g + pos, ref.data(), ref.size()) == 0;
  if (!match) std::memcpy(ref_out.data() + index, ref.data(), ref.size());

  const int64_t d = a - r;
  if (d == 0) {
    std::memcpy(alt_out.data(), ref_out.data(), L);
    std::memcpy(alt_out.data() + index, alt.data(), alt.size());
    return match;
  }
  if (d > 0) {
    // The whole ALT haplotype is L + d long; keep its middle L bases.
    std::string hap;
    hap.reserve(L + static_cast<size_t>(d));
    hap.append(g + ws, static_cast<size_t>(index));
    hap.append(alt);
    hap.append(g + pos + r, static_cast<size_t>(length - index - r));
    std::memcpy(alt_out.data(), hap.data() + d / 2, L);
    return match;
  }
  const int64_t k = -d, left = k / 2, right = k - left;
  uint8_t* out = alt_out.data();
  const size_t lhs = static_cast<size_t>(index + left);
  std::memcpy(out, g + ws - left, lhs);
  std::memcpy(out + lhs, alt.data(), alt.size());
  const size_t rhs = static_cast<size_t>(length - index - r + right);
  std::memcpy(out + lhs + alt.size(), g + pos + r, rhs);
  return match;
}

int64_t genome_position(const WindowPlacement& w, int64_t offset) {
  if (w.start < 0) return -1;
  const int64_t f = w.minus ? w.length - 1 - offset : offset;  // offset on the forward strand
  const int64_t r = w.ref_length, a = w.alt_length, d = a - r;
  if (!w.alt_window || d == 0) return w.start + f;
  const int64_t index = w.variant_pos - w.start;  // the first REF base in the REF window
  // First offset of the ALT allele in this window, and the genome position
  // of the window's first base.
  const int64_t allele_at = d > 0 ? index - d / 2 : index + (-d) / 2;
  const int64_t first = d > 0 ? w.start + d / 2 : w.start - (-d) / 2;
  if (f < allele_at) return first + f;
  const int64_t j = f - allele_at;  // base of the ALT allele, or past it
  if (j < a) return w.variant_pos + std::min(j, r - 1);
  return w.variant_pos + r + (j - a);
}

bool fit_sequence(std::string_view seq, std::span<uint8_t> out) {
  const size_t L = out.size(), n = seq.size();
  if (n >= L) {
    std::memcpy(out.data(), seq.data() + (n - L) / 2, L);
  } else {
    size_t left = (L - n) / 2;
    std::memset(out.data(), 'N', L);
    std::memcpy(out.data() + left, seq.data(), n);
  }
  return normalize_bases(out);
}

}  // namespace s2f::genome
