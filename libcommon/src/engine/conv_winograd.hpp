// Winograd F(2,3) for Conv1D layers with three taps (private).
//
// Two outputs y(p) and y(p+d) of a 3-tap convolution with dilation d share
// four input rows x0..x3 = x(p - pad), x(p + d - pad), ... . With
//   u0 = x0 - x2,  u1 = x1 + x2,  u2 = x2 - x1,  u3 = x1 - x3
//   G0 = g0,  G1 = (g0 + g1 + g2) / 2,  G2 = (g0 - g1 + g2) / 2,  G3 = g2
// (g_k the Cin x Cout matrix of tap k) and M_i = u_i G_i,
//   y(p) = M0 + M1 + M2,   y(p+d) = M1 - M2 - M3
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016,
// the 1-D case). Four matrix products for two outputs instead of six: the
// wide dilated layers of BPNet/ChromBPNet need two thirds of the
// multiply-adds. Padding rows are zero rows, so every position is computed
// the same way: in the tile of its own position, both outputs of the tile
// computed, whoever asks for it, so results never depend on how positions
// are split between calls or threads.
#pragma once
#include <cstdint>
#include <vector>

#include "conv_kernels.hpp"

namespace s2f::engine {

// The four transformed, packed weight matrices of a (3, Cin, Cout) kernel.
std::vector<float> winograd_pack(kernels::Isa isa, const float* w_kcio, int64_t cin, int64_t cout);
bool winograd_applies(int64_t kernel, int64_t stride, int64_t cin, int64_t cout, kernels::Isa isa);
// False when the environment sets S2F_ENGINE_WINOGRAD=0 (tests and benchmarks compare).
bool winograd_enabled();

// Output positions [a.lo, a.hi) of a 3-tap, stride-1 convolution; a.w holds
// winograd_pack()'s matrices.
void conv_winograd(kernels::Isa isa, const kernels::ConvArgs& a);

}  // namespace s2f::engine
