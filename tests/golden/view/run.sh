#!/usr/bin/env bash
# Golden tests of s2f-view: every case in cases.tsv must print exactly its
# expected file (tests/golden/run_cases.sh); plus the HDF5 export, the
# header, joining, and negative controls that must fail. UPDATE=1 rewrites
# the expected files.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
VIEW=${S2F_BIN_DIR:?}/s2f-view
PY=${S2F_PYTHON:-/usr/bin/python3}
cd "$HERE"
fails=0 passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

# The cases table (expected/<name> byte for byte), by the runner all golden
# directories share.
bash "$HERE/../run_cases.sh" "$HERE" && pass "cases.tsv" || fail "cases.tsv"

# Joining shard outputs gives back the whole stream.
"$VIEW" -q --shard 1/2 --s2f -o "$tmp/a.s2f" variants.s2f && "$VIEW" -q --shard 2/2 --s2f -o "$tmp/b.s2f" variants.s2f \
  && "$VIEW" -q --s2f -o "$tmp/joined.s2f" "$tmp/a.s2f" "$tmp/b.s2f" \
  && "$VIEW" -q "$tmp/joined.s2f" | cmp -s - <("$VIEW" -q variants.s2f) && pass "shards joined = whole" || fail "shards joined = whole"

# The header: kind and schema exactly; provenance names every stage.
"$VIEW" -q --header windows.s2f > "$tmp/header.json"
"$PY" - "$tmp/header.json" expected/windows.header.json "${UPDATE:-0}" <<'PYEOF' && pass "header kind/schema/provenance" || fail "header"
import json, sys
got = json.load(open(sys.argv[1]))
part = {"kind": got["kind"], "schema": got["schema"], "version": got["version"],
        "tools": [p["tool"] for p in got["meta"]["provenance"]], "geometry": got["meta"]["geometry"]}
if sys.argv[3] == "1":
    json.dump(part, open(sys.argv[2], "w"), indent=1, sort_keys=True)
want = json.load(open(sys.argv[2]))
sys.exit(0 if part == want else 1)
PYEOF

# HDF5 export: the documented layout (formats/HDF5.md), dumped with h5py.
"$VIEW" -q --hdf5 "$tmp/w.h5" windows.s2f && "$PY" - "$tmp/w.h5" > "$tmp/h5.txt" <<'PYEOF'
import h5py, json, sys
with h5py.File(sys.argv[1]) as f:
    print("kind", f.attrs["s2f_kind"], "layout", f.attrs["s2f_layout"])
    for k in sorted(f.keys()):
        d = f[k]
        v = d[:3]
        if d.dtype.kind == "O":
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        elif d.dtype.kind == "u" and k == "seq":
            v = [bytes(r).decode() for r in v]
        else:
            v = v.tolist()
        print(k, d.shape, d.dtype, v)
PYEOF
[[ "${UPDATE:-0}" == 1 ]] && cp "$tmp/h5.txt" expected/windows.h5.txt
cmp -s "$tmp/h5.txt" expected/windows.h5.txt && pass "hdf5 layout" || { fail "hdf5 layout"; diff expected/windows.h5.txt "$tmp/h5.txt" | head; }

# Negative controls: these must fail, with the right message.
head -c 1000 windows.s2f > "$tmp/cut.s2f"
out=$("$VIEW" --validate "$tmp/cut.s2f" 2>&1); rc=$?
[[ $rc == 1 && "$out" == *truncated* ]] && pass "truncated stream fails --validate" || fail "truncated stream: rc=$rc $out"
"$VIEW" -q --validate windows.s2f && pass "whole stream passes --validate" || fail "whole stream --validate"
out=$("$VIEW" --vcf positions.s2f 2>&1 >/dev/null); rc=$?
[[ $rc == 2 && "$out" == *"no variants"* ]] && pass "--vcf on positions is a usage error" || fail "--vcf on positions: rc=$rc $out"
out=$("$VIEW" --s2f -o "$tmp/x.s2f" positions.s2f variants.s2f 2>&1); rc=$?
[[ $rc == 1 && "$out" == *"cannot join streams of different kind"* ]] && pass "joining different kinds fails" || fail "join kinds: $out"
out=$(cat variants.s2f variants.s2f | "$VIEW" 2>&1 >/dev/null); rc=$?
[[ $rc == 1 && "$out" == *"data after the end-of-stream frame"* ]] && pass "cat-joined streams are refused" || fail "cat join: $out"
out=$(cat variants.s2f | "$VIEW" --shard 1/2 2>&1 >/dev/null); rc=$?
[[ $rc == 2 && "$out" == *"pipe"* ]] && pass "--shard on a pipe explains itself" || fail "shard pipe: $out"
echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
