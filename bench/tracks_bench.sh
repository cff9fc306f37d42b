#!/bin/sh
# Genome tracks: a whole real chromosome (human chr20, GRCh37, 63 Mb, BGZF
# from the Debian package vt-examples) tiled with a model's output window
# and written as bigWig, stage by stage, to see what the model costs and
# what everything around it costs (tiling, encoding, stitching, bigWig with
# zoom levels). Default model: the real ChromBPNet bias model (Keras .h5,
# 2114 bp in -> 1000-bp profile + log-count) from ../shared/data.
#   bench/tracks_bench.sh BUILD_DIR [THREADS] [MODEL]
set -eu
build=${1:?usage: tracks_bench.sh BUILD_DIR [THREADS] [MODEL]}
threads=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
model=${3:-$here/../../shared/data/models/chrombpnet-bias/GM12878.bias_model_scaled.h5}
src=/usr/share/doc/vt/examples/ref/20.fa.gz
[ -f "$src" ] || { echo "needs $src: apt-get install vt-examples" >&2; exit 77; }
[ -f "$model" ] || { echo "needs $model (../shared/data)" >&2; exit 77; }
bin=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/s2f-tracks-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$src" "$work/20.fa.gz"
samtools faidx "$work/20.fa.gz"
g="$work/20.fa.gz"

# The model's geometry: input length, and the profile head's bins x bin size.
"$bin/s2f-model-info" -q --json -o "$work/model.json" "$model"
set -- $(/usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
p = [o for o in m["outputs"] if o["kind"] == "profile"][0]
print(m["input"]["length"], p["bins"] * p["bin_size"])' "$work/model.json")
L=$1 O=$2
echo "model $(basename "$model"): input $L bp, output $O bp; threads $threads; load $(cut -d' ' -f1-3 /proc/loadavg)"

stage() {  # NAME COMMAND...: runs it, prints wall, cpu, peak RSS; appends "name wall cpu" to $work/times
  name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@"
  read -r wall user sys rss < "$work/t"
  cpu=$(echo "$user + $sys" | bc)
  printf '%-24s wall %7.1f s  cpu %7.1f s  peak RSS %6.0f MB\n' "$name" "$wall" "$cpu" "$(echo "$rss / 1024" | bc)"
  echo "$name $wall $cpu" >> "$work/times"
}
stage tile "$bin/s2f-sample-positions" -q -g "$g" --strategy tile --tile-length "$O" --input-length "$L" \
  --zstd 0 -o "$work/tiles.s2f"
stage encode "$bin/s2f-encode" -q -g "$g" -L "$L" --zstd 0 -o "$work/windows.s2f" "$work/tiles.s2f"
stage predict "$bin/s2f-predict" -q -m "$model" -t "$threads" --zstd 0 -o "$work/preds.s2f" "$work/windows.s2f"
mkdir "$work/bw"
stage view-bigwig-counts "$bin/s2f-view" -q --bigwig "$work/bw/chr20" --transform counts -o "$work/tracks.tsv" \
  "$work/preds.s2f"
awk '{ if ($1 == "predict") { mw = $2; mc = $3 } else { ow += $2; oc += $3 } }
     END { printf "outside the model: wall %.1f s = %.1f %% of predict, cpu %.1f s = %.1f %% of predict\n",
           ow, 100 * ow / mw, oc, 100 * oc / mc }' "$work/times"
n=$("$bin/s2f-view" -q --no-header-line "$work/tiles.s2f" | wc -l)
ls -l "$work"/bw/*.bw | awk '{ printf "  %s %.1f MB\n", $NF, $5 / 1e6 }' | sed "s|$work/||"
echo "tiles: $n"

# What pyBigWig reads back: the chromosome covered but for the edge rule.
/usr/bin/python3 - "$work" "$L" "$O" <<'PY'
import glob, sys
import pyBigWig
work, L, O = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for path in sorted(glob.glob(work + "/bw/*.bw")):
    bw = pyBigWig.open(path)
    h, length = bw.header(), bw.chroms("20")
    edges = (L - O) // 2 + (L - O - (L - O) // 2)
    print(f"  {path.split('/')[-1]}: {h['nBasesCovered']} bases covered of {length} "
          f"(edges {edges}: {'ok' if h['nBasesCovered'] == length - edges else 'MISMATCH'}), {h['nLevels']} zoom levels")
PY
