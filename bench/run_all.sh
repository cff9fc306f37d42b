#!/bin/sh
# Every benchmark, each side by side with its reference in one run. Numbers
# and the commands that produced them go into bench/RESULTS.md by hand: run
# on a quiet machine (the ratios hold up under load; absolute rates do not).
#   bench/run_all.sh BUILD_DIR
set -u
build=${1:?usage: run_all.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
run() { echo; echo "### $*"; "$@" || echo "(exit $?)"; }
run sh bench/stream_bench.sh "$build"
run sh bench/encode_bench.sh "$build" 100000 3000
run sh bench/engine_bpnet.sh "$build" 2 10
run /usr/bin/python3 bench/zoo/run.py --build "$build" --seconds 5
run sh bench/predict_bench.sh "$build" 2 1024
run sh bench/reservoir_bench.sh "$build" 2
run /usr/bin/python3 bench/score_bench.py "$build/bin" 100000 1000
run /usr/bin/python3 bench/call_hits_bench.py --bin "$build/bin"
run sh bench/ism_bench.sh "$build" 2
run sh bench/attribute_bench.sh "$build" 2
run sh bench/marginalize_bench.sh "$build" 2 1024 128
run bash bench/pipeline_scaling.sh "$build" 20000 10000
run sh bench/tracks_bench.sh "$build" 2
