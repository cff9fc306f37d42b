#include "s2f/genome/selene_windows.hpp"

#include <algorithm>
#include <cstring>

#include "s2f/genome/bases.hpp"

namespace s2f::genome {

namespace {

int64_t ceil_half(int64_t n) { return n - n / 2; }

// Selene's padded genome query: N for bases beyond either end, but nothing
// at all when the span is empty or starts past the chromosome's end. On '-'
// only the genome part is reverse-complemented: the N for bases before the
// chromosome's start stay in front and those past its end behind, as
// Selene pads after fetching.
std::string padded(std::string_view contig, int64_t begin, int64_t end, bool minus) {
  const auto n = static_cast<int64_t>(contig.size());
  if (begin >= n || begin >= end) return {};
  const int64_t b = std::max<int64_t>(begin, 0), e = std::min(end, n);
  std::string core(e > b ? contig.substr(static_cast<size_t>(b), static_cast<size_t>(e - b)) : std::string_view());
  if (minus) core = reverse_complement(core);
  std::string s(static_cast<size_t>(std::max<int64_t>(0, std::min<int64_t>(end, 0) - begin)), 'N');
  s += core;
  if (end > n) s.append(static_cast<size_t>(end - std::max(begin, n)), 'N');
  return s;
}

int64_t padded_length(int64_t contig_length, int64_t begin, int64_t end) {
  return begin >= contig_length || begin >= end ? 0 : end - begin;
}

// The two genome pieces around a deletion's ALT allele (forward strand).
struct DeletionPieces {
  int64_t left_begin, left_end, right_begin, right_end;
};
DeletionPieces deletion_pieces(int64_t pos, int64_t r, int64_t a, int64_t length) {
  const int64_t p1 = pos + 1;  // Selene takes the VCF's 1-based POS as a 0-based end here
  const int64_t start = p1 + r / 2 - length / 2, end = start + length;
  return {start - r / 2 + a / 2, p1 + 1, p1 + 1 + r, end + ceil_half(r) - ceil_half(a)};
}

}  // namespace

std::string_view selene_allele(std::string_view allele) {
  return allele == "-" || allele == "*" ? std::string_view() : allele;
}

int64_t selene_ref_index(int64_t length, bool minus, int64_t ref_length) {
  if (minus) {
    const int64_t mid = ceil_half(length);
    return ref_length > 1 ? mid - (ref_length + 1) / 2 + 1 : mid;
  }
  const int64_t mid = length / 2;
  return ref_length == 1 ? mid - 1 : mid - ref_length / 2 - 1;
}

SeleneVariantLayout selene_variant_layout(int64_t pos, int64_t r, int64_t a, int64_t length, int64_t contig_length) {
  SeleneVariantLayout v;
  v.ref_start = pos + 1 + r / 2 - length / 2;
  const int64_t end = v.ref_start + length;
  if (v.ref_start < 0 || v.ref_start >= contig_length || end > contig_length) {
    v.rejected = "Selene's window [" + std::to_string(v.ref_start) + ", " + std::to_string(end) +
                 ") runs off the chromosome (length " + std::to_string(contig_length) + ")";
    v.off_chromosome = true;
    return v;
  }
  if (r > 0 && r < length) {
    for (bool minus : {false, true}) {
      const int64_t i = selene_ref_index(length, minus, r);
      if (i < 0 || i + r > length) {
        v.rejected = "REF of " + std::to_string(r) + " bases does not fit Selene's window of " + std::to_string(length);
        return v;
      }
    }
  }
  if (r >= length && a >= r && a <= length) {  // a == r == L: Selene's substitution index is -1
    v.rejected = "REF and ALT of " + std::to_string(r) + " bases fill the window: Selene cannot place them";
    return v;
  }
  if (a < r && a <= length) {
    const auto d = deletion_pieces(pos, r, a, length);
    const int64_t total = padded_length(contig_length, d.left_begin, d.left_end) + a +
                          padded_length(contig_length, d.right_begin, d.right_end);
    if (total != length)
      v.rejected = "Selene's deletion ALT window would be " + std::to_string(total) + " bases long, not " +
                   std::to_string(length);
  }
  return v;
}

bool build_selene_variant_windows(std::string_view contig, int64_t pos, std::string_view ref_in,
                                  std::string_view alt_in, int64_t length, bool minus, std::span<uint8_t> ref_out,
                                  std::span<uint8_t> alt_out) {
  const auto L = static_cast<size_t>(length);
  std::string ref(selene_allele(ref_in)), alt(selene_allele(alt_in));
  const auto r = static_cast<int64_t>(ref.size());
  const int64_t start = pos + 1 + r / 2 - length / 2;

  std::string wt(contig.substr(static_cast<size_t>(start), L));
  // Selene complements the alleles only when REF is not empty.
  if (minus) {
    wt = reverse_complement(wt);
    if (r > 0) {
      ref = reverse_complement(ref);
      alt = reverse_complement(alt);
    }
  }
  const auto a = static_cast<int64_t>(alt.size());
  const int64_t at = selene_ref_index(length, minus, r);

  // REF window.
  bool match = true;
  std::memcpy(ref_out.data(), wt.data(), L);
  if (r > 0 && r < length) {
    match = wt.compare(static_cast<size_t>(at), ref.size(), ref) == 0;
    if (!match) std::memcpy(ref_out.data() + at, ref.data(), ref.size());
  } else if (r >= length) {
    const std::string_view middle = std::string_view(ref).substr(static_cast<size_t>(r / 2 - length / 2), L);
    match = middle == wt;
    if (!match) std::memcpy(ref_out.data(), middle.data(), L);
  }

  // ALT window.
  if (a > length) {
    std::memcpy(alt_out.data(), alt.data() + (a - length) / 2, L);
  } else if (a >= r) {
    std::string hap = wt.substr(0, static_cast<size_t>(at)) + alt + wt.substr(static_cast<size_t>(at + r));
    std::memcpy(alt_out.data(), hap.data() + (a - r) / 2, L);
  } else {
    const auto d = deletion_pieces(pos, r, a, length);
    std::string left = padded(contig, d.left_begin, d.left_end, minus),
                right = padded(contig, d.right_begin, d.right_end, minus);
    std::string hap = minus ? right + alt + left : left + alt + right;
    std::memcpy(alt_out.data(), hap.data(), L);
  }
  return match;
}

}  // namespace s2f::genome
