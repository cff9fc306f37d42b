#!/usr/bin/env bash
# Throughput of the background build (pipelines/lib/stages.sh, the steps the
# Snakemake, SLURM and make workflows run) on the demo model and the
# synthetic genome:
#   A. per stage, one process each on files (positions/s, windows/s, ...);
#   B. the whole build (both halves + merge): 1 shard with -t 1, 1 shard
#      with -t 2, and 2 shards run in parallel with -t 1 each.
#
#   bench/pipeline_scaling.sh BUILD_DIR [BASELINES] [SNPS]     (default 4000 3000)
#
# Prints a Markdown table; wall seconds from `date`, CPU seconds and peak RSS
# from GNU time's -f when /usr/bin/time exists (else from bash's `times`).
set -euo pipefail
BUILD=$(cd "${1:?usage: pipeline_scaling.sh BUILD_DIR [BASELINES] [SNPS]}" && pwd)
NB=${2:-4000}
NS=${3:-3000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$BUILD/bin:$PATH"
PY=${S2F_PYTHON:-/usr/bin/python3}
W=$(mktemp -d /tmp/s2f-pipeline-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
"$PY" "$ROOT/tests/genome/make_synthetic_genome.py" genome >/dev/null
G=$W/genome/genome.fa

now() { date +%s.%N; }
# run LABEL UNITS COUNT -- command...: one table row
row() {
  local label=$1 units=$2 count=$3; shift 4
  local t0 t1 wall stats cpu rss
  t0=$(now)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S %M' -o "$W/time.txt" bash -c "$*"
    t1=$(now)
    read -r u s rss < "$W/time.txt"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    rss=$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')
  else
    bash -c "$*"
    t1=$(now)
    cpu="–" rss="–"
  fi
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$count" "$wall" "$cpu" \
    "$(awk -v c="$count" -v w="$wall" 'BEGIN { printf "%.0f", c / w }') $units/s" "$rss MB"
}

cat > bg.yaml <<EOF
name: bench
outdir: out
genome: $G
model: demo
catalog: ""
length: 500
rc: mean
stat: log2fc
window: 101
shards: 1
threads: 1
baselines_strategy: random
baselines_count: $NB
baselines_seed: 789
baselines_margin: 500
annotation: ""
ccres: ""
perbin_k: 32
perbin_seed: 999
snps_count: $NS
snps_seed: 42
snps_margin: 500
snps_chromosomes: chr1,chr2,chr3
reservoir_capacity: 50000
reservoir_seed: 12345
merge_seed: 12345
EOF
STAGES="$ROOT/pipelines/lib/stages.sh"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $NB positions + $NS SNPs; demo model (500 bp)"
echo
echo "A. per stage (one process, files in and out)"
echo
echo "| stage | records | wall s | CPU s | rate | peak RSS |"
echo "|---|---|---|---|---|---|"
row "sample-positions random" positions $NB -- s2f-sample-positions -q -g $G --strategy random --count $NB --margin 500 --seed 789 -o pos.s2f
row "encode L=500" windows $NB -- s2f-encode -q -g $G -L 500 -o seqs.s2f pos.s2f
row "predict demo --rc none -t 1" windows $NB -- s2f-predict -q --model demo --rc none -t 1 -o preds1.s2f seqs.s2f
row "predict demo --rc mean -t 1" windows $NB -- s2f-predict -q --model demo --rc mean -t 1 -o preds.s2f seqs.s2f
row "predict demo --rc mean -t 2" windows $NB -- s2f-predict -q --model demo --rc mean -t 2 -o preds2.s2f seqs.s2f
row "score --emit summary" positions $NB -- s2f-score -q --stat log2fc --window 101 --emit summary -o summary.values.s2f preds.s2f
row "score --emit perbin (32 bins)" positions $NB -- s2f-score -q --stat log2fc --window 101 --emit perbin -o perbin.values.s2f preds.s2f
row "reservoir perbin" positions $NB -- s2f-reservoir -q -o perbin.res.s2f perbin.values.s2f
row "merge-cdfs (1 kind, 1 shard)" files 1 -- s2f-merge-cdfs -q --name one --out-dir . perbin.res.s2f 2>/dev/null
echo
echo "B. whole background build (both halves, reservoirs, merge)"
echo
echo "| configuration | positions + SNPs | wall s | CPU s | rate | peak RSS (largest process) |"
echo "|---|---|---|---|---|---|"
build() {  # DIR SHARDS THREADS: the shards in parallel (each: baselines half, then variants half), then merge
  local d=$1 n=$2 t=$3 k
  mkdir -p "$d"
  (
    cd "$d"
    export CFG_SHARDS=$n CFG_THREADS=$t
    for ((k = 1; k <= n; k++)); do
      { bash "$STAGES" -c "$W/bg.yaml" bg-baselines-shard $k $n &&
        bash "$STAGES" -c "$W/bg.yaml" bg-variants-shard $k $n; } &
    done
    wait
    bash "$STAGES" -c "$W/bg.yaml" bg-merge $n
  )
}
export -f build; export STAGES W
row "1 shard, -t 1" "records" $((NB + NS)) -- build b1 1 1
row "1 shard, -t 2" "records" $((NB + NS)) -- build b2 1 2
row "2 shards in parallel, -t 1 each" "records" $((NB + NS)) -- build b3 2 1
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
