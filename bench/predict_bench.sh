#!/bin/sh
# s2f-predict end to end vs PyTorch, same windows, same threads, same run:
#   s2f:   s2f-encode -g GENOME -L 2114 positions.s2f | s2f-predict --model bpnet.s2fm -t T > out.s2f
#   torch: positions -> pyfaidx -> numpy one-hot -> bpnet-lite BPNet (torch, T threads) -> out.npz
#   bench/predict_bench.sh BUILD_DIR [THREADS] [WINDOWS]
# Needs ../shared/data (BPNet weights, hg38 chr22 excerpt), python3-torch, python3-pyfaidx.
set -eu
build=${1:?usage: predict_bench.sh BUILD_DIR [THREADS] [WINDOWS]}
threads=${2:-2}
windows=${3:-1024}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/torch_env.sh"
data="$here/../../shared/data"
[ -d "$data/models/bpnet-lite" ] || { echo "predict_bench: $data is absent" >&2; exit 77; }
bin="$build/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
genome="$tmp/chr22.fa"
cp "$data/genome/hg38-chr22-excerpt/hg38_chr22_32000000_32300000.fa" "$genome"
/usr/bin/python3 -B "$here/../formats/python/s2f_model_export.py" bpnet-lite \
  --state-dict "$data/models/bpnet-lite/bpnet_example.state_dict.pt" \
  --hparams "$data/models/bpnet-lite/bpnet_example.hparams.json" -o "$tmp/bpnet.s2fm" >/dev/null
"$bin/s2f-sample-positions" -q -g "$genome" --strategy random --count "$windows" --margin 1100 --seed 1 -o "$tmp/pos.s2f"
"$bin/s2f-encode" -q -g "$genome" -L 2114 "$tmp/pos.s2f" -o "$tmp/warm.s2f" --zstd 0   # warm the page cache and .fai

t0=$(date +%s.%N)
"$bin/s2f-encode" -q -g "$genome" -L 2114 "$tmp/pos.s2f" \
  | "$bin/s2f-predict" -q --model "$tmp/bpnet.s2fm" -t "$threads" -b 64 > "$tmp/s2f.out"
t1=$(date +%s.%N)
torch=$(torch_python "$threads" "$here/predict_torch_reference.py" "$tmp/pos.s2f" "$genome" \
  "$data/models/bpnet-lite/bpnet_example.state_dict.pt" "$data/models/bpnet-lite/bpnet_example.hparams.json" \
  "$tmp/torch.npz" --threads "$threads")
/usr/bin/python3 - "$t0" "$t1" "$windows" "$torch" "$tmp/s2f.out" "$tmp/torch.npz" <<'PY'
import json, sys
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(sys.argv[0]) or ".", "formats", "python"))
import numpy as np
t0, t1, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
torch = json.loads(sys.argv[4])
sys.path.insert(0, "formats/python")
import s2f_stream
s = s2f_stream.read(sys.argv[5]).read_all()
r = np.load(sys.argv[6])
heads = [k for k in s if k not in ("id", "chrom", "pos", "strand", "start", "allele", "ref", "alt", "ref_match", "contains_unk")]
prof = s[heads[0]]
dp = np.abs(prof - r["profile"]).max() / max(1.0, np.abs(r["profile"]).max())
dc = np.abs(s[heads[1]].reshape(len(prof), -1) - r["counts"].reshape(len(prof), -1)).max()
s2f_rate = n / (t1 - t0)
print(f"windows {n}, L=2114, batch 64")
print(f"s2f   encode|predict > file: {t1 - t0:6.2f} s  {s2f_rate:7.1f} windows/s")
print(f"torch pyfaidx+numpy+torch:   {torch['seconds']:6.2f} s  {torch['windows_per_s']:7.1f} windows/s")
print(f"ratio {s2f_rate / torch['windows_per_s']:.2f}x   max |diff| profile (rel) {dp:.1e}, counts {dc:.1e}")
PY
