# Sourced by the benchmarks that time a PyTorch reference.
#   torch_python THREADS SCRIPT ARGS...
# runs Debian's python3 with THREADS OpenMP threads and, when Debian's
# libtcmalloc-minimal4 is installed, tcmalloc as its malloc: PyTorch
# allocates each activation anew, and glibc's malloc hands tensors over
# 32 MB back to the kernel, so every call pays their page faults (up to
# 2.5x PyTorch's time on this project's VMs). The PyTorch CPU tuning guides
# preload tcmalloc or jemalloc; the ratios are then against PyTorch at its
# best. bench/zoo/run.py does the same (--torch-allocator).
S2F_TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
torch_python() {
  local threads=$1
  shift
  if [ -e "$S2F_TCMALLOC" ]; then
    OMP_NUM_THREADS=$threads LD_PRELOAD=$S2F_TCMALLOC /usr/bin/python3 -B "$@"
  else
    echo "bench: $S2F_TCMALLOC is missing, PyTorch runs with glibc's malloc (apt-get install libtcmalloc-minimal4)" >&2
    OMP_NUM_THREADS=$threads /usr/bin/python3 -B "$@"
  fi
}
