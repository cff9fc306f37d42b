// Register-blocked Conv1D kernels, compiled once per instruction set
// (conv_kernels_{generic,avx2,avx512}.cpp) and chosen at run time, so the
// default portable build still runs AVX-512 code on machines that have it.
// Private to s2f_engine.
#pragma once
#include <cstdint>

namespace s2f::engine::kernels {

// One convolution over output positions [lo, hi) whose taps all read real
// (non-padding) input rows. Positions are in each tensor's own coordinates;
// a tensor's buffer starts at its position `pos0`.
struct ConvArgs {
  const float* in = nullptr;
  int64_t in_pos0 = 0, in_stride = 0;
  const float* w = nullptr;     // direct: (K, Cin, Cout); dot: (Cout, K*Cin)
  const float* bias = nullptr;  // Cout values or null
  int64_t kernel = 1, dilation = 1, stride = 1, pad_left = 0, cin = 0, cout = 0;
  float* out = nullptr;
  int64_t out_pos0 = 0, out_stride = 0;
  int64_t lo = 0, hi = 0;
  bool relu = false;
};

enum class Isa { generic = 0, avx2 = 1, avx512 = 2 };

// Direct kernel: vectorized over output channels. Computes channels
// [0, cout - cout % vector_width(isa)); the caller finishes the rest.
void conv_direct(Isa isa, const ConvArgs& a);
// Dot kernel for few output channels and dilation 1: each output is one dot
// product over a contiguous K*Cin window (needs in_stride == cin).
void conv_dot(Isa isa, const ConvArgs& a);
int vector_width(Isa isa);

// Best instruction set of this CPU, unless S2F_ENGINE_ISA (generic, avx2,
// avx512) asks for a lower one, which tests use to cover every kernel.
Isa detect_isa();
const char* isa_name(Isa isa);

#define S2F_DECLARE_KERNELS(ns)        \
  namespace ns {                       \
  void conv_direct(const ConvArgs& a); \
  void conv_dot(const ConvArgs& a);    \
  }
S2F_DECLARE_KERNELS(generic)
S2F_DECLARE_KERNELS(avx2)
S2F_DECLARE_KERNELS(avx512)
#undef S2F_DECLARE_KERNELS

}  // namespace s2f::engine::kernels
