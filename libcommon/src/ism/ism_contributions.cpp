#include "s2f/ism/ism_contributions.hpp"

#include <algorithm>
#include <limits>

namespace s2f::ism {

double target_value(const engine::HeadOutput& h, const std::vector<int64_t>& channels, size_t index) {
  const float* v = h.values.data() + index * static_cast<size_t>(h.tracks * h.bins);
  double sum = 0;
  for (int64_t c : channels)
    for (int64_t bin = 0; bin < h.bins; ++bin) sum += v[c * h.bins + bin];
  return sum;
}

void IsmContributions::begin(std::span<const uint8_t> sequence, double reference_value) {
  sequence_.assign(sequence.begin(), sequence.end());
  values_.assign(sequence.size() * 4, std::numeric_limits<double>::quiet_NaN());
  for (size_t p = 0; p < sequence.size(); ++p) {
    const int b = base_index(sequence[p]);
    if (b >= 0) values_[p * 4 + static_cast<size_t>(b)] = reference_value;
  }
}

void IsmContributions::add(const Mutation& m, double value) {
  const auto& e = m[0];
  values_[static_cast<size_t>(e.pos) * 4 + static_cast<size_t>(e.base)] = value;
}

void IsmContributions::finish(int64_t start, int64_t end, bool project, std::span<float> out) const {
  const int64_t L = static_cast<int64_t>(sequence_.size());
  if (end < 0) end = L;
  std::fill(out.begin(), out.end(), 0.0f);
  for (int64_t p = start; p < end; ++p) {
    const double* y = values_.data() + p * 4;
    const double mean = (y[0] + y[1] + y[2] + y[3]) / 4.0;
    const int own = base_index(sequence_[static_cast<size_t>(p)]);
    for (int b4 = 0; b4 < 4; ++b4) {
      const double h = y[b4] - mean;
      out[static_cast<size_t>(p * 4 + b4)] = static_cast<float>(project ? (b4 == own ? h : 0.0) : h);
    }
  }
}

}  // namespace s2f::ism
