// Run-time choice of the Conv1D kernel build.
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

void conv_direct(Isa isa, const ConvArgs& a) {
  switch (isa) {
    case Isa::avx512: return avx512::conv_direct(a);
    case Isa::avx2: return avx2::conv_direct(a);
    default: return generic::conv_direct(a);
  }
}

void conv_dot(Isa isa, const ConvArgs& a) {
  switch (isa) {
    case Isa::avx512: return avx512::conv_dot(a);
    case Isa::avx2: return avx2::conv_dot(a);
    default: return generic::conv_dot(a);
  }
}

}  // namespace s2f::engine::kernels
