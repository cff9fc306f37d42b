// Run-time choice of the Conv1D kernel build.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "conv_kernels.hpp"

namespace s2f::engine::kernels {

int vector_width(Isa isa) {
  switch (isa) {
    case Isa::avx512: return 16;
    case Isa::avx2: return 8;
    default: return 4;
  }
}

int panel_width(Isa isa) {
  switch (isa) {
    case Isa::avx512: return 64;
    case Isa::avx2: return 16;
    default: return 8;
  }
}

int64_t panel_count(Isa isa, int64_t cout) {
  const int64_t vec = vector_width(isa);
  return PanelSplit(cout, vec, panel_width(isa) / vec).panels;
}

ColumnRange panel_columns(Isa isa, int64_t cout, int64_t p) {
  const int64_t vec = vector_width(isa);
  const PanelSplit s(cout, vec, panel_width(isa) / vec);
  return {s.first_vector(p) * vec, std::min(cout, s.first_vector(p + 1) * vec)};
}

std::vector<float> pack_weights(Isa isa, const float* w, int64_t kernel, int64_t cin, int64_t cout) {
  const int64_t vec = vector_width(isa), taps = kernel * cin;
  std::vector<float> packed;
  packed.reserve(static_cast<size_t>(taps * ((cout + vec - 1) / vec * vec)));
  for (int64_t p = 0; p < panel_count(isa, cout); ++p) {
    const auto [j0, end] = panel_columns(isa, cout, p);
    const int64_t width = (end - j0 + vec - 1) / vec * vec;
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t l = 0; l < width; ++l) packed.push_back(j0 + l < cout ? w[t * cout + j0 + l] : 0.0f);
  }
  return packed;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    default: return "generic";
  }
}

Isa detect_isa() {
  __builtin_cpu_init();
  Isa best = Isa::generic;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::avx2;
  if (best == Isa::avx2 && __builtin_cpu_supports("avx512f")) best = Isa::avx512;
  if (const char* want = std::getenv("S2F_ENGINE_ISA")) {
    std::string w = want;
    Isa asked = w == "avx512" ? Isa::avx512 : w == "avx2" ? Isa::avx2 : Isa::generic;
    if (static_cast<int>(asked) < static_cast<int>(best)) best = asked;
  }
  return best;
}

void conv_packed(Isa isa, const ConvArgs& a) {
  switch (isa) {
    case Isa::avx512: return avx512::conv_packed(a);
    case Isa::avx2: return avx2::conv_packed(a);
    default: return generic::conv_packed(a);
  }
}

void conv_dot(Isa isa, const ConvArgs& a) {
  switch (isa) {
    case Isa::avx512: return avx512::conv_dot(a);
    case Isa::avx2: return avx2::conv_dot(a);
    default: return generic::conv_dot(a);
  }
}

void winograd_in(Isa isa, int outputs, const float* const* x, float* const* u, int64_t n) {
  switch (isa) {
    case Isa::avx512: return avx512::winograd_in(outputs, x, u, n);
    case Isa::avx2: return avx2::winograd_in(outputs, x, u, n);
    default: return generic::winograd_in(outputs, x, u, n);
  }
}

void winograd_out(Isa isa, int outputs, const float* const* m, const float* bias, bool relu, float* const* y,
                  int64_t n) {
  switch (isa) {
    case Isa::avx512: return avx512::winograd_out(outputs, m, bias, relu, y, n);
    case Isa::avx2: return avx2::winograd_out(outputs, m, bias, relu, y, n);
    default: return generic::winograd_out(outputs, m, bias, relu, y, n);
  }
}

}  // namespace s2f::engine::kernels
