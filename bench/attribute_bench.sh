#!/bin/sh
# DeepSHAP attribution benchmark (issue 17): s2f-attribute side by side with
# the PyTorch reference of the same algorithm (attribute_torch_reference.py),
# in one run, on the same 64 regions: 20 dinucleotide-shuffled references
# per region, 2 threads, PyTorch batched 64 sequences per autograd pass.
# Models: the real bpnet-lite BPNet (64 filters, ../shared/data) and the
# zoo's ChromBPNet-512 (bench/zoo, random weights), both 2114 bp.
# Reports regions/s of both, the ratio (goal: >= 5x on BPNet-64, >= 2x on
# ChromBPNet-512) and the cost per region in forward-pass equivalents
# (attribution time per region / forward time per sequence, each side's
# forward measured in the same run: s2f-predict, the PyTorch forward).
#   bench/attribute_bench.sh BUILD_DIR [THREADS] [MODELS] [TARGET] [REGIONS]
#   (MODELS: "bpnet chrombpnet"; TARGET: counts or profile, the softmax objective)
set -eu
build=${1:?usage: attribute_bench.sh BUILD_DIR [THREADS] [MODELS] [TARGET] [REGIONS]}
threads=${2:-2}
models=${3:-"bpnet chrombpnet"}
target=${4:-counts}
regions=${5:-64}
references=20
here=$(cd "$(dirname "$0")" && pwd)
. "$here/torch_env.sh"
data="$here/../../shared/data"
[ -x "$build/bin/s2f-attribute" ] || { echo "attribute_bench: $build/bin/s2f-attribute is not built" >&2; exit 77; }
[ -d "$data/models/bpnet-lite" ] || { echo "attribute_bench: $data/models/bpnet-lite is absent" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The regions: 2114-bp windows spread over the real chr22 excerpt.
/usr/bin/python3 - "$data/genome/hg38-chr22-excerpt/hg38_chr22_32000000_32300000.fa" "$regions" > "$tmp/regions.fa" <<'PY'
import sys
import numpy as np
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">")).upper()
n = int(sys.argv[2])
out = 0
for s in np.linspace(0, len(seq) - 2114, 4 * n).astype(int):
    w = seq[s:s + 2114]
    if set(w) <= set("ACGT"):
        print(f">region{out}\n{w}")
        out += 1
    if out == n:
        break
PY
"$build/bin/s2f-encode" -q -L 2114 --fasta-records "$tmp/regions.fa" -o "$tmp/regions.s2f"

now() { date +%s.%N; }  # cheap: the clock read must not add a Python start-up to s2f's time
for which in $models; do
  if [ "$which" = bpnet ]; then
    model="$tmp/bpnet.s2fm"
    /usr/bin/python3 -B "$here/../formats/python/s2f_model_export.py" bpnet-lite \
      --state-dict "$data/models/bpnet-lite/bpnet_example.state_dict.pt" \
      --hparams "$data/models/bpnet-lite/bpnet_example.hparams.json" -o "$model" >/dev/null
  else
    mkdir -p "$build/bench/zoo"
    model=$(/usr/bin/python3 -B "$here/zoo/model_file.py" "$which" "$build/bench/zoo")
  fi
  t0=$(now)
  "$build/bin/s2f-predict" -q -m "$model" -t "$threads" --zstd 0 -o "$tmp/pred.s2f" "$tmp/regions.s2f"
  t1=$(now)
  "$build/bin/s2f-attribute" -m "$model" -t "$threads" --references $references --seed 1 \
    --target "$target" -o "$tmp/attr.s2f" "$tmp/regions.s2f" 2> "$tmp/attr.log"
  t2=$(now)
  torch=$(torch_python "$threads" "$here/attribute_torch_reference.py" "$model" \
    "$tmp/regions.fa" --target "$target" --references $references --batch 64 --threads "$threads" --seed 1)
  /usr/bin/python3 - "$which" "$t0" "$t1" "$t2" "$torch" "$tmp/attr.log" <<'PY'
import json, sys
which, t0, t1, t2 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
torch = json.loads(sys.argv[5])
n = torch["regions"]
s2f_fwd = (t1 - t0) / n            # one forward of one sequence, s2f-predict (model load included)
s2f_attr = (t2 - t1) / n
pt_attr = torch["seconds"] / n
gap = [l.strip() for l in open(sys.argv[6]) if "delta" in l.lower()]
goal = {"bpnet": 5.0, "chrombpnet": 2.0}.get(which)
print(f"{which}: {n} regions x {torch['references']} references, {torch['threads']} threads | "
      f"s2f {n / (t2 - t1):.2f} regions/s ({s2f_attr / s2f_fwd:.0f} forward equivalents/region) | "
      f"pytorch {torch['regions_per_s']:.2f} regions/s ({torch['forward_equivalents_per_region']:.0f} forward "
      f"equivalents/region, batch {torch['batch']}, shuffles {torch['shuffle_seconds']:.1f} s) | "
      f"s2f/pytorch {pt_attr / s2f_attr:.2f}x" + (f" (goal >= {goal:g}x)" if goal else "") +
      f" | pytorch summation-to-delta gap {torch['max_delta_gap']:.1e}; s2f: {gap[-1] if gap else 'not reported'}")
PY
done
