#!/bin/sh
# s2f-marginalize vs a tangermeme-style PyTorch marginalization, same run:
# N random backgrounds (GC 0.41), the AP-1 consensus inserted at the centre,
# predictions before and after, T threads, batch 64.
#   s2f:   s2f-marginalize --model M --random -n N --motif ATGAGTCAT -t T > out.s2f
#   torch: bench/marginalize_torch_reference.py (one-hot, substitute, predict x2)
# On the demo model (500 bp) and, when ../shared/data has it, the real
# bpnet-lite BPNet (2114 bp). Both sides' times include model loading.
# ZOO: comma-separated 2114-bp bench/zoo models (e.g. chrombpnet), N_BPNET
# backgrounds each.
#   bench/marginalize_bench.sh BUILD_DIR [THREADS] [N_DEMO] [N_BPNET] [ZOO]
set -eu
build=${1:?usage: marginalize_bench.sh BUILD_DIR [THREADS] [N_DEMO] [N_BPNET]}
threads=${2:-2}
n_demo=${3:-1024}
n_bpnet=${4:-128}
zoo_models=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/torch_env.sh"
bin="$build/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compare NAME N LENGTH S2F_MODEL TORCH_ARGS...
compare() {
  name=$1 n=$2 len=$3 model=$4
  shift 4
  "$bin/s2f-marginalize" -q --model "$model" --random -n 8 --seed 1 --motif ATGAGTCAT >/dev/null  # warm caches
  t0=$(date +%s.%N)
  "$bin/s2f-marginalize" -q --model "$model" --random -n "$n" --seed 1 --motif ATGAGTCAT -t "$threads" -b 64 \
    --summary "$tmp/summary.tsv" > "$tmp/out.s2f"
  t1=$(date +%s.%N)
  torch=$(torch_python "$threads" "$here/marginalize_torch_reference.py" "$@" \
    --length "$len" -n "$n" --motif ATGAGTCAT --threads "$threads" --batch 64)
  /usr/bin/python3 - "$name" "$n" "$t0" "$t1" "$torch" "$tmp/summary.tsv" <<'PY'
import json, sys
name, n, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
torch = json.loads(sys.argv[5])
rows = [l.split("\t") for l in open(sys.argv[6]).read().splitlines()]
col = rows[0].index("mean_effect")
s2f_effect = float([r for r in rows[1:] if r[2] == "counts"][0][col])
s = n / (t1 - t0)
print(f"{name}: {n} backgrounds x 2 predictions | s2f {t1 - t0:6.2f} s {s:8.1f} backgrounds/s | "
      f"torch {torch['seconds']:6.2f} s {torch['backgrounds_per_s']:8.1f} backgrounds/s | ratio {s / torch['backgrounds_per_s']:.2f}x"
      f" (model load {torch['load_seconds']:.2f} s of it) | mean count effect s2f {s2f_effect:.3f} torch {torch['mean_count_effect']:.3f}")
PY
}

compare "demo model (500 bp)" "$n_demo" 500 demo --demo
data="$here/../../shared/data/models/bpnet-lite"
if [ -f "$data/bpnet_example.state_dict.pt" ]; then
  /usr/bin/python3 -B "$here/../formats/python/s2f_model_export.py" bpnet-lite \
    --state-dict "$data/bpnet_example.state_dict.pt" --hparams "$data/bpnet_example.hparams.json" -o "$tmp/bpnet.s2fm" >/dev/null
  compare "bpnet-lite BPNet (2114 bp)" "$n_bpnet" 2114 "$tmp/bpnet.s2fm" \
    --state-dict "$data/bpnet_example.state_dict.pt" --hparams "$data/bpnet_example.hparams.json"
else
  echo "marginalize_bench: $data is absent; BPNet comparison skipped" >&2
fi
for name in $(echo "$zoo_models" | tr ',' ' '); do
  zoo_dir="$build/bench/zoo"
  mkdir -p "$zoo_dir"
  model=$(/usr/bin/python3 -B "$here/zoo/model_file.py" "$name" "$zoo_dir")
  compare "zoo $name (2114 bp)" "$n_bpnet" 2114 "$model" --zoo "$name" --zoo-dir "$zoo_dir"
done
