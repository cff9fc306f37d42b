#!/bin/sh
# ISM benchmark on the real bpnet-lite BPNet (2114 bp): s2f fast ISM vs s2f
# naive ISM vs naive PyTorch ISM (all mutants batched through the network,
# as tangermeme does), same sequence, same threads, one run; central 100 bp
# and central 1,000 bp; both heads (profile and counts) computed and written
# by every side. Also checks that the three agree on the counts head.
# MODEL: bpnet (default) or a 2114-bp model of bench/zoo (e.g. chrombpnet,
# the 512-filter ChromBPNet), exported and loaded with the zoo's weights.
#   bench/ism_bench.sh BUILD_DIR [THREADS] [WIDTHS] [MODEL]
set -eu
build=${1:?usage: ism_bench.sh BUILD_DIR [THREADS] [WIDTHS]}
threads=${2:-2}
widths=${3:-"100 1000"}
which=${4:-bpnet}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/torch_env.sh"
data="$here/../../shared/data/models/bpnet-lite"
[ -d "$data" ] || { echo "ism_bench: $data is absent" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$which" = bpnet ]; then
  model="$tmp/bpnet.s2fm"
  /usr/bin/python3 -B "$here/../formats/python/s2f_model_export.py" bpnet-lite \
    --state-dict "$data/bpnet_example.state_dict.pt" --hparams "$data/bpnet_example.hparams.json" -o "$model" >/dev/null
  reference="$data/bpnet_example.state_dict.pt $data/bpnet_example.hparams.json"
else
  zoo_dir="$build/bench/zoo"
  mkdir -p "$zoo_dir"
  model=$(/usr/bin/python3 -B "$here/zoo/model_file.py" "$which" "$zoo_dir")
  reference="--zoo $which --zoo-dir $zoo_dir - -"
fi
/usr/bin/python3 -c '
import random; random.seed(11)
print(">bench_seq"); print("".join(random.choice("ACGT") for _ in range(2114)))' > "$tmp/seq.fa"
"$build/bin/s2f-encode" -q -L 2114 --fasta-records "$tmp/seq.fa" -o "$tmp/seq.s2f"
now() { date +%s.%N; }  # cheap: the clock read must not add a Python start-up to s2f's time
for w in $widths; do
  start=$(( (2114 - w) / 2 )); end=$((start + w))
  t0=$(now)
  "$build/bin/s2f-ism" -q -m "$model" -t "$threads" --start $start --end $end --save predictions \
    --zstd 0 -o "$tmp/fast.s2f" "$tmp/seq.s2f"
  t1=$(now)
  "$build/bin/s2f-ism" -q -m "$model" -t "$threads" --start $start --end $end --save predictions \
    --zstd 0 --naive -o "$tmp/naive.s2f" "$tmp/seq.s2f"
  t2=$(now)
  # shellcheck disable=SC2086 # $reference is a list of words
  torch=$(torch_python "$threads" "$here/ism_torch_reference.py" \
    $reference "$tmp/seq.fa" \
    --start $start --end $end --threads "$threads" --out "$tmp/torch.npy")
  /usr/bin/python3 - "$w" "$t0" "$t1" "$t2" "$torch" "$tmp" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[0] and __import__("os").path.join(__import__("os").getcwd(), "formats", "python"))
import numpy as np
import s2f_stream
w, t0, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
torch = json.loads(sys.argv[5]); tmp = sys.argv[6]
fast = s2f_stream.read(tmp + "/fast.s2f").read_all()["predictions.counts"][1:, 0, 0]
naive = s2f_stream.read(tmp + "/naive.s2f").read_all()["predictions.counts"][1:, 0, 0]
ref = np.load(tmp + "/torch.npy")
n = torch["mutants"]
tf, tn, tt = t1 - t0, t2 - t1, torch["seconds"]
print(f"central {w} bp, {n} mutants: s2f fast {tf:.2f} s ({n/tf:.0f}/s) | s2f naive {tn:.2f} s ({n/tn:.0f}/s) | "
      f"pytorch naive {tt:.2f} s ({n/tt:.0f}/s) | fast/pytorch {tt/tf:.1f}x, fast/naive {tn/tf:.1f}x | "
      f"max |fast-naive| {np.abs(fast-naive).max():.1e}, max |fast-torch| {np.abs(fast-ref).max():.1e}")
PY
done
