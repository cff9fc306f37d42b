#include "s2f/predict/one_hot.hpp"

#include <array>

namespace s2f::predict {

namespace {

// Channel of each byte, or -1 for unknown.
constexpr std::array<int8_t, 256> make_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  t['A'] = t['a'] = 0;
  t['C'] = t['c'] = 1;
  t['G'] = t['g'] = 2;
  t['T'] = t['t'] = 3;
  t['U'] = t['u'] = 3;
  return t;
}
constexpr auto kChannel = make_table();

inline void put(int8_t ch, float n_value, float* row) {
  if (ch < 0) {
    row[0] = row[1] = row[2] = row[3] = n_value;
  } else {
    row[0] = row[1] = row[2] = row[3] = 0.0f;
    row[ch] = 1.0f;
  }
}

}  // namespace

void one_hot(std::span<const uint8_t> bases, float n_value, float* out) {
  for (size_t i = 0; i < bases.size(); ++i) put(kChannel[bases[i]], n_value, out + 4 * i);
}

std::optional<size_t> first_unknown_base(std::span<const uint8_t> bases) {
  for (size_t i = 0; i < bases.size(); ++i)
    if (kChannel[bases[i]] < 0) return i;
  return std::nullopt;
}

void one_hot_reverse_complement(std::span<const uint8_t> bases, float n_value, float* out) {
  size_t n = bases.size();
  for (size_t i = 0; i < n; ++i) {
    int8_t ch = kChannel[bases[n - 1 - i]];
    put(ch < 0 ? ch : static_cast<int8_t>(3 - ch), n_value, out + 4 * i);  // A<->T, C<->G
  }
}

}  // namespace s2f::predict
