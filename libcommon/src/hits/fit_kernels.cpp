#include "fit_kernels.hpp"

#include <cmath>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(S2F_NO_MULTIVERSION)
#define S2F_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define S2F_MULTIVERSION
#endif

namespace s2f::hits::kernels {

S2F_MULTIVERSION
void correlate_add(const float* __restrict cwm_by_base, int width, int lanes, int lo, int hi, int positions, int l,
                   int base, float v, float* __restrict out) {
  int w_begin = lo > l - positions + 1 ? lo : l - positions + 1;
  int w_end = hi < l + 1 ? hi : l + 1;
  for (int w = w_begin; w < w_end; ++w) {
    const float* c = cwm_by_base + (static_cast<long>(base) * width + w) * lanes;
    float* o = out + static_cast<long>(l - w) * lanes;
    for (int m = 0; m < lanes; ++m) o[m] += v * c[m];
  }
}

S2F_MULTIVERSION
void importance_row(int count, const float* __restrict local_sq, const float* __restrict xcov,
                    const float* __restrict lambda, float eps, float* __restrict imp, float* __restrict base_grad,
                    float* __restrict ratio) {
  for (int m = 0; m < count; ++m) {
    float v = 1.0f / std::sqrt(local_sq[m] + eps);
    v = v < 10.0f ? v : 10.0f;
    imp[m] = v;
    const float g = xcov[m] * v;
    base_grad[m] = g;
    ratio[m] = (g - v * 0.0f) / lambda[m];  // the step's own arithmetic for an untouched position
  }
}

S2F_MULTIVERSION
StepTotals prox_step(const int* __restrict rows, int row_count, int lanes, const float* __restrict base_grad,
                     const float* __restrict imp, float* __restrict corr, float* __restrict inter,
                     float* __restrict coef, const float* __restrict lambda, float step, float mom,
                     uint8_t* __restrict row_state, float* __restrict lane_scratch) {
  // Per-lane running max and sum keep the loop free of cross-lane
  // reductions, which the compiler would not vectorise without fast-math.
  float* lane_max = lane_scratch;
  float* lane_l1 = lane_scratch + lanes;
  for (int m = 0; m < lanes; ++m) {
    lane_max[m] = -INFINITY;
    lane_l1[m] = 0.0f;
  }
  const float grow = 1.0f + mom;
  for (int k = 0; k < row_count; ++k) {
    const int p = rows[k];
    const long at = static_cast<long>(p) * lanes;
    int inter_nonzero = 0, coef_nonzero = 0;
    for (int m = 0; m < lanes; ++m) {
      const float ngrad = base_grad[at + m] - imp[at + m] * corr[at + m];
      corr[at + m] = 0.0f;
      const float ratio = ngrad / lambda[m];
      lane_max[m] = ratio > lane_max[m] ? ratio : lane_max[m];
      const float ci = inter[at + m];
      lane_l1[m] += std::fabs(ci) * lambda[m];
      float next = ci + step * (ngrad - lambda[m]);
      next = next > 0.0f ? next : 0.0f;
      const float moved = grow * next - mom * coef[at + m];
      inter[at + m] = moved;
      coef[at + m] = next;
      inter_nonzero |= moved != 0.0f;
      coef_nonzero |= next != 0.0f;
    }
    row_state[p] = static_cast<uint8_t>(inter_nonzero | coef_nonzero << 1);
  }
  StepTotals t{-INFINITY, 0.0f};
  for (int m = 0; m < lanes; ++m) {
    t.dual_max = lane_max[m] > t.dual_max ? lane_max[m] : t.dual_max;
    t.l1 += lane_l1[m];
  }
  return t;
}

}  // namespace s2f::hits::kernels
