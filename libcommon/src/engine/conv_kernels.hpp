// Register-blocked Conv1D and Dense kernels, compiled once per instruction
// set (conv_kernels_{generic,avx2,avx512}.cpp) and chosen at run time, so the
// default portable build still runs AVX-512 code on machines that have it.
// Private to s2f_engine.
#pragma once
#include <cstdint>
#include <vector>

namespace s2f::engine::kernels {

enum class Isa { generic = 0, avx2 = 1, avx512 = 2 };

// One convolution (a Dense layer is a convolution with one tap) over output
// positions [lo, hi). Positions are in each tensor's own coordinates; a
// tensor's buffer starts at its position `pos0`. Input positions outside
// [0, in_length) are zero padding.
struct ConvArgs {
  const float* in = nullptr;
  int64_t in_pos0 = 0, in_stride = 0, in_length = 0;
  const float* w = nullptr;     // packed: see pack_weights(); dot: (Cout, K*Cin)
  const float* bias = nullptr;  // Cout values or null
  int64_t kernel = 1, dilation = 1, stride = 1, pad_left = 0, cin = 0, cout = 0;
  float* out = nullptr;
  int64_t out_pos0 = 0, out_stride = 0;
  int64_t lo = 0, hi = 0;
  int64_t col_lo = 0, col_hi = -1;  // packed kernel: output channels [col_lo, col_hi), -1: cout;
                                    // both panel bounds (panel_columns)
  bool relu = false;
};

// The packed kernel: a GEMM over the reduction index t = k*Cin + ci. Output
// channels are cut into column blocks (panels) of at most panel_width(isa)
// channels, whole vectors each (the last rounded up with zero weights);
// each holds its (K*Cin) x width weights row by row, so the register tile
// streams them from memory in order. Packed once when the model is compiled.
int panel_width(Isa isa);

// Panels share the vectors evenly, so no panel is much narrower than the
// register tile (200 channels: 4 + 3 + 3 + 3 vectors of 16, not 4 + 4 + 4 + 1,
// whose last pass would load inputs for 6 multiply-adds a row).
struct PanelSplit {
  int64_t vectors, panels, base, extra;  // panel p: base + (p < extra) vectors
  PanelSplit(int64_t cout, int64_t vec, int64_t most)
      : vectors((cout + vec - 1) / vec), panels((vectors + most - 1) / most), base(vectors / panels),
        extra(vectors % panels) {}
  int64_t first_vector(int64_t p) const { return p * base + (p < extra ? p : extra); }
};
int64_t panel_count(Isa isa, int64_t cout);
// Output channels [first, second) of panel p, second clipped to cout.
struct ColumnRange {
  int64_t lo, hi;
};
ColumnRange panel_columns(Isa isa, int64_t cout, int64_t p);
std::vector<float> pack_weights(Isa isa, const float* w_kcio, int64_t kernel, int64_t cin, int64_t cout);
// All positions [lo, hi), padding included, with weights from pack_weights().
// Needs cout >= vector_width(isa). Every output's sum runs in one order fixed
// by the model and the output position alone, so results do not depend on
// how positions are split between calls or threads.
void conv_packed(Isa isa, const ConvArgs& a);

// Dot kernel for few output channels and dilation 1: each output is one dot
// product over a contiguous K*Cin window (needs in_stride == cin); positions
// [lo, hi) must not reach into the padding.
void conv_dot(Isa isa, const ConvArgs& a);
int vector_width(Isa isa);

// Winograd tile shapes by outputs a tile (conv_winograd.hpp): the nested
// tiles (12 outputs: three groups of taps; 9: four) read 20 input rows and
// have 30 transformed rows; F(m,3) reads and has m + 2.
constexpr bool winograd_nested(int outputs) { return outputs == 12 || outputs == 9; }
constexpr int winograd_tile_rows(int outputs) { return winograd_nested(outputs) ? 20 : outputs + 2; }
constexpr int winograd_tile_mats(int outputs) { return winograd_nested(outputs) ? 30 : outputs + 2; }

// Winograd F(outputs,3) transforms over n channels (conv_winograd.hpp),
// outputs 2 or 4: outputs + 2 input rows x to as many transformed rows u;
// products m to outputs y_j (+ bias, ReLU'd when asked), a null y_j skipped.
void winograd_in(Isa isa, int outputs, const float* const* x, float* const* u, int64_t n);
void winograd_out(Isa isa, int outputs, const float* const* m, const float* bias, bool relu, float* const* y,
                  int64_t n);

// Best instruction set of this CPU, unless S2F_ENGINE_ISA (generic, avx2,
// avx512) asks for a lower one, which tests use to cover every kernel.
Isa detect_isa();
const char* isa_name(Isa isa);

#define S2F_DECLARE_KERNELS(ns)                                                                   \
  namespace ns {                                                                                  \
  void conv_packed(const ConvArgs& a);                                                            \
  void conv_dot(const ConvArgs& a);                                                               \
  void winograd_in(int outputs, const float* const* x, float* const* u, int64_t n);               \
  void winograd_out(int outputs, const float* const* m, const float* bias, bool relu,            \
                    float* const* y, int64_t n);                                                  \
  }
S2F_DECLARE_KERNELS(generic)
S2F_DECLARE_KERNELS(avx2)
S2F_DECLARE_KERNELS(avx512)
#undef S2F_DECLARE_KERNELS

}  // namespace s2f::engine::kernels
