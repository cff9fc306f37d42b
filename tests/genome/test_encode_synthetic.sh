#!/usr/bin/env bash
# End-to-end checks of s2f-encode and s2f-sample-positions on the synthetic
# genome: windows against samtools faidx, side-file reasons, determinism
# across threads, shard concatenation and every bad-input case.
# Needs: S2F_BIN_DIR, S2F_SOURCE_DIR, samtools, bgzip, /usr/bin/python3.
set -euo pipefail
BIN=${S2F_BIN_DIR:?set S2F_BIN_DIR}
SRC=${S2F_SOURCE_DIR:?set S2F_SOURCE_DIR}
PY=/usr/bin/python3
for tool in samtools bgzip; do
  command -v $tool >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export XDG_CACHE_HOME=$T/cache  # where indexes of genomes without one go (never next to the genome)
$PY "$SRC/tests/genome/make_synthetic_genome.py" syn
G=syn/genome.fa
fails=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@" >check.log 2>&1; then pass "$name"; else bad "$name"; cat check.log; fi; }
# expect_fail NAME CODE PATTERN cmd...: must exit CODE with PATTERN on stderr.
expect_fail() {
  local name=$1 code=$2 pattern=$3; shift 3
  set +e; "$@" >/dev/null 2>err.txt; local rc=$?; set -e
  if [[ $rc == "$code" ]] && grep -q -- "$pattern" err.txt; then pass "$name"; else bad "$name (rc $rc)"; cat err.txt; fi
}
view() { "$BIN/s2f-view" -q "$@"; }

# --- variant windows, odd and even L, explicit index -------------------------
for L in 11 12 1000; do
  "$BIN/s2f-encode" -q -g $G -L $L --vcf syn/variants.vcf -o v$L.s2f
  view v$L.s2f > v$L.tsv
  check "variant windows L=$L match samtools" $PY "$SRC/tests/genome/check_windows.py" $G $L v$L.tsv
done
grep -q $'sym1\t.*symbolic ALT <DEL>' v11.s2f.skipped.tsv && pass "symbolic ALT in side file" || bad "symbolic ALT in side file"
grep -q $'bnd1\t.*breakend ALT' v11.s2f.skipped.tsv && pass "breakend in side file" || bad "breakend in side file"
grep -q $'unknown1\t.*not in the genome' v11.s2f.skipped.tsv && pass "unknown chromosome in side file" || bad "unknown chromosome"
grep -q $'nearstart1\t.*runs off the chromosome' v1000.s2f.skipped.tsv && pass "window off contig start" || bad "window off contig start"
grep -q $'nearend1\t.*runs off the chromosome' v1000.s2f.skipped.tsv && pass "window off contig end" || bad "window off contig end"
[[ $(grep -c $'^multi1:.\t' v11.tsv) == 6 ]] && pass "multi-allelic: one variant per ALT" || bad "multi-allelic split"
awk -F'\t' '$1=="mismatch1" && $9!=0 {e=1} END{exit e}' v11.tsv && pass "ref mismatch flagged" || bad "ref mismatch flagged"
awk -F'\t' '$1=="snv0" && $6=="R" {print substr($11, 6, 1), $7}' v12.tsv | awk '$1!=$2{exit 1}' \
  && pass "even L: SNV REF at index L/2-1" || bad "even L SNV index"
"$BIN/s2f-encode" -q -g $G -L 12 --variant-index 0 --vcf syn/variants.vcf -o vi.s2f
view vi.s2f > vi.tsv
check "--variant-index 0 windows" $PY "$SRC/tests/genome/check_windows.py" $G 12 vi.tsv --variant-index 0

# --- chromosome renaming: one warning naming the mappings --------------------
"$BIN/s2f-encode" -g $G -L 11 --vcf syn/variants.vcf -o w.s2f 2>err.txt
[[ $(grep -c "mapped to the genome's spelling: 1 -> chr1, MT -> chrM" err.txt) == 1 ]] && pass "renaming warned once" || { bad "renaming warning"; cat err.txt; }
grep -q "ref_match" err.txt || grep -q "REF that differs" err.txt && pass "mismatch count reported" || bad "mismatch count reported"

