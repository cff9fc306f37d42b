#include "s2f/predict/strand_combine.hpp"

#include <algorithm>

#include "s2f/error.hpp"

namespace s2f::predict {

RcMode parse_rc_mode(const std::string& text) {
  if (text == "none") return RcMode::none;
  if (text == "mean") return RcMode::mean;
  if (text == "max") return RcMode::max;
  fail_usage("--rc '" + text + "' is not one of none, mean, max");
}

void combine_strands(const float* fwd, const float* rc, float* out, const StrandLayout& layout, RcMode mode) {
  const int64_t bins = layout.bins;
  for (int64_t t = 0; t < layout.tracks; ++t) {
    int64_t p = layout.partner.empty() ? t : layout.partner[static_cast<size_t>(t)];
    const float* f = fwd + t * bins;
    const float* r = rc + p * bins;
    float* o = out + t * bins;
    for (int64_t j = 0; j < bins; ++j) {
      float a = f[j];
      float b = layout.profile ? r[bins - 1 - j] : r[j];
      o[j] = mode == RcMode::max ? std::max(a, b) : 0.5f * (a + b);
    }
  }
}

}  // namespace s2f::predict
