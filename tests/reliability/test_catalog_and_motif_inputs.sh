#!/usr/bin/env bash
# Regression tests for bad track catalogs, motif files, motif tables and
# models (audit defects D4, D8, D9, D10, D11, D15, D18). Each case corrupts
# one of the bundled demo inputs (pipelines/demo/model/*) and pins that the
# stage refuses it with exit 1 and a message naming the file and line (or
# pattern, layer, record) — never exit 4, a signal, or a silent change:
#  D4  track catalog: an output_type that is no head of the model, a repeated
#      row, a row short of the strand column, and every catalog error naming
#      the file;
#  D8  MEME: w= smaller than the matrix, a motif id used twice;
#  D9  modisco: a NaN in a CWM is refused; an all-zero CWM is left out with
#      a warning and the other motifs' hits are unchanged;
#  D15 a damaged modisco .h5 (truncated, bit flips, wrong rank or dtype);
#  D10 a NaN weight in a Keras .h5 or an s2f model file;
#  D11 bytes that are not UTF-8 in catalog cells, MEME ids and file names;
#  D18 call-hits -L/-N tables: a key that names no pattern, a key twice.
set -u
source "${S2F_SOURCE_DIR:?}/tests/lib/harness.sh"
DEMO=$SRC/pipelines/demo/model
REGIONS=$SRC/tests/golden/call_hits/regions.npz
export PYTHONPATH="$SRC/tests/lib:$SRC/formats/python:$SRC/pipelines/demo${PYTHONPATH:+:$PYTHONPATH}"
cd "$tmp"

# refuses NAME PATTERN... -- COMMAND...: exit 1, one stderr line holding
# every PATTERN (fixed strings), bounded and printable.
refuses() {
  local name=$1
  shift
  local pats=()
  while [[ $1 != -- ]]; do pats+=("$1"); shift; done
  shift
  "$@" > out.txt 2> err.txt
  local rc=$? msg
  msg=$(cat err.txt)
  if [[ $rc != 1 ]]; then fail "$name (exit $rc, expected 1: ${msg:0:300})"; return; fi
  for p in "${pats[@]}"; do
    grep -qF -- "$p" err.txt || { fail "$name (message lacks '$p': ${msg:0:300})"; return; }
  done
  if (( $(wc -c < err.txt) > 1500 )) || ! iconv -f utf-8 -t utf-8 err.txt > /dev/null 2>&1 ||
    LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' err.txt; then
    fail "$name (message too long or not printable UTF-8: ${msg:0:300})"; return
  fi
  pass "$name"
}

"$BIN/s2f-encode" -q -L 500 --fasta-records "$SRC/tests/golden/encode/records.fa" -o seqs.s2f ||
  { echo "cannot encode the test sequences"; exit 1; }
predict() { "$BIN/s2f-predict" -q -m demo --rc mean -o pred.s2f seqs.s2f "$@"; }

# ---- D4: track catalogs ------------------------------------------------------
CAT=$DEMO/demo.tracks.tsv
predict --catalog "$CAT" || fail "the demo catalog is accepted"
awk -F'\t' -v OFS='\t' 'NR==3{$3="profle"} {print}' "$CAT" > typo.tsv
refuses "catalog_output_type_typo_names_file_line_value_and_heads" "typo.tsv:3" "'profle'" "'profile'" "'counts'" -- \
  predict --catalog typo.tsv
predict --catalog typo.tsv --allow-empty 2> /dev/null && pass "catalog_output_type_typo_ignored_with_allow_empty" ||
  fail "catalog_output_type_typo_ignored_with_allow_empty"
awk 'NR==3{line=$0} {print} END{print line}' "$CAT" > repeated.tsv
refuses "catalog_repeated_row_names_both_lines" "repeated.tsv:5" "line 3" "line 5" -- predict --catalog repeated.tsv
awk -F'\t' -v OFS='\t' 'NR==3{print $1,$2,$3; next} {print}' "$CAT" > short.tsv
refuses "catalog_short_row_names_file_line_and_column_count" "short.tsv:3" "3 cells" "8 columns" "strand" -- \
  predict --catalog short.tsv
awk -F'\t' -v OFS='\t' 'NR==2{$1="x"} {print}' "$CAT" > badindex.tsv
refuses "catalog_errors_name_the_file" "badindex.tsv:2" "track_index 'x'" -- predict --catalog badindex.tsv
awk -F'\t' -v OFS='\t' 'NR==2{$1="7"} {print}' "$CAT" > badchannel.tsv
refuses "catalog_channel_error_names_the_file" "badchannel.tsv:2" "channel 7" -- predict --catalog badchannel.tsv

# ---- D8: MEME files ----------------------------------------------------------
meme_head() { printf 'MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n'; }
{ meme_head
  printf 'MOTIF M1 first\nletter-probability matrix: alength= 4 w= 3 nsites= 20 E= 0\n'
  printf '0.9 0.05 0.03 0.02\n0.1 0.8 0.05 0.05\n0.05 0.05 0.1 0.8\n0.7 0.1 0.1 0.1\n\n'; } > short_w.meme
