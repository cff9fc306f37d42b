#include "s2f/marginalize/backgrounds.hpp"

#include "s2f/error.hpp"
#include "s2f/genome/dinucleotide_shuffle.hpp"
#include "s2f/rng.hpp"

namespace s2f::marginalize {

std::vector<std::string> random_backgrounds(int64_t n, int64_t length, double gc, uint64_t seed) {
  if (!(gc >= 0 && gc <= 1)) fail_usage("--gc must be between 0 and 1");
  Rng rng(seed);
  const double a = (1 - gc) / 2, c = a + gc / 2, g = c + gc / 2;
  std::vector<std::string> out(static_cast<size_t>(n), std::string(static_cast<size_t>(length), 'A'));
  for (auto& s : out)
    for (auto& b : s) {
      double u = rng.unit();
      b = u < a ? 'A' : u < c ? 'C' : u < g ? 'G' : 'T';
    }
  return out;
}

std::vector<std::string> shuffled_backgrounds(const std::vector<std::string>& sources, int64_t per_sequence,
                                              uint64_t seed) {
  Rng rng(seed);
  std::vector<std::string> out;
  out.reserve(sources.size() * static_cast<size_t>(per_sequence));
  for (const auto& s : sources)
    for (int64_t k = 0; k < per_sequence; ++k) out.push_back(genome::dinucleotide_shuffle(s, rng));
  return out;
}

}  // namespace s2f::marginalize
