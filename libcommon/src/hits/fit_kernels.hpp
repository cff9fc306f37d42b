// Inner loops of the region fit, built for several instruction sets and
// picked at load time (GCC function multi-versioning), so the portable
// build still runs AVX-512 or AVX2 code where the CPU has it.
#pragma once
#include <cstdint>

namespace s2f::hits::kernels {

// out[p][m] += v * cwm[base][w][m] for every w in [lo, hi) with p = l - w
// inside [0, positions): one contribution value correlated with every motif.
void correlate_add(const float* cwm_by_base, int width, int lanes, int lo, int hi, int positions, int l, int base,
                   float v, float* out);

// Importance scale and fixed gradient part of one position, for `count`
// motifs: imp = min((local_sq + eps)^-1/2, 10), base_grad = xcov * imp,
// ratio = base_grad / lambda (what an untouched position adds to the dual
// norm).
void importance_row(int count, const float* local_sq, const float* xcov, const float* lambda, float eps, float* imp,
                    float* base_grad, float* ratio);

struct StepTotals {
  float dual_max;  // max over (p, m) of ngrad / lambda
  float l1;        // sum over (p, m) of |coef_inter| * lambda
};

// One proximal-gradient step with momentum over every motif of the listed
// positions (rows):
//   ngrad = base_grad - imp * corr           (corr is zeroed on the way)
//   next  = relu(inter + step * (ngrad - lambda))
//   inter = (1 + mom) * next - mom * coef;   coef = next
// row_state[p] gets bit 0 when the new `inter` row has a nonzero and bit 1
// when the new `coef` row has one.
StepTotals prox_step(const int* rows, int row_count, int lanes, const float* base_grad, const float* imp,
                     float* corr, float* inter, float* coef, const float* lambda, float step, float mom,
                     uint8_t* row_state, float* lane_scratch /* 2 * lanes */);

}  // namespace s2f::hits::kernels
