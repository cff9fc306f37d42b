// Winograd convolutions for Conv1D layers of three taps or more (private):
// F(m,3), m = 2 or 4, and, for 7 to 9 taps, the nested F(4x3, 3x3).
//
// m outputs y(p), y(p+d), ..., y(p+(m-1)d) of a 3-tap convolution with
// dilation d share m + 2 input rows x_r = x(p - pad + r d). Each is a
// transformed input row u_i = (B^T x)_i times a transformed weight matrix
// G_i (Cin x Cout, from the taps g0, g1, g2), then the products M_i = u_i G_i
// are combined, y = A^T M (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016, the 1-D case, interpolation points 0, ±1, (±2), ∞):
//
// F(2,3): u = (x0 - x2, x1 + x2, x2 - x1, x1 - x3)
//         G = (g0, (g0 + g1 + g2)/2, (g0 - g1 + g2)/2, g2)
//         y0 = M0 + M1 + M2,  y1 = M1 - M2 - M3
// F(4,3): u0 = 4x0 - 5x2 + x4            u5 = 4x1 - 5x3 + x5
//         u1,2 = (x4 - 4x2) ± (x3 - 4x1)  u3,4 = (x4 - x2) ± 2(x3 - x1)
//         G = (g0/4, -(g0+g1+g2)/6, -(g0-g1+g2)/6,
//              g0/24 + g1/12 + g2/6, g0/24 - g1/12 + g2/6, g2)
//         y0 = M0 + M1 + M2 + M3 + M4     y1 = M1 - M2 + 2(M3 - M4)
//         y2 = M1 + M2 + 4(M3 + M4)       y3 = M1 - M2 + 8(M3 - M4) + M5
//
// Matrix products per output: 3 direct, 2 with F(2,3), 1.5 with F(4,3): the
// wide dilated layers of BPNet/ChromBPNet need two thirds or one half of the
// multiply-adds.
//
// A K-tap convolution is the sum of ceil(K/3) 3-tap ones (taps 3j .. 3j+2,
// zero weights past K) whose rows start 3j d further: their transformed
// rows sit side by side in one longer reduction, so each of the m + 2
// products covers every group (DeepSEA's 8 taps: 4.5 products an output
// instead of 8 with F(4,3)). Such a layer reads the rows of 3 ceil(K/3) taps
// (winograd_taps), and the rows past its last real tap still enter its
// outputs' rounding.
//
// Nested F(4x3, 3x3), for 7 to 9 taps (three groups): the taps form a 3 x 3
// array G[a][b] = g_{3a+b}, and 12 outputs y_{3s+t} (s < 4, t < 3, positions
// p + (3s+t) d) read 20 rows x_0 .. x_19 laid out as X[r][c] = x_{3r+c}
// (r < 6, c < 5; a row sits in two places). Then y_{3s+t} = sum over a, b of
// G[a][b] X[s+a][t+b], a 2-D correlation: F(3,3) along c (points 0, 1, -1,
// 2, infinity) nested in F(4,3) along r gives 30 transformed rows
// U = B4^T X B3 and 30 products (Lavin & Gray's 2-D construction), 2.5 an
// output instead of 4.5 stacked. F(3,3):
//         u0 = 2(x0 - x2) - x1 + x3     u1 = 2x1 + x2 - x3
//         u2 = 3x2 - 2x1 - x3           u3 = x3 - x1
//         u4 = 2(x1 - x3) - x2 + x4
//         G = (g0/2, (g0+g1+g2)/2, (g0-g1+g2)/6, (g0+2g1+4g2)/6, g2)
//         y0 = M0 + M1 + M2 + M3  y1 = M1 - M2 + 2M3  y2 = M1 + M2 + 4M3 + M4
// x_0 enters only U[0][0] and y_0, x_19 only U[5][4] and y_11, as in F(m,3).
//
// Ten to twelve taps (four groups, Basset's 11) nest F(3,3) in F(3,4) the
// same way: 9 outputs y_{3s+t} (s < 3) from the same 20 rows and 30
// products, 3.3 an output instead of 6 stacked. F(3,4) uses F(4,3)'s six
// points and so its input transform; its weights and outputs are
//         G = (g0/4, -(g0+g1+g2+g3)/6, -(g0-g1+g2-g3)/6,
//              g0/24 + g1/12 + g2/6 + g3/3, g0/24 - g1/12 + g2/6 - g3/3, g3)
//         y0, y1 as F(4,3)'s, y2 = M1 + M2 + 4(M3 + M4) + M5.
//
// Tiles are fixed by absolute position (the m positions p, p+d, ... of one
// residue class mod d, inside the block of m*d positions holding p), and a
// tile's outputs are always computed from the same rows, whoever asks for
// them: results never depend on how positions are split between calls or
// threads. x0 enters only y0 and x_{m+1} only y_{m-1}, so those two rows are
// read only when their output is asked for. In F(4,3) the inner rows enter
// every output through terms that cancel only up to rounding (in the nested
// tile too): an output's bits depend on all inner rows of its tile, so a caller computing a range
// of outputs must supply the input rows of whole tiles
// (winograd_input_rows), and a change to a row changes the bits of whole
// tiles (winograd_changed_outputs).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "conv_kernels.hpp"

namespace s2f::engine {

// Outputs per tile for a layer of 3 or more taps: 12 or 9 (nested) for wide layers of 7 to
// 9 or 10 to 12 taps, 4 for other wide layers (and when `at_most` is 4), 2 for narrower
// ones (and when `at_most` is 2), 0 when Winograd does not apply.
int winograd_outputs(int64_t kernel, int64_t stride, int64_t cin, int64_t cout, kernels::Isa isa, int at_most = 4);
// The taps a K-tap layer reads as Winograd tiles: K rounded up to a multiple of 3.
int64_t winograd_taps(int64_t kernel);
// The transformed, packed weight matrices of a (K, Cin, Cout) kernel: m + 2,
// each (ceil(K/3) Cin) x Cout, or for the nested tile 30, each Cin x Cout.
std::vector<float> winograd_pack(kernels::Isa isa, int outputs, const float* w_kcio, int64_t kernel, int64_t cin,
                                 int64_t cout);
// False when the environment sets S2F_ENGINE_WINOGRAD=0 (tests and
// benchmarks compare); S2F_ENGINE_WINOGRAD=2 keeps every layer at F(2,3),
// S2F_ENGINE_WINOGRAD=4 at F(4,3) or less (no nesting).
bool winograd_enabled();
int winograd_max_outputs();

// Output positions [lo, hi) of a K-tap, stride-1 convolution for one
// sequence or several (each ConvArgs its own input and output, the same
// layer and range); w holds winograd_pack()'s matrices for the same
// `outputs`. Several sequences share each block of tiles, so a layer with
// few positions (DeepSEA's last convolution: 14 tiles) still streams its
// weights once for a full block; each output's bits are the same either way.
void conv_winograd(kernels::Isa isa, int outputs, std::span<const kernels::ConvArgs> seqs);
// Tiles a block holds at most: layers with fewer run several sequences at once.
int64_t winograd_block_tiles(int outputs);

// The output positions whose tiles meet [lo, hi): whole blocks of m d
// positions (F(4,3): 4d, nested: 12d or 9d), clipped to [0, length). F(2,3) needs
// no widening.
void winograd_whole_tiles(int outputs, int64_t dilation, int64_t length, int64_t& lo, int64_t& hi);

}  // namespace s2f::engine
