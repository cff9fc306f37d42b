// AVX2+FMA build of the Conv1D kernels (compiled with -mavx2 -mfma).
#define S2F_KERNEL_NS avx2
#define S2F_VEC 8
#define S2F_ROWS 6
#define S2F_NVEC 2
#include "conv_kernels.inc"
