// One-hot encoding of ASCII base codes in A, C, G, T channel order, the
// layout the engine takes ([length][4], channels last).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace s2f::predict {

// Unknown bases (N and anything not ACGT) get `n_value` in every channel:
// 0.25 spreads the probability mass like an ambiguous base; 0 treats it as
// absent, matching tools that one-hot N as zeros. Which one a model needs
// is decided by predict::NEncoding (n_encoding.hpp).
void one_hot(std::span<const uint8_t> bases, float n_value, float* out);
// The one-hot of the reverse complement, without building the string.
void one_hot_reverse_complement(std::span<const uint8_t> bases, float n_value, float* out);
// Offset of the first base one_hot encodes with `n_value`, if any.
std::optional<size_t> first_unknown_base(std::span<const uint8_t> bases);

}  // namespace s2f::predict