marginalize() { "$BIN/s2f-marginalize" -q -m demo --random -n 2 -o marg.s2f "$@"; }
refuses "meme_w_smaller_than_matrix_names_motif_and_both_widths" "short_w.meme:8" "M1" "w= 3" "4 rows" -- \
  marginalize --motif M1 --motif-file short_w.meme
{ meme_head
  printf 'MOTIF M1 first\nletter-probability matrix: alength= 4 w= 1\n0.9 0.05 0.03 0.02\n\n'
  printf 'MOTIF M2\nletter-probability matrix: alength= 4 w= 1\n0.1 0.8 0.05 0.05\n\n'
  printf 'MOTIF M1 again\nletter-probability matrix: alength= 4 w= 1\n0.05 0.05 0.1 0.8\n\n'; } > dup.meme
refuses "meme_duplicate_id_names_id_and_both_lines" "dup.meme:15" "'M1'" "lines 7 and 15" -- \
  marginalize --motif M1 --motif-file dup.meme

# ---- D11: bytes that are not UTF-8 -------------------------------------------
awk -F'\t' -v OFS='\t' 'NR==2{$6="synth\xe9tic"} {print}' "$CAT" > latin1.tsv
refuses "catalog_cell_not_utf8_names_file_line" "latin1.tsv:2" "not valid UTF-8" -- predict --catalog latin1.tsv
{ meme_head; printf 'MOTIF M\xff1\nletter-probability matrix: alength= 4 w= 1\n0.9 0.05 0.03 0.02\n\n'; } > latin1.meme
refuses "meme_id_not_utf8_names_file_line" "latin1.meme:7" "not valid UTF-8" -- \
  marginalize --motif "$(printf 'M\xff1')" --motif-file latin1.meme
odd=$(printf 'out\xff.s2f')
"$BIN/s2f-view" -q --s2f -o "$odd" "$SRC/tests/golden/view/windows.s2f" 2> err.txt; rc=$?
if [[ $rc == 0 ]] && "$BIN/s2f-view" -q --header "$odd" 2> /dev/null | grep -qF 'out\\xFF.s2f'; then
  pass "file_name_not_utf8_escaped_in_provenance"
else
  fail "file_name_not_utf8_escaped_in_provenance (exit $rc: $(head -c 300 err.txt))"
fi
cp seqs.s2f "$(printf 'in\xfe.s2f')"
"$BIN/s2f-predict" -q -m demo -o pred_odd.s2f "$(printf 'in\xfe.s2f')" 2> err.txt; rc=$?
[[ $rc == 0 || $rc == 1 ]] && pass "input_name_not_utf8_does_not_crash" ||
  fail "input_name_not_utf8_does_not_crash (exit $rc: $(head -c 300 err.txt))"

# ---- D9: NaN and all-zero modisco motifs --------------------------------------
"$PY" - "$DEMO/demo_modisco.h5" <<'EOF' || { echo "cannot write the modisco variants"; exit 1; }
import shutil, sys
import h5py, numpy as np
src = sys.argv[1]
for name, edit in [("nan", lambda d: d.__setitem__((3, 2), np.nan)),
                   ("inf", lambda d: d.__setitem__((0, 0), np.inf)),
                   ("zero", lambda d: d.__setitem__(slice(None), 0.0))]:
    shutil.copy(src, name + ".h5")
    with h5py.File(name + ".h5", "r+") as f:
        edit(f["pos_patterns/pattern_1/contrib_scores"])
# D15: a dataset of the wrong rank and one of strings instead of numbers.
shutil.copy(src, "rank.h5")
with h5py.File("rank.h5", "r+") as f:
    d = f["pos_patterns/pattern_1/contrib_scores"][...]
    del f["pos_patterns/pattern_1/contrib_scores"]
    f["pos_patterns/pattern_1/contrib_scores"] = d[:, :, None]
shutil.copy(src, "dtype.h5")
with h5py.File("dtype.h5", "r+") as f:
    del f["pos_patterns/pattern_1/contrib_scores"]
    f["pos_patterns/pattern_1/contrib_scores"] = np.array([b"not", b"numbers"] * 50).reshape(25, 4)
EOF
call_hits() { "$BIN/s2f-call-hits" -q -r "$REGIONS" "$@"; }
refuses "modisco_nan_cwm_names_pattern_and_dataset" "nan.h5:pos_patterns/pattern_1" "contrib_scores" "non-finite" -- \
  call_hits -m nan.h5 -o hits_nan
refuses "modisco_inf_cwm_names_pattern_and_dataset" "inf.h5:pos_patterns/pattern_1" "contrib_scores" -- \
  call_hits -m inf.h5 -o hits_inf
printf 'pos_patterns.pattern_0\npos_patterns.pattern_2\n' > others.txt
call_hits -m "$DEMO/demo_modisco.h5" -I others.txt -o hits_others 2> /dev/null
call_hits -m zero.h5 -o hits_zero 2> zero.err; rc=$?
if [[ $rc == 0 ]] && grep -qF "pos_patterns.pattern_1" zero.err && cmp -s hits_zero/hits.tsv hits_others/hits.tsv; then
  pass "modisco_all_zero_cwm_left_out_with_warning_others_unchanged"
