#include "s2f/predict/strand_combine.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "s2f/error.hpp"

namespace s2f::predict {

RcMode parse_rc_mode(const std::string& text) {
  if (text == "none") return RcMode::none;
  if (text == "mean") return RcMode::mean;
  if (text == "max") return RcMode::max;
  if (text == "mean-prob") return RcMode::mean_prob;
  fail_usage("--rc '" + text + "' is not one of none, mean, max, mean-prob");
}

namespace {

// log(0.5 * (softmax(f) + softmax(r reversed))) per bin, in double precision.
void mean_probabilities(const float* f, const float* r, float* o, int64_t bins, bool flip) {
  std::vector<double> pf(static_cast<size_t>(bins)), pr(static_cast<size_t>(bins));
  double mf = f[0], mr = r[0];
  for (int64_t j = 0; j < bins; ++j) mf = std::max(mf, double{f[j]}), mr = std::max(mr, double{r[j]});
  double zf = 0, zr = 0;
  for (int64_t j = 0; j < bins; ++j) {
    auto k = static_cast<size_t>(j);
    zf += (pf[k] = std::exp(f[j] - mf));
    zr += (pr[k] = std::exp(r[flip ? bins - 1 - j : j] - mr));
  }
  for (int64_t j = 0; j < bins; ++j) {
    auto k = static_cast<size_t>(j);
    o[j] = static_cast<float>(std::log(0.5 * (pf[k] / zf + pr[k] / zr)));
  }
}

}  // namespace

void combine_strands(const float* fwd, const float* rc, float* out, const StrandLayout& layout, RcMode mode) {
  const int64_t bins = layout.bins;
  for (int64_t t = 0; t < layout.tracks; ++t) {
    int64_t p = layout.partner.empty() ? t : layout.partner[static_cast<size_t>(t)];
    const float* f = fwd + t * bins;
    const float* r = rc + p * bins;
    float* o = out + t * bins;
    if (mode == RcMode::mean_prob) {
      if (layout.profile && bins > 1) {
        mean_probabilities(f, r, o, bins, true);
      } else {
        for (int64_t j = 0; j < bins; ++j) {  // log(mean(exp a, exp b)), overflow-safe
          double a = f[j], b = r[j], m = std::max(a, b);
          o[j] = static_cast<float>(m + std::log(0.5 * (std::exp(a - m) + std::exp(b - m))));
        }
      }
      continue;
    }
    for (int64_t j = 0; j < bins; ++j) {
      float a = f[j];
      float b = layout.profile ? r[bins - 1 - j] : r[j];
      o[j] = mode == RcMode::max ? std::max(a, b) : 0.5f * (a + b);
    }
  }
}

}  // namespace s2f::predict
