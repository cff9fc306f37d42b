#!/usr/bin/env bash
# s2f-encode --windows selene against a transcription of Selene's window code
# (tests/genome/selene_windows.py), on every variant of the real chr22 VCF
# excerpt (9,212 dbSNP variants: SNVs, insertions, deletions), shifted into
# the 300-kb hg38 excerpt as test_encode_real.sh does, each given a strand
# column (+, -, . in turn) read through Selene's 0-based --strand-index.
# Added by hand: variants whose Selene windows reach past either end of the
# excerpt (Selene's .NA; deletion windows padded with N), REF '-' and ALT
# '-'/'*' alleles, a REF as long as the window. Odd and even L, and
# --require-strand; the --selene-na list against Selene's .NA lines. Skips (exit 77) when ../shared/data is absent.
set -euo pipefail
BIN=${S2F_BIN_DIR:?set S2F_BIN_DIR}
SRC=${S2F_SOURCE_DIR:?set S2F_SOURCE_DIR}
PY=/usr/bin/python3
DATA="$SRC/../shared/data"
EX="$DATA/genome/hg38-chr22-excerpt"
[[ -f "$EX/hg38_chr22_32000000_32300000.fa" ]] || { echo "skip: $DATA not present"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
cp "$EX/hg38_chr22_32000000_32300000.fa" chr22x.fa
G=chr22x.fa
fails=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# Real variants shifted into the excerpt, strand in column 9 (index 8).
zcat "$EX/chr22_ENST00000319363.vcf.gz" | awk -F'\t' -v OFS='\t' '
  /^##/ {print; next}
  /^#/ {print $1, $2, $3, $4, $5, $6, $7, $8, "STRAND"; next}
  {n++; s = substr("+-.", n % 3 + 1, 1); print $1, $2 - 17565850 + 100000, $3, $4, $5, $6, $7, $8, s}' > real.vcf
n_real=$(grep -vc '^#' real.vcf)
# Hand-made edge cases, their REF read from the excerpt itself.
cp real.vcf selene.vcf
$PY - "$G" >> selene.vcf <<'EOF'
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
n = len(seq)
def ref(pos, r):  # 1-based POS, r bases
    return seq[pos - 1:pos - 1 + r].upper()
rows = [
    (3, "edge_start_snv", ref(3, 1), "A" if ref(3, 1) != "A" else "C", "+"),
    (n - 2, "edge_end_snv", ref(n - 2, 1), "A" if ref(n - 2, 1) != "A" else "C", "-"),
    (498, "del_left_pad", ref(498, 5), ref(498, 1), "+"),      # L=1001: lhs starts before the excerpt
    (n - 503, "del_right_pad", ref(n - 503, 5), ref(n - 503, 1), "-"),  # L=1001: rhs runs past its end
    (150000, "ins_empty_ref", "-", "GATTACA", "+"),
    (150010, "ins_empty_ref_minus", "-", "GAT", "-"),
    (150020, "del_dash", ref(150020, 3), "-", "+"),
    (150030, "del_star", ref(150030, 2), "*", "-"),
    (150040, "multi", ref(150040, 1), "A,CG,T" if ref(150040, 1) != "A" else "C,CG,T", "-"),
    (150050, "mismatch", "A" if ref(150050, 1) != "A" else "C", "G", "+"),
    (150060, "long_ins", ref(150060, 1), "ACGT" * 300, "+"),
    (160000, "long_ref", ref(160000, 1200), ref(160000, 1), "+"),
    (160000, "long_ref_minus", ref(160000, 1100), ref(160000, 1), "-"),
]
for pos, name, r, a, s in rows:
    print("\t".join(["chr22", str(pos), name, r, a, ".", "PASS", ".", s]))
EOF

for L in 1001 1000; do
  "$BIN/s2f-encode" -q -g $G -L $L --windows selene --strand-index 8 --vcf selene.vcf -o sel$L.s2f --skipped sel$L.na \
    --selene-na sel$L.NA
  "$BIN/s2f-view" -q sel$L.s2f > sel$L.tsv
  if $PY "$SRC/tests/genome/selene_windows.py" $G $L selene.vcf sel$L.tsv sel$L.na --strand-index 8 --selene-na sel$L.NA; then
    pass "L=$L: every window equals Selene's, and the --selene-na list its .NA ($n_real real variants + edge cases)"
  else
    bad "L=$L windows"
  fi
done
# Unshifted, every real variant lies beyond the excerpt: all in Selene's .NA.
zcat "$EX/chr22_ENST00000319363.vcf.gz" > beyond.vcf
"$BIN/s2f-encode" -q -g $G -L 1000 --windows selene --vcf beyond.vcf -o beyond.s2f --skipped beyond.na --selene-na beyond.NA
"$BIN/s2f-view" -q beyond.s2f > beyond.tsv
$PY "$SRC/tests/genome/selene_windows.py" $G 1000 beyond.vcf beyond.tsv beyond.na --selene-na beyond.NA \
  && [[ $(wc -l < beyond.NA) == $n_real ]] && pass "all $n_real real variants beyond the excerpt: --selene-na = Selene's .NA" \
  || bad "Selene's .NA of the unshifted VCF"
"$BIN/s2f-encode" -q -g $G -L 999 --windows selene --strand-index 8 --require-strand --vcf selene.vcf -o req.s2f --skipped req.na
"$BIN/s2f-view" -q req.s2f > req.tsv
$PY "$SRC/tests/genome/selene_windows.py" $G 999 selene.vcf req.tsv req.na --strand-index 8 --require-strand \
  && pass "--require-strand: '.' variants dropped as Selene drops them" || bad "--require-strand"
grep -q "no strand ('.') while --require-strand is set" req.na && pass "'.' variants in the side file with the reason" \
  || bad "require-strand reason"

# The s2f rule differs where the issue says it does: odd-L SNVs one base later.
"$BIN/s2f-encode" -q -g $G -L 1001 --strand-index 8 --vcf real.vcf -o s2f1001.s2f --skipped s2f1001.na
"$BIN/s2f-view" -q s2f1001.s2f | awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
  $c["id"] == "rs1160020292" && $c["allele"] == "R" {print $c["start"]}' > s2f_start.txt
awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
  $c["id"] == "rs1160020292" && $c["allele"] == "R" {print $c["start"]}' sel1001.tsv > sel_start.txt
[[ $(cat sel_start.txt) == $(( $(cat s2f_start.txt) + 1 )) ]] && pass "odd L: Selene's SNV window starts one base later than s2f's (SNV at L//2-1)" \
  || bad "odd-L offset: s2f $(cat s2f_start.txt), selene $(cat sel_start.txt)"

# Option errors: one rule at a time; 0-based and 1-based strand columns agree.
if "$BIN/s2f-encode" -q -g $G -L 11 --windows selene --variant-index 3 --vcf real.vcf -o x.s2f 2>err.txt; then
  bad "--windows selene with --variant-index accepted"
else
  [[ $? == 2 ]] && grep -q "give one" err.txt && pass "--windows selene with --variant-index refused" || bad "message: $(cat err.txt)"
fi
if "$BIN/s2f-encode" -q -g $G -L 11 --strand-index 8 --strand-column 9 --vcf real.vcf -o x.s2f 2>err.txt; then
  bad "--strand-index with --strand-column accepted"
else
  grep -q "name the same column" err.txt && pass "--strand-index with --strand-column refused" || bad "message: $(cat err.txt)"
fi
"$BIN/s2f-encode" -q -g $G -L 1001 --strand-column 9 --vcf real.vcf -o col.s2f --skipped col.na
cmp -s <("$BIN/s2f-view" -q col.s2f) <("$BIN/s2f-view" -q s2f1001.s2f) && pass "--strand-index 8 = --strand-column 9" \
  || bad "--strand-index and --strand-column disagree"
if "$BIN/s2f-encode" -q -g $G -L 11 --windows selenium --vcf real.vcf -o x.s2f 2>err.txt; then
  bad "--windows selenium accepted"
else
  grep -q "s2f or selene" err.txt && pass "unknown --windows refused" || bad "message: $(cat err.txt)"
fi
# Without --windows selene, '-' alleles stay errors naming the line.
if "$BIN/s2f-encode" -q -g $G -L 1001 --vcf selene.vcf -o x.s2f 2>err.txt; then
  bad "'-' REF accepted under the s2f rule"
else
  grep -q "REF '-'" err.txt && grep -q "selene.vcf:" err.txt && pass "'-' REF refused under the s2f rule, naming the line" || bad "message: $(cat err.txt)"
fi

echo "$fails failure(s)"
exit $((fails > 0))