else
  fail "modisco_all_zero_cwm_left_out_with_warning_others_unchanged (exit $rc: $(head -c 300 zero.err))"
fi

# ---- D15: damaged modisco files -----------------------------------------------
"$PY" - "$DEMO/demo_modisco.h5" <<'EOF'
import sys
src = open(sys.argv[1], "rb").read()
open("trunc.h5", "wb").write(src[: len(src) // 2])
# Bit flips that made the old release exit 4 (a string or vector of a huge
# length) or run out of memory.
for at, bit in [(1407, 2), (1486, 6), (5823, 2), (8974, 1)]:
    b = bytearray(src)
    b[at] ^= 1 << bit
    open("flip%d.h5" % at, "wb").write(bytes(b))
EOF
refuses "modisco_truncated_is_bad_input" "trunc.h5" -- call_hits -m trunc.h5 -o hits_trunc
for at in 1407 1486 5823 8974; do
  refuses "modisco_bit_flip_${at}_is_bad_input" "flip$at.h5" -- call_hits -m "flip$at.h5" -o "hits_flip$at"
done
refuses "modisco_wrong_rank_names_dataset" "rank.h5:pos_patterns/pattern_1" "contrib_scores" -- call_hits -m rank.h5 -o hits_rank
refuses "modisco_wrong_dtype_names_dataset" "dtype.h5" "contrib_scores" -- call_hits -m dtype.h5 -o hits_dtype

# ---- D18: -L / -N tables -------------------------------------------------------
printf 'pos_patterns.pattern_0\t0.5\npos_patterns.patern_1\t0.9\n' > lambdas.tsv
refuses "call_hits_lambda_unknown_key_names_file_line_and_valid_names" "lambdas.tsv:2" "'pos_patterns.patern_1'" \
  "pos_patterns.pattern_1" -- call_hits -m "$DEMO/demo_modisco.h5" -L lambdas.tsv -o hits_l
printf 'pos_patterns.pattern_0\tAP1\npos_patterns.pattern_9\tCTCF\n' > names.tsv
refuses "call_hits_names_unknown_key_names_file_line" "names.tsv:2" "'pos_patterns.pattern_9'" -- \
  call_hits -m "$DEMO/demo_modisco.h5" -N names.tsv -o hits_n
printf 'pos_patterns.pattern_0\t0.5\npos_patterns.pattern_1\t0.6\npos_patterns.pattern_0\t0.9\n' > lambdas_dup.tsv
refuses "call_hits_lambda_duplicate_key_names_both_lines" "lambdas_dup.tsv:3" "lines 1 and 3" -- \
  call_hits -m "$DEMO/demo_modisco.h5" -L lambdas_dup.tsv -o hits_ld
printf 'pos_patterns.pattern_0\tAP1\npos_patterns.pattern_0\tCTCF\n' > names_dup.tsv
refuses "call_hits_names_duplicate_key_names_both_lines" "names_dup.tsv:2" "lines 1 and 2" -- \
  call_hits -m "$DEMO/demo_modisco.h5" -N names_dup.tsv -o hits_nd
call_hits -m "$DEMO/demo_modisco.h5" -N "$DEMO/demo_motif_names.tsv" -o hits_ok 2> /dev/null &&
  pass "call_hits_demo_names_table_accepted" || fail "call_hits_demo_names_table_accepted"

# ---- D10: NaN weights ------------------------------------------------------------
"$PY" - "$DEMO/demo.s2fm" <<'EOF' || { echo "cannot write the model variants"; exit 1; }
import json, sys
import h5py, numpy as np
import s2f_model_export as ex
# An s2f model file with one NaN weight and a matching content hash.
with h5py.File(sys.argv[1], "r") as f:
    text = f.attrs["architecture"]
    text = text.decode() if isinstance(text, bytes) else text
    arch = json.loads(text)
    weights = {l: {k: np.asarray(f["weights"][l][k]) for k in f["weights"][l]} for l in f["weights"]}
layer = next(l["name"] for l in arch["layers"] if l["name"] in weights and "kernel" in weights[l["name"]])
weights[layer]["kernel"].flat[5] = np.nan
open("nan_layer.txt", "w").write(layer)
ex.write_model("nan.s2fm", arch, weights)
from s2f_testing import write_tiny_keras as write_keras
k = np.random.default_rng(1).normal(size=(3, 4, 2))
write_keras("keras_ok.h5", k)
k[1, 2, 0] = np.nan
write_keras("keras_nan.h5", k)
EOF
"$BIN/s2f-model-info" keras_ok.h5 > /dev/null 2>&1 && pass "keras_model_without_nan_accepted" ||
  fail "keras_model_without_nan_accepted"
refuses "keras_nan_weight_names_layer_and_weight" "keras_nan.h5" "conv_a" "'kernel'" "non-finite" -- \
  "$BIN/s2f-model-info" keras_nan.h5
refuses "s2f_model_nan_weight_names_layer_and_weight" "nan.s2fm" "$(cat nan_layer.txt)" "'kernel'" "non-finite" -- \
  "$BIN/s2f-model-info" nan.s2fm

finish
