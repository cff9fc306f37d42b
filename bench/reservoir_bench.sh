#!/bin/sh
# Reservoir ingest, s2f vs Python Algorithm R, same run; then the merge of
# 8 full reservoir shards of 1,000 tracks x 50,000 values into CDFs.
#   bench/reservoir_bench.sh BUILD_DIR [THREADS]
set -eu
build=${1:?usage: reservoir_bench.sh BUILD_DIR [THREADS]}
threads=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3

echo "== ingest (1,000 tracks x 256,000 values, capacity 50,000)"
"$build/bench/reservoir_ingest" --threads 1
"$build/bench/reservoir_ingest" --threads "$threads"
"$py" -B "$here/reservoir_reference.py" --values 2000000

echo "== merge-cdfs (1,000 tracks x 50,000 x 8 shards)"
work=$(mktemp -d "${TMPDIR:-/tmp}/s2f-merge-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$build/bench/reservoir_make_shards" --dir "$work" --shards 8 --tracks 1000 --capacity 50000 --values 120000
ls -l "$work" | awk 'NR>1{s+=$5} END{printf "shard files: %.0f MB\n", s/1e6}'
/usr/bin/time -f "merge-cdfs: wall %e s, peak RSS %M KB" \
  "$build/bin/s2f-merge-cdfs" -q --name bench --out-dir "$work" "$work"/shard*.res.s2f
"$py" -c 'import numpy as np, sys; z = np.load(sys.argv[1]); print("effect_cdfs", z["effect_cdfs"].shape, z["effect_cdfs"].dtype, "counts", z["effect_counts"][:2])' "$work/bench_pertrack.npz"
