#!/usr/bin/env bash
# Regression tests for bad inputs of the scoring and background stages:
#  D12 variant statistics (diff, log2fc, ...) on a stream that holds no
#      variant are refused (exit 1, naming the statistic), not printed as NaN;
#  D13 a --cdf archive whose CDF rows are reversed or hold NaN is refused on
#      load (exit 1, naming the file, the track and the point);
#  D17 s2f-merge-cdfs refuses a shard given twice under another name: ./x,
#      a symlink, a copy (exit 2, naming both arguments).
set -u
source "${S2F_SOURCE_DIR:?}/tests/lib/harness.sh"
T=$SRC/tests/golden/score/tensors.s2f
cd "$tmp"

# --- D12: the last record of the golden tensors is a single window (pos1)
"$BIN/s2f-view" -q --s2f --shard 7/7 -o windows.s2f "$T" || { echo "cannot slice the input"; exit 1; }
"$BIN/s2f-score" -q --stat diff --window 3 -o d12.s2f windows.s2f 2> d12.err
rc=$?
[[ $rc == 1 && ! -e d12.s2f ]] && grep -q "diff" d12.err && grep -q "single window" d12.err \
  && pass "score_variant_stat_on_windows_refused" \
  || fail "score_variant_stat_on_windows_refused (exit $rc: $(head -c 300 d12.err))"
"$BIN/s2f-score" -q --stat ref --window 3 -o d12ref.s2f windows.s2f 2> d12ref.err
rc=$?
[[ $rc == 0 && -s d12ref.s2f ]] && pass "score_ref_stat_on_windows_accepted" \
  || fail "score_ref_stat_on_windows_accepted (exit $rc: $(head -c 300 d12ref.err))"
# A stream with variants and a single window keeps its NaN row (golden log2fc.w3).
"$BIN/s2f-score" -q --stat diff --window 3 -o mixed.s2f "$T" 2> mixed.err
rc=$?
[[ $rc == 0 ]] && pass "score_variant_stat_on_mixed_stream_accepted" \
  || fail "score_variant_stat_on_mixed_stream_accepted (exit $rc: $(head -c 300 mixed.err))"

# --- a background built from the golden tensors (log2fc, window 3)
"$BIN/s2f-score" -q --stat log2fc --window 3 --emit effect -o eff.values.s2f "$T"
"$BIN/s2f-score" -q --stat log2fc --window 3 --emit summary -o sum.values.s2f "$T"
"$BIN/s2f-reservoir" -q --capacity 100 -o eff.res.s2f eff.values.s2f
"$BIN/s2f-reservoir" -q --capacity 100 -o sum.res.s2f sum.values.s2f
"$BIN/s2f-merge-cdfs" -q --name bg --out-dir . eff.res.s2f sum.res.s2f || { echo "cannot build the background"; exit 1; }

# --- D13: reversed and NaN CDF rows
"$PY" - <<'EOF'
import numpy as np
a = dict(np.load("bg_pertrack.npz", allow_pickle=False))
r = dict(a); r["effect_cdfs"] = a["effect_cdfs"][:, ::-1].copy()
np.savez("reversed_pertrack.npz", **r)
n = dict(a); e = a["effect_cdfs"].copy(); e[1, 5] = np.nan; n["effect_cdfs"] = e
np.savez("nan_pertrack.npz", **n)
EOF
for kind in reversed nan; do
  "$BIN/s2f-score" -q --stat log2fc --window 3 --cdf ${kind}_pertrack.npz -o d13.s2f "$T" 2> d13.err
  rc=$?
  [[ $rc == 1 && ! -e d13.s2f ]] && grep -q "${kind}_pertrack.npz" d13.err && grep -q "track '" d13.err \
    && pass "score_cdf_${kind}_rows_refused" || fail "score_cdf_${kind}_rows_refused (exit $rc: $(head -c 300 d13.err))"
done
"$BIN/s2f-score" -q --stat log2fc --window 3 --cdf bg_pertrack.npz -o ok.s2f "$T" 2> ok.err \
  && pass "score_cdf_valid_archive_accepted" || fail "score_cdf_valid_archive_accepted ($(head -c 300 ok.err))"

# --- D17: one shard under two names
mkdir -p sub
ln -s ../eff.res.s2f sub/link.s2f
cp eff.res.s2f copy.s2f
d17() {
  local name=$1 other=$2
  "$BIN/s2f-merge-cdfs" -q --name rep --out-dir . eff.res.s2f "$other" sum.res.s2f 2> d17.err
  local rc=$?
  [[ $rc == 2 && ! -e rep_pertrack.npz ]] && grep -q "eff.res.s2f" d17.err && grep -qF "$other" d17.err \
    && pass "$name" || fail "$name (exit $rc: $(head -c 300 d17.err))"
  rm -f rep_pertrack.npz
}
d17 merge_cdfs_repeated_shard_dot_path ./eff.res.s2f
d17 merge_cdfs_repeated_shard_symlink sub/link.s2f
d17 merge_cdfs_repeated_shard_copy copy.s2f

finish
