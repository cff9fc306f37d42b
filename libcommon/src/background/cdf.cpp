#include "s2f/background/cdf.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace s2f::background {

void compact_cdf(std::span<const float> sorted, std::span<float> out) {
  const size_t m = sorted.size(), points = out.size();
  if (m == 0) {
    for (auto& x : out) x = std::numeric_limits<float>::quiet_NaN();
    return;
  }
  for (size_t j = 0; j < points; ++j) {
    // x = j * (m - 1) / (P - 1), split exactly into integer and fraction
    // so that the endpoints and exact order statistics are hit exactly.
    if (points == 1 || m == 1) {
      out[j] = sorted[0];
      continue;
    }
    const uint64_t num = static_cast<uint64_t>(j) * (m - 1), den = points - 1;
    const size_t lo = static_cast<size_t>(num / den);
    const double frac = static_cast<double>(num % den) / static_cast<double>(den);
    const size_t hi = std::min(lo + 1, m - 1);
    const double a = sorted[lo], b = sorted[hi];
    if (frac == 0.0 || a == b) out[j] = sorted[lo];
    else if (!std::isfinite(a) || !std::isfinite(b)) out[j] = frac < 0.5 ? sorted[lo] : sorted[hi];
    else out[j] = static_cast<float>(a + frac * (b - a));
  }
}

std::vector<float> compact_cdf(std::span<const float> sorted, size_t points) {
  std::vector<float> out(points);
  compact_cdf(sorted, out);
  return out;
}

}  // namespace s2f::background
