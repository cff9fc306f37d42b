#!/usr/bin/env bash
# s2f-encode on real data: the hg38 chr22 excerpt (300 kb, named chr22) and
# 9,212 real dbSNP variants in full chr22 coordinates. Every variant lies
# outside the excerpt, so every one must reach the side file with its reason;
# shifted into the excerpt they must encode, with REF mismatches flagged and
# the wrong-build warning given; windows are checked against samtools faidx.
# Skips (exit 77) when ../shared/data is absent.
set -euo pipefail
BIN=${S2F_BIN_DIR:?set S2F_BIN_DIR}
SRC=${S2F_SOURCE_DIR:?set S2F_SOURCE_DIR}
PY=/usr/bin/python3
DATA="$SRC/../shared/data"
EX="$DATA/genome/hg38-chr22-excerpt"
[[ -f "$EX/hg38_chr22_32000000_32300000.fa" ]] || { echo "skip: $DATA not present"; exit 77; }
command -v samtools >/dev/null || { echo "skip: samtools not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
# The shared data is read-only: index a private copy.
cp "$EX/hg38_chr22_32000000_32300000.fa" chr22x.fa
G=chr22x.fa
VCF="$EX/chr22_ENST00000319363.vcf.gz"
fails=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
view() { "$BIN/s2f-view" -q "$@"; }

# All real variants are beyond the excerpt's 300 kb: none encoded, all explained.
"$BIN/s2f-encode" -g $G -L 1000 --vcf "$VCF" -o real.s2f 2>real.err
n_alt=$(zcat "$VCF" | grep -v '^#' | awk -F'\t' '{n += split($5, a, ",")} END {print n}')
[[ $(view real.s2f | wc -l) == 1 ]] && pass "no real variant encoded" || bad "no real variant encoded"
[[ $(grep -c "lies beyond the end of chr22" real.s2f.skipped.tsv) == "$n_alt" ]] && pass "all $n_alt variants in the side file with the reason" \
  || bad "side file count"
grep -q "skipped $n_alt" real.err && pass "skips counted in the run summary" || { bad "summary count"; cat real.err; }

# Shifted into the excerpt: windows match samtools, mismatches are flagged,
# and most mismatching means "wrong genome build".
zcat "$VCF" | awk -F'\t' -v OFS='\t' '/^#/ {print; next} {$2 = $2 - 17565850 + 100000; print}' > shifted.vcf
"$BIN/s2f-encode" -g $G -L 1001 --vcf shifted.vcf -o shifted.s2f 2>shifted.err
view shifted.s2f > shifted.tsv
$PY "$SRC/tests/genome/check_windows.py" $G 1001 shifted.tsv && pass "shifted real variants (L=1001) match samtools" || bad "shifted windows"
grep -q "wrong genome build" shifted.err && pass "wrong-build warning" || { bad "wrong-build warning"; cat shifted.err; }
"$BIN/s2f-encode" -q -g $G -L 2114 --vcf shifted.vcf -o shifted_even.s2f
view shifted_even.s2f > shifted_even.tsv
$PY "$SRC/tests/genome/check_windows.py" $G 2114 shifted_even.tsv && pass "shifted real variants (L=2114) match samtools" || bad "even windows"

# Sampled positions on the real sequence, both window parities.
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 300 --margin 1100 -o pos.s2f
for L in 2114 1001; do
  "$BIN/s2f-encode" -q -g $G -L $L pos.s2f -o pos$L.s2f
  view pos$L.s2f > pos$L.tsv
  $PY "$SRC/tests/genome/check_windows.py" $G $L pos$L.tsv && pass "real positions L=$L match samtools" || bad "positions L=$L"
done

# Real peaks (chr21/chr22, full coordinates): every record is encoded or explained.
cp "$DATA/peaks/ENCSR000AKO_100.bed" peaks.narrowPeak
"$BIN/s2f-encode" -g $G -L 2114 peaks.narrowPeak -o peaks.s2f 2>peaks.err
out=$(( $(view peaks.s2f | wc -l) - 1 ))
skipped=$(( $(wc -l < peaks.s2f.skipped.tsv) - 1 ))
[[ $((out + skipped)) == 100 ]] && pass "100 real peaks: $out encoded + $skipped in the side file" || bad "peaks accounted"
grep -q "chromosome 'chr21' is not in the genome" peaks.s2f.skipped.tsv && pass "chr21 peaks explained" || bad "chr21 reason"

# Real GTF: its transcript lies outside the excerpt, so the TSS sampler says so.
"$BIN/s2f-sample-positions" -g $G --strategy tss --gene-type any --annotation "$EX/chr22_ENST00000319363.gtf" \
  -o tss.s2f 2>tss.err
grep -q "beyond their ends" tss.err && pass "real GTF outside the excerpt reported" || { bad "GTF report"; cat tss.err; }

echo "$fails failure(s)"
exit $((fails > 0))
