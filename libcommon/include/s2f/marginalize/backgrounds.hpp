// Background sequences generated for a marginalization: i.i.d. bases with a
// given GC content, or dinucleotide shuffles of given sequences.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace s2f::marginalize {

// n sequences of `length` i.i.d. bases: P(C) = P(G) = gc/2, P(A) = P(T) = (1-gc)/2.
std::vector<std::string> random_backgrounds(int64_t n, int64_t length, double gc, uint64_t seed);

// `per_sequence` dinucleotide shuffles of each source, source-major.
std::vector<std::string> shuffled_backgrounds(const std::vector<std::string>& sources, int64_t per_sequence,
                                              uint64_t seed);

}  // namespace s2f::marginalize
