#!/usr/bin/env bash
# s2f-predict reading VCF/BED directly gives the same records as
# s2f-encode | s2f-predict, and a failing encode explains itself.
set -u
B=${S2F_BIN_DIR:?}
PY=${S2F_PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 passes=0
check() { if eval "$2"; then echo "ok   $1"; passes=$((passes + 1)); else echo "FAIL $1"; fails=$((fails + 1)); fi; }
"$PY" "$HERE/../genome/make_synthetic_genome.py" "$T/g" >/dev/null
G=$T/g/genome.fa
"$B/s2f-predict" -q --model demo -g "$G" --vcf "$T/g/variants.vcf" --na "$T/a.skipped.tsv" -o "$T/a.s2f"
"$B/s2f-encode" -q -g "$G" -L 500 --vcf "$T/g/variants.vcf" --na "$T/b.skipped.tsv" | "$B/s2f-predict" -q --model demo -o "$T/b.s2f"
check "--vcf input = encode | predict" 'cmp -s <("$B/s2f-view" -q "$T/a.s2f") <("$B/s2f-view" -q "$T/b.s2f")'
check "the side file is written" 'cmp -s "$T/a.skipped.tsv" "$T/b.skipped.tsv"'
"$B/s2f-predict" -q --model demo -g "$G" --bed "$T/g/peaks.bed" -o "$T/c.s2f"
"$B/s2f-encode" -q -g "$G" -L 500 --bed "$T/g/peaks.bed" | "$B/s2f-predict" -q --model demo -o "$T/d.s2f"
check "--bed input = encode | predict" 'cmp -s <("$B/s2f-view" -q "$T/c.s2f") <("$B/s2f-view" -q "$T/d.s2f")'
out=$("$B/s2f-predict" -q --model demo -g "$G" --vcf "$T/missing.vcf" -o "$T/e.s2f" 2>&1); rc=$?
check "a failing encode shows its error" '[[ $rc != 0 && "$out" == *"s2f-encode exited with status"* && "$out" == *"missing.vcf"* ]]'
check "no output after a failed encode" '[[ ! -e "$T/e.s2f" ]]'
out=$("$B/s2f-predict" -q --model demo -g "$G" --vcf "$T/g/variants.vcf" -L 400 -o "$T/f.s2f" 2>&1); rc=$?
check "encoding for the wrong length is refused naming both lengths" '[[ $rc == 1 && "$out" == *"400 bp"* && "$out" == *"500 bp"* ]]'
echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
