#!/bin/sh
# Engine benchmark: s2f vs PyTorch on the real bpnet-lite BPNet, same run.
#   bench/engine_bpnet.sh BUILD_DIR [THREADS] [SECONDS]
# Needs ../shared/data/models/bpnet-lite and Debian's python3-torch.
set -eu
build=${1:?usage: engine_bpnet.sh BUILD_DIR [THREADS] [SECONDS]}
threads=${2:-2}
seconds=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/torch_env.sh"
data="$here/../../shared/data/models/bpnet-lite"
[ -d "$data" ] || { echo "engine_bpnet: $data is absent" >&2; exit 77; }
model="$build/bench/bpnet_example.s2fm"
mkdir -p "$build/bench"
/usr/bin/python3 -B "$here/../formats/python/s2f_model_export.py" bpnet-lite \
  --state-dict "$data/bpnet_example.state_dict.pt" --hparams "$data/bpnet_example.hparams.json" -o "$model"
s2f=$("$build/bench/engine_bench" "$model" --threads "$threads" --batch 64 --seconds "$seconds")
# The same PyTorch timing loop as the model zoo's, on the same real BPNet.
torch=$(torch_python "$threads" "$here/zoo/torch_time.py" bpnet \
  --threads "$threads" --batch 64 --seconds "$seconds")
echo "$s2f"
echo "$torch"
/usr/bin/python3 -c '
import json, sys
s, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ss, ts = s["sequences_per_s"], t["sequences_per_s"]
tg = ts * s["gflop_per_seq_full"]
print("s2f %.1f seq/s (%.1f GFLOP/s computed, %.1f GFLOP/s full-length equivalent) | pytorch %.1f seq/s (%.1f GFLOP/s) | ratio %.2fx | peak %.0f GFLOP/s"
      % (ss, s["gflops_achieved"], s["gflops_full_equivalent"], ts, tg, ss / ts, s["peak_gflops"]))
' "$s2f" "$torch"
