// AVX-512 build of the Conv1D kernels (compiled with -mavx512f -mfma).
// Tile 6 rows x 4 vectors: 24 accumulators of the 32 zmm registers; a
// 128 x 64 weight panel is 32 KB, inside a 48 KB L1.
#define S2F_KERNEL_NS avx512
#define S2F_VEC 16
#define S2F_ROWS 6
#define S2F_NVEC 4
#define S2F_REDUCE 128
#include "conv_kernels.inc"
