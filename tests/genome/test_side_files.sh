#!/usr/bin/env bash
# One rule for side files of skipped records, in every stage: --skipped FILE
# (alias --na); else OUTPUT.skipped.tsv next to -o; else, with the output on
# stdout, no side file at all (skips are still counted). Nothing may appear
# in the current directory behind the user's back, and stream headers never
# record an absolute path the user did not type.
# Needs: S2F_BIN_DIR, S2F_SOURCE_DIR, /usr/bin/python3.
set -uo pipefail
BIN=${S2F_BIN_DIR:?set S2F_BIN_DIR}
SRC=${S2F_SOURCE_DIR:?set S2F_SOURCE_DIR}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
$PY "$SRC/tests/genome/make_synthetic_genome.py" "$T/syn" >/dev/null
G=$T/syn/genome.fa
# Inputs that produce skips: the synthetic VCF has symbolic, breakend and
# unknown-chromosome records; a GTF with a malformed line under --skip-bad.
{ cat "$T/syn/genes.gtf"; printf 'chr1\tbroken line\n'; } > "$T/bad.gtf"
"$BIN/s2f-encode" -q -g "$G" -L 500 --bed "$T/syn/peaks.bed" -o "$T/bed.s2f"
"$BIN/s2f-predict" -q --model demo "$T/bed.s2f" -o "$T/bed.tensors.s2f"
header_has_no_tmp() { ! "$BIN/s2f-view" -q --header "$1" | grep -qF "$T"; }

# --- output on stdout, run from an empty directory: no file appears --------
mkdir "$T/empty" && cd "$T/empty" || exit 1  # relative paths: headers must not gain absolute ones
"$BIN/s2f-encode" -g ../syn/genome.fa -L 500 --vcf ../syn/variants.vcf > ../enc.s2f 2> ../enc.err
grep -q "skipped [1-9]" ../enc.err && pass "encode to stdout counts its skips" || { bad "encode skips counted"; cat ../enc.err; }
"$BIN/s2f-sample-positions" -g ../syn/genome.fa --annotation ../bad.gtf --skip-bad --strategy tss --count 5 > ../pos.s2f 2> ../pos.err
grep -q "skipped [1-9]" ../pos.err && pass "sample-positions to stdout counts its skips" || { bad "sample-positions skips counted"; cat ../pos.err; }
"$BIN/s2f-predict" -q --model demo -g ../syn/genome.fa --vcf ../syn/variants.vcf > ../pred.s2f
"$BIN/s2f-score" -q --emit effect ../bed.tensors.s2f > ../score.s2f
# D5: the encode child's skips are counted in predict's summary, so in + skipped
# covers every input line (0513cd8 printed "in 8 out 8" for 10 VCF lines).
"$BIN/s2f-predict" --model demo -g ../syn/genome.fa --vcf ../syn/variants.vcf > /dev/null 2> ../pred.err
enc_skips=$(grep -o "skipped [0-9]*" ../enc.err | head -1)
pred_skips=$(grep -o "skipped [0-9]*" ../pred.err | head -1)
[[ -n "$enc_skips" && "$pred_skips" == "$enc_skips" ]] \
  && pass "predict --vcf counts the encode child's skips ($pred_skips, as s2f-encode)" \
  || { bad "predict --vcf skip count '$pred_skips' vs encode '$enc_skips'"; cat ../pred.err; }
left=$(ls -A)
[[ -z "$left" ]] && pass "no side file in the current directory" || bad "files appeared in the current directory: $left"
for f in enc pos pred; do
  header_has_no_tmp "$T/$f.s2f" && pass "$f header (stdout) has no absolute path" || bad "$f header names $T"
done
"$BIN/s2f-view" -q --header "$T/enc.s2f" | grep -q na_file && bad "na_file recorded with no side file" \
  || pass "no na_file key without a side file"

# --- with -o FILE the side file is FILE.skipped.tsv -------------------------
cd "$T" && mkdir out || exit 1
"$BIN/s2f-encode" -q -g syn/genome.fa -L 500 --vcf syn/variants.vcf -o out/enc.s2f
[[ -s out/enc.s2f.skipped.tsv ]] && grep -q 'symbolic ALT' out/enc.s2f.skipped.tsv \
  && pass "encode -o FILE: FILE.skipped.tsv" || bad "encode side file"
"$BIN/s2f-view" -q --header out/enc.s2f | grep -q '"na_file": "out/enc.s2f.skipped.tsv"' \
  && pass "encode header: na_file as the relative path" || bad "encode na_file not relative"
header_has_no_tmp out/enc.s2f && pass "encode header (-o) has no absolute path" || bad "encode header names $T"
"$BIN/s2f-sample-positions" -q -g syn/genome.fa --annotation bad.gtf --skip-bad --strategy tss --count 5 -o out/pos.s2f
[[ -s out/pos.s2f.skipped.tsv ]] && pass "sample-positions -o FILE: FILE.skipped.tsv" || bad "sample-positions side file"
header_has_no_tmp out/pos.s2f && pass "sample-positions header has no absolute path" || bad "sample-positions header names $T"
"$BIN/s2f-encode" -q -g syn/genome.fa -L 500 --vcf syn/variants.vcf --na out/given.tsv -o out/enc2.s2f
[[ -s out/given.tsv && ! -e out/enc2.s2f.skipped.tsv ]] && pass "--na (alias of --skipped) names the side file" \
  || bad "--na alias"
"$BIN/s2f-predict" --model demo -g syn/genome.fa --vcf syn/variants.vcf -o out/pred.s2f 2> pred.err
[[ -s out/pred.s2f.skipped.tsv ]] && cmp -s out/pred.s2f.skipped.tsv out/enc.s2f.skipped.tsv \
  && pass "predict --vcf -o FILE: the encode child's skips in FILE.skipped.tsv" || bad "predict side file"
header_has_no_tmp out/pred.s2f && pass "predict header has no absolute path" || bad "predict header names $T"
[[ $(ls out) == $'enc.s2f\nenc.s2f.skipped.tsv\nenc2.s2f\ngiven.tsv\npos.s2f\npos.s2f.skipped.tsv\npred.s2f\npred.s2f.skipped.tsv' ]] \
  && pass "no other files next to the outputs" || bad "unexpected files: $(ls out | tr '\n' ' ')"

echo "$fails failed"
[[ $fails == 0 ]]
