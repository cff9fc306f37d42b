#!/usr/bin/env bash
# The "Messages" part of the seed-fidelity issue: an intervals BED on a
# chromosome the genome lacks names the chromosome (and file:line), both
# when nothing is left (exit 1) and when other regions remain (a warning);
# a model file that is not there says "not found", for every way a model is
# named (s2f model file, Keras .h5, JSON) and in s2f-model-info.
set -u
source "${S2F_SOURCE_DIR:?}/tests/lib/harness.sh"
cd "$tmp"

# expect NAME CODE PATTERN -- COMMAND...: exit CODE, stderr holds PATTERN, no output file.
expect() {
  local name=$1 code=$2 pat=$3
  shift 4
  rm -f out.s2f
  "$@" > /dev/null 2> err.txt
  local rc=$?
  if [[ $rc != "$code" ]]; then fail "$name (exit $rc, expected $code: $(head -c 300 err.txt))"; return; fi
  grep -qF -- "$pat" err.txt || { fail "$name (message lacks '$pat': $(head -c 300 err.txt))"; return; }
  [[ -e out.s2f ]] && { fail "$name (an output was left)"; return; }
  pass "$name"
}

"$PY" -c "
import random
random.seed(3)
print('>chr1'); s=''.join(random.choice('ACGT') for _ in range(20000))
for i in range(0, len(s), 60): print(s[i:i+60])" > g.fa
printf 'chrUn_KI270302v1\t100\t5000\n' > other.bed
expect "intervals_on_missing_chromosome_name_it" 1 "chromosome 'chrUn_KI270302v1' is not in" -- \
  "$BIN/s2f-sample-positions" -g g.fa --strategy intervals --intervals other.bed --count 5 --seed 1 -o out.s2f
grep -qF "other.bed:1" err.txt && pass "intervals_on_missing_chromosome_name_file_line" ||
  fail "intervals_on_missing_chromosome_name_file_line ($(head -c 300 err.txt))"
printf 'chr2\t100\t5000\nchr1\t1000\t9000\n' > mixed.bed
"$BIN/s2f-sample-positions" -g g.fa --strategy intervals --intervals mixed.bed --count 5 --seed 1 -o out.s2f 2> err.txt
rc=$?
[[ $rc == 0 ]] && grep -qF "chromosomes the genome lacks: chr2 (mixed.bed:1)" err.txt &&
  pass "intervals_partly_on_missing_chromosome_warn_naming_it" ||
  fail "intervals_partly_on_missing_chromosome_warn_naming_it (exit $rc: $(head -c 300 err.txt))"

"$BIN/s2f-encode" -q -L 500 --fasta-records "$SRC/tests/golden/encode/records.fa" -o seqs.s2f ||
  { echo "cannot encode the test sequences"; exit 1; }
for m in missing.s2fm missing.h5 missing.json; do
  expect "predict_missing_model_${m#missing.}_not_found" 3 "model file not found: $m" -- \
    "$BIN/s2f-predict" -q -m "$m" -o out.s2f seqs.s2f
done
expect "model_info_missing_model_not_found" 3 "model file not found: missing.s2fm" -- "$BIN/s2f-model-info" missing.s2fm
expect "ism_missing_model_not_found" 3 "model file not found: gone.h5" -- \
  "$BIN/s2f-ism" -q -m gone.h5 -o out.s2f seqs.s2f
grep -q "not an HDF5 file" err.txt && fail "missing model never called 'not an HDF5 file'" || pass "missing_model_not_called_not_hdf5"
finish
