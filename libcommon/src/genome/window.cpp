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
