// Portable build of the Conv1D kernels (SSE-width vectors).
#define S2F_KERNEL_NS generic
#define S2F_VEC 4
#define S2F_ROWS 6
#define S2F_NVEC 2
#define S2F_REDUCE 256
#include "conv_kernels.inc"
