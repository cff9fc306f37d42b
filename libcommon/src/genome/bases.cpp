#include "s2f/genome/bases.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace s2f::genome {

namespace {

constexpr std::array<uint8_t, 256> make_normal_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 'N';
  t['A'] = t['a'] = 'A';
  t['C'] = t['c'] = 'C';
  t['G'] = t['g'] = 'G';
  t['T'] = t['t'] = 'T';
  return t;
}

constexpr std::array<uint8_t, 256> make_complement_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 'N';
  t['A'] = 'T';
  t['C'] = 'G';
  t['G'] = 'C';
  t['T'] = 'A';
  return t;
}

constexpr auto kNormal = make_normal_table();
constexpr auto kComplement = make_complement_table();

}  // namespace

uint8_t normalize_base(uint8_t b) { return kNormal[b]; }

bool normalize_bases(std::span<uint8_t> bases) {
  uint8_t any_n = 0;
  for (auto& b : bases) {
    b = kNormal[b];
    any_n |= static_cast<uint8_t>(b == 'N');
  }
  return any_n != 0;
}

bool is_acgt(char c) { return c == 'A' || c == 'C' || c == 'G' || c == 'T'; }

bool all_acgt(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_acgt(c); });
}

bool contains_unknown(std::span<const uint8_t> bases) {
  return std::memchr(bases.data(), 'N', bases.size()) != nullptr;
}

void reverse_complement(std::span<uint8_t> bases) {
  std::reverse(bases.begin(), bases.end());
  for (auto& b : bases) b = kComplement[b];
}

std::string reverse_complement(std::string_view bases) {
  std::string out(bases.rbegin(), bases.rend());
  for (auto& c : out) c = static_cast<char>(kComplement[static_cast<uint8_t>(kNormal[static_cast<uint8_t>(c)])]);
  return out;
}

}  // namespace s2f::genome
