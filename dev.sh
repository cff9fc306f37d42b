#!/usr/bin/env bash
# s2f developer entry point. The README's quick start is:
#   ./dev.sh demo   install what is missing, build, run the demo pipeline
#   ./dev.sh test   install what is missing, build, run every test
# Other verbs: deps, build, asan, fuzz, bench.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}

# Debian 12 packages: building, testing (reference implementations in Python
# use Debian's numpy/h5py/torch), fuzzing (clang's libFuzzer).
BUILD_PKGS="g++ cmake make pkg-config zlib1g-dev libdeflate-dev libhts-dev libzstd-dev libhdf5-dev
  libeigen3-dev libcli11-dev libtbb-dev nlohmann-json3-dev libbigwig-dev"
DEMO_PKGS="python3 python3-numpy"
TEST_PKGS="libgtest-dev libbenchmark-dev python3-numpy python3-h5py python3-torch python3-zstandard
  libopenblas0-pthread samtools tabix bcftools zstd clang libclang-rt-14-dev vt-examples snakemake python3-pybigwig"
# bcftools reads back the annotated VCFs of s2f-view --annotate-vcf (tests/score/);
# vt-examples (above) is a real chromosome, human chr20, for parity tests and benchmarks;
# snakemake runs the workflows in pipelines/ (tests/pipelines/); python3-pybigwig reads the
# bigWig files s2f writes, as the independent reference of the track tests;
# benchmarks add the Python references' FASTA reader, and tcmalloc, the allocator the
# PyTorch references run with (bench/zoo/run.py explains why).
BENCH_PKGS="python3-pyfaidx python3-packaging libtcmalloc-minimal4"

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_build() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

cmd_deps() { install_missing $BUILD_PKGS $DEMO_PKGS $TEST_PKGS $BENCH_PKGS; }

cmd_build() {
  install_missing $BUILD_PKGS
  configure_build "$ROOT/build" -DCMAKE_BUILD_TYPE=Release -DS2F_BUILD_TESTS=OFF -DS2F_BUILD_BENCH=OFF
}

cmd_demo() {
  install_missing $BUILD_PKGS $DEMO_PKGS
  configure_build "$ROOT/build-demo" -DCMAKE_BUILD_TYPE=Release -DS2F_BUILD_TESTS=OFF -DS2F_BUILD_BENCH=OFF
  PATH="$ROOT/build-demo/bin:$PATH" bash "$ROOT/pipelines/demo.sh" "${1:-$ROOT/demo-out}"
}

cmd_test() {
  install_missing $BUILD_PKGS $DEMO_PKGS $TEST_PKGS
  local t0=$SECONDS
  log "Release build + all tests"
  configure_build "$ROOT/build-test" -DCMAKE_BUILD_TYPE=Release -DS2F_BUILD_BENCH=OFF
  (cd "$ROOT/build-test" && ctest --output-on-failure -j "$JOBS")
  log "ASan+UBSan build + tests (tests labelled 'slow' run only in Release)"
  configure_build "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=Sanitize -DS2F_SANITIZE=ON -DS2F_BUILD_BENCH=OFF
  # libhdf5 keeps some allocations to the end when its exit-time cleanup is
  # off (s2f turns it off: it crashed on a file whose close failed).
  (cd "$ROOT/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     LSAN_OPTIONS=suppressions="$ROOT/tests/fuzz/lsan.supp" \
     ctest --output-on-failure -j "$JOBS" -LE slow)
  log "fuzzing the stream reader and each file reader briefly (libFuzzer; only the fuzz targets are built)"
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$ROOT/build-fuzz" -DCMAKE_BUILD_TYPE=Release -DS2F_FUZZ=ON \
    -DS2F_BUILD_BENCH=OFF >/dev/null
  cmake --build "$ROOT/build-fuzz" -j "$JOBS" --target fuzz_all
  (cd "$ROOT/build-fuzz" && ctest --output-on-failure -L fuzz)
  log "all tests passed in $((SECONDS - t0)) s"
}

cmd_bench() {
  install_missing $BUILD_PKGS $TEST_PKGS $BENCH_PKGS
  configure_build "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DS2F_BUILD_TESTS=OFF
  bash "$ROOT/bench/run_all.sh" "$ROOT/build-bench"
}

case "${1:-}" in
  deps) cmd_deps ;;
  build) cmd_build ;;
  demo) shift; cmd_demo "$@" ;;
  test) cmd_test ;;
  bench) cmd_bench ;;
  *) echo "usage: ./dev.sh deps|build|demo [OUTDIR]|test|bench" >&2; exit 2 ;;
esac