# --- strand: BED6 strand column reverse-complements --------------------------
"$BIN/s2f-encode" -q -g $G -L 101 --bed syn/peaks.bed --strand-column 6 -o b.s2f
view b.s2f > b.tsv
check "BED windows with strand match samtools" $PY "$SRC/tests/genome/check_windows.py" $G 101 b.tsv
[[ $(awk -F'\t' 'NR>1 && $4=="-"' b.tsv | wc -l) -gt 5 ]] && pass "minus-strand windows present" || bad "minus strand"
awk -F'\t' 'NR==FNR {mid[$4]=$2+int(($3-$2)/2); next} FNR>1 && $3!=mid[$1] {exit 1}' syn/peaks.bed b.tsv \
  && pass "BED midpoint = start + floor(len/2)" || bad "BED midpoint"
"$BIN/s2f-encode" -q -g $G -L 101 --bed syn/peaks.bed --strand-column 6 --require-strand -o rs.s2f
[[ $(grep -c "no strand" rs.s2f.skipped.tsv) == $(awk '$6=="."' syn/peaks.bed | wc -l) ]] && pass "--require-strand sends '.' to side file" || bad "--require-strand"

# VCF with a strand column (here column 9): '-' reverse-complements both windows.
awk -F'\t' -v OFS='\t' '/^#/ {print; next} {print $0, (NR % 2 ? "-" : "+")}' syn/variants.vcf > stranded.vcf
"$BIN/s2f-encode" -q -g $G -L 12 --vcf stranded.vcf --strand-column 9 -o sv.s2f
view sv.s2f > sv.tsv
check "VCF strand column windows match samtools" $PY "$SRC/tests/genome/check_windows.py" $G 12 sv.tsv
[[ $(awk -F'\t' 'NR>1 && $4=="-"' sv.tsv | wc -l) -gt 10 ]] && pass "minus-strand variants present" || bad "minus-strand variants"

# --- narrowPeak: centred on the summit ---------------------------------------
"$BIN/s2f-encode" -q -g $G -L 100 syn/peaks.narrowPeak -o np.s2f
view np.s2f > np.tsv
awk -F'\t' 'NR==FNR {s[$4]=$2+$10; next} FNR>1 && $3!=s[$1] {exit 1}' syn/peaks.narrowPeak np.tsv \
  && pass "narrowPeak centred on summit" || bad "narrowPeak summit"
check "narrowPeak windows match samtools" $PY "$SRC/tests/genome/check_windows.py" $G 100 np.tsv

# --- BGZF genome gives the same windows; plain gzip is refused ---------------
bgzip -c $G > gz.fa.gz
"$BIN/s2f-encode" -q -g gz.fa.gz -L 100 syn/peaks.narrowPeak -o npz.s2f
cmp <(view npz.s2f) np.tsv && pass "BGZF genome = plain genome" || bad "BGZF genome"
[[ ! -e gz.fa.gz.fai && ! -e gz.fa.gz.gzi && -n $(find cache -name 'gz.fa.gz.*.gzi') ]] &&
  pass "BGZF .fai/.gzi built in the cache, not next to the genome" || bad "BGZF index location"
gzip -c $G > plain.fa.gz
expect_fail "plain gzip genome refused with advice" 1 "bgzip" "$BIN/s2f-encode" -g plain.fa.gz -L 10 syn/peaks.bed
mkdir ro && cp $G ro/g.fa && mkdir ro/g.fa.fai
expect_fail "an index beside the genome that cannot be read names samtools faidx" 1 "samtools faidx" \
  "$BIN/s2f-encode" -g ro/g.fa -L 10 syn/peaks.bed
expect_fail "missing genome" 3 "not found" "$BIN/s2f-encode" -g nope.fa -L 10 syn/peaks.bed

# --- positions stream from sample-positions, labels carried ------------------
"$BIN/s2f-sample-positions" -q -g $G --annotation syn/genes.gtf --strategy tss --count 20 \
  | "$BIN/s2f-encode" -q -g $G -L 200 -o tss.s2f
view tss.s2f > tss.tsv
check "TSS windows match samtools" $PY "$SRC/tests/genome/check_windows.py" $G 200 tss.tsv
head -1 tss.tsv | grep -q $'category\tpartition' && pass "category/partition carried" || bad "labels carried"

# --- FASTA records: pad floor-left / crop centre -----------------------------
printf '>short\nACGTA\n>long\nAAAACCCCGGGGTTTT\n>iupac\nacgRYn\n' > recs.fa
"$BIN/s2f-encode" -q -L 8 --fasta-records recs.fa -o recs.s2f
view recs.s2f | awk -F'\t' 'NR>1 {print $1, $11}' > recs.txt
printf 'short NACGTANN\nlong CCCCGGGG\niupac NACGNNNN\n' | cmp - recs.txt && pass "FASTA pad/crop" || { bad "FASTA pad/crop"; cat recs.txt; }
printf 'ACGTACGTAC\nid2\tGG\n' > seqs.txt
"$BIN/s2f-encode" -q -L 4 --sequences seqs.txt | view | awk -F'\t' 'NR>1 {print $1, $11}' > seqs.out
printf 'seq1 TACG\nid2 NGGN\n' | cmp - seqs.out && pass "raw sequences" || { bad "raw sequences"; cat seqs.out; }

