// AVX2+FMA build of the Conv1D kernels (compiled with -mavx2 -mfma).
// Tile 6 rows x 2 vectors: 12 accumulators of the 16 ymm registers.
#define S2F_KERNEL_NS avx2
#define S2F_VEC 8
#define S2F_ROWS 6
#define S2F_NVEC 2
#define S2F_REDUCE 256
#include "conv_kernels.inc"
