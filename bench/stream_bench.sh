#!/bin/sh
# Stream format throughput on one core: the C++ reader/writer against a
# copy+CRC-32 baseline and the checksum and zstd candidates, then the Python
# module against numpy tofile/fromfile. Results: bench/RESULTS.md.
#   bench/stream_bench.sh BUILD_DIR [CPU]
set -eu
build=${1:?usage: stream_bench.sh BUILD_DIR [CPU]}
cpu=${2:-0}
here=$(cd "$(dirname "$0")" && pwd)

echo "== C++ (CPU $cpu)"
taskset -c "$cpu" "$build/bench/stream_throughput" --benchmark_min_time=1
echo "== Python (CPU $cpu)"
PYTHONPATH="$here/../formats/python" taskset -c "$cpu" /usr/bin/python3 -B "$here/stream_throughput.py"