# --- determinism: threads and shards ----------------------------------------
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 20000 --margin 600 -t 1 -o r1.s2f
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 20000 --margin 600 -t 2 -o r2.s2f
cmp <(view r1.s2f) <(view r2.s2f) && pass "sample-positions -t1 = -t2" || bad "sample-positions threads"
"$BIN/s2f-encode" -q -g $G -L 1000 -t 1 r1.s2f -o e1.s2f
"$BIN/s2f-encode" -q -g $G -L 1000 -t 2 r1.s2f -o e2.s2f
cmp <(view e1.s2f) <(view e2.s2f) && pass "encode -t1 = -t2" || bad "encode threads"
[[ $(stat -c %s e1.s2f) == $(( $(stat -c %s e2.s2f) - 0 )) ]] && pass "encode -t1/-t2 same size" || bad "encode sizes"
for k in 1 2 3; do
  "$BIN/s2f-sample-positions" -q -g $G --strategy random --count 20000 --margin 600 --shard $k/3 | view --no-header-line
done > shards.tsv
cmp shards.tsv <(view --no-header-line r1.s2f) && pass "shards concatenate to the whole" || bad "shard concatenation"
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 100 --seed 7 | view > s7a.tsv
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 100 --seed 8 | view > s8.tsv
cmp -s s7a.tsv s8.tsv && bad "seeds change the sample" || pass "seeds change the sample"

# --- sampling rules: margins, holdouts, quotas, SNP REF ----------------------
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 5000 --margin 600 --blacklist syn/blacklist.bed \
  --validation-holdout chr2 --test-holdout 0.2 | view > hold.tsv
awk -F'\t' 'NR>1 && $2=="chr2" && $6!="validate" {exit 1}' hold.tsv && pass "chromosome holdout" || bad "chromosome holdout"
awk -F'\t' 'NR>1 && $6=="test" {t++} NR>1 {n++} END {f=t/n; exit !(f>0.1 && f<0.3)}' hold.tsv && pass "proportional holdout" || bad "proportional holdout"
awk -F'\t' 'NR==FNR {b[NR]=$0; n=NR; next} FNR>1 {for (i=1;i<=n;i++) {split(b[i],x,"\t"); if ($2==x[1] && $3>=x[2] && $3<x[3]) exit 1}}' \
  syn/blacklist.bed hold.tsv && pass "blacklist respected" || bad "blacklist"
awk -F'\t' 'NR>1 && ($3<600) {exit 1}' hold.tsv && pass "contig-end margin" || bad "contig-end margin"
"$BIN/s2f-sample-positions" -q -g $G --strategy random --count 300 --validation-holdout chr2 --mode validate | view > val.tsv
awk -F'\t' 'NR>1 && $2!="chr2" {exit 1}' val.tsv && pass "--mode validate" || bad "--mode validate"
"$BIN/s2f-sample-positions" -g $G --strategy ccre --ccres syn/ccres.bed --count 80 2>cc.err | view > cc.tsv
[[ $(awk -F'\t' 'NR>1 {c[$5]++} END {for (k in c) if (c[k]!=10) bad=1; print length(c) (bad?"x":"")}' cc.tsv) == 8 ]] \
  && pass "cCRE quotas: 10 per category" || { bad "cCRE quotas"; cat cc.err; }
grep -q "PLS 10" cc.err && pass "per-category summary on stderr" || bad "per-category summary"
"$BIN/s2f-sample-positions" -q -g $G --strategy snps --count 500 --margin 20000 --chromosomes chr1,chr2,chr3 | view > snp.tsv
awk -F'\t' 'NR>1 {print $2":"$3+1"-"$3+1}' snp.tsv | xargs samtools faidx $G | grep -v '>' | tr a-z A-Z > snp.ref
cmp snp.ref <(awk -F'\t' 'NR>1 {print $5}' snp.tsv) && pass "SNP REF = FASTA" || bad "SNP REF"
awk -F'\t' 'NR>1 && ($5==$6 || $3<20000) {exit 1}' snp.tsv && pass "SNP ALT differs, margin kept" || bad "SNP ALT/margin"
"$BIN/s2f-sample-positions" -q -g $G --strategy intergenic --annotation syn/genes.gtf --count 2000 --margin 1000 | view > ig.tsv
awk -F'\t' 'NR==FNR && $3=="gene" {n++; c[n]=$1; s[n]=$4-1-1000; e[n]=$5+1000; next}
  FNR>1 {for (i=1;i<=n;i++) if ($2==c[i] && $3>=s[i] && $3<e[i]) exit 1}' syn/genes.gtf ig.tsv \
  && pass "intergenic outside genes +- margin" || bad "intergenic margin"

