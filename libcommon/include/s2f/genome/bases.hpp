// Base codes as they travel in sequence records: upper-case A/C/G/T and N
// for anything else (soft-masked lower case is upper-cased; IUPAC ambiguity
// codes become N because one-hot models have no column for them).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace s2f::genome {

// The one-hot channel order of every model: A, C, G, T.
inline constexpr char kBases[4] = {'A', 'C', 'G', 'T'};

// Maps any byte to one of A, C, G, T, N.
uint8_t normalize_base(uint8_t b);
// Normalises in place; returns true if any N remains.
bool normalize_bases(std::span<uint8_t> bases);
inline bool normalize_bases(std::string& s) {
  return normalize_bases({reinterpret_cast<uint8_t*>(s.data()), s.size()});
}
bool is_acgt(char c);
bool all_acgt(std::string_view s);
bool contains_unknown(std::span<const uint8_t> bases);
// Reverse complement of normalised bases (N stays N), in place.
void reverse_complement(std::span<uint8_t> bases);
std::string reverse_complement(std::string_view bases);

}  // namespace s2f::genome