# --- bad input: file:line, --skip-bad, usage ---------------------------------
printf 'chr1\t100\t200\nchr1\tx\t300\n' > badbed.bed
expect_fail "malformed BED names file:line" 1 "badbed.bed:2" "$BIN/s2f-encode" -g $G -L 10 badbed.bed
"$BIN/s2f-encode" -q -g $G -L 10 badbed.bed --skip-bad -o sb.s2f
grep -q $'badbed.bed:2\tmalformed' sb.s2f.skipped.tsv && pass "--skip-bad writes the side file" || bad "--skip-bad"
printf 'chr1\t100\n' > short.bed
expect_fail "BED with 2 columns" 1 "needs at least 3" "$BIN/s2f-encode" -g $G -L 10 short.bed
printf 'chr1\t300\t200\n' > rev.bed
expect_fail "BED end before start" 1 "ends before it starts" "$BIN/s2f-encode" -g $G -L 10 rev.bed
printf 'chr1\t100\t200\tp\t0\t.\t1\t-1\t1\t500\n' > badsummit.narrowPeak
expect_fail "summit outside peak" 1 "summit" "$BIN/s2f-encode" -g $G -L 10 badsummit.narrowPeak
printf 'chr1\t100\t200\tp\t0\t*\n' > badstrand.bed
expect_fail "bad strand value" 1 "is not +, - or ." "$BIN/s2f-encode" -g $G -L 10 --strand-column 6 badstrand.bed
printf '##fileformat=VCFv4.2\nchr1\tabc\t.\tA\tG\n' > badpos.vcf
expect_fail "VCF bad POS" 1 "badpos.vcf:2" "$BIN/s2f-encode" -g $G -L 10 badpos.vcf
printf 'chr1\t100\t.\tA\tGX\n' > badalt.vcf
expect_fail "VCF bad ALT" 1 "ALT 'GX'" "$BIN/s2f-encode" -g $G -L 10 badalt.vcf
printf 'chr1\t100\t.\n' > fewcols.vcf
expect_fail "VCF too few columns" 1 "needs at least 5" "$BIN/s2f-encode" -g $G -L 10 fewcols.vcf
printf 'ACGT\n>x\nAC\n' > nohead.fa
expect_fail "FASTA bases before header" 1 "before the first" "$BIN/s2f-encode" -L 10 --fasta-records nohead.fa
printf 'chr1\tSYN\tgene\t100\n' > bad.gtf
expect_fail "GTF too few columns" 1 "bad.gtf:1" "$BIN/s2f-sample-positions" -g $G --strategy tss --annotation bad.gtf
expect_fail "no length" 2 "length" "$BIN/s2f-encode" -g $G syn/peaks.bed
expect_fail "two inputs" 2 "one input" "$BIN/s2f-encode" -g $G -L 10 --bed syn/peaks.bed --vcf syn/variants.vcf
expect_fail "variant index out of range" 2 "variant-index" "$BIN/s2f-encode" -g $G -L 10 --variant-index 10 --vcf syn/variants.vcf
expect_fail "unknown strategy" 2 "unknown --strategy" "$BIN/s2f-sample-positions" -g $G --strategy nope
expect_fail "bad holdout chromosome" 2 "chrZZ" "$BIN/s2f-sample-positions" -g $G --strategy random --validation-holdout chrZZ
expect_fail "bad proportion" 2 "strictly between" "$BIN/s2f-sample-positions" -g $G --strategy random --test-holdout 1.5
# Negative control: the checker must notice a wrong window.
sed '2s/\t[ACGTN]*$/\tAAAAAAAAAAA/' v11.tsv > wrong.tsv
if $PY "$SRC/tests/genome/check_windows.py" $G 11 wrong.tsv >/dev/null; then bad "negative control"; else pass "negative control: checker catches a wrong window"; fi

echo "$fails failure(s)"
exit $((fails > 0))
