#!/usr/bin/env bash
# Regression tests for the genome readers, the window encoder, the
# annotation reader and position sampling on bad input (audit defects D1,
# D7, D14, D16, D19, D23, and CRLF line endings). Each case is named after
# what it pins. Bad input must give exit 1 with a short, printable message
# naming the file (and line), or be skipped with a reason in the side file;
# never a signal, never exit 0 in silence.
set -u
BIN=${S2F_BIN_DIR:?}
SRC=${S2F_SOURCE_DIR:?}
PY=${S2F_PYTHON:-/usr/bin/python3}
export PYTHONPATH=$SRC/formats/python${PYTHONPATH:+:$PYTHONPATH}
G=$SRC/tests/golden/encode/genome.fa   # chr1 60 bp, chr2 40 bp, .fai committed
CH=$SRC/tests/golden/call_hits
fails=0 passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name (exit $rc: $(head -c 300 err))"; fi; }
cd "$tmp"
# A message is bounded and printable: one short stderr, no raw control or
# non-ASCII bytes (but the em dash of the message format).
printable() { [[ $(wc -c < "$1") -lt 2000 ]] && ! LC_ALL=C sed 's/\xe2\x80\x94/-/g' "$1" | LC_ALL=C grep -q '[^[:print:][:space:]]'; }
has() { grep -qF -- "$1" "$2"; }
encode() { "$BIN/s2f-encode" -q --na skipped.tsv -o out.s2f "$@" 2> err; rc=$?; }
sample() { "$BIN/s2f-sample-positions" -q -g "$G" -o pos.s2f "$@" 2> err; rc=$?; }

# --- D1: coordinates near the int64 limits never crash the encoder
printf 'chr1\t9223372036854775800\t9223372036854775806\tbig\n' > huge.bed
encode -g "$G" -L 10 --bed huge.bed
check "D1 bed_huge_coordinate_is_skipped_not_a_crash" \
  eval '[[ $rc == 0 ]] && grep -q $'"'"'^big\t.*lies beyond the end of chr1'"'"' skipped.tsv'

printf 'chr1\t9223372036854775000\t9223372036854775806\tpk\t0\t.\t1\t1\t1\t9223372036854775000\n' > huge.narrowPeak
encode -g "$G" -L 10 --narrowpeak huge.narrowPeak
check "D1 narrowpeak_huge_summit_is_rejected_not_wrapped" \
  eval '[[ $rc == 1 ]] && has "huge.narrowPeak:1" err && has "summit" err && printable err'

"$PY" - <<'EOF'
import numpy as np, s2f_stream
schema = [{'name': 'id', 'dtype': 'str', 'shape': []}, {'name': 'chrom', 'dtype': 'str', 'shape': []},
          {'name': 'pos', 'dtype': 'i64', 'shape': []}, {'name': 'strand', 'dtype': 'u8', 'shape': []}]
s2f_stream.write('huge.s2f', 'positions', schema, {'provenance': [{'tool': 'test_genome_inputs'}]},
                 {'id': ['top', 'bottom', 'fine'], 'chrom': ['chr1', 'chr1', 'chr1'],
                  'pos': np.array([2**63 - 2, -2**63 + 1, 30], dtype=np.int64),
                  'strand': np.array([43, 43, 43], dtype=np.uint8)})
EOF
encode -g "$G" -L 10 huge.s2f
check "D1 positions_stream_int64_limits_are_skipped_not_a_crash" \
  eval '[[ $rc == 0 ]] && grep -q $'"'"'^top\t.*beyond the end'"'"' skipped.tsv && grep -q $'"'"'^bottom\t.*before the start'"'"' skipped.tsv && [[ $("$BIN/s2f-view" -q out.s2f | wc -l) == 2 ]]'

printf 'chr1\tx\tgene\t5\t40\t.\t+\t.\tgene_id "G1"; gene_type "protein_coding";\n' > one_gene.gtf
"$BIN/s2f-sample-positions" -q -g "$G" --annotation one_gene.gtf --strategy intergenic --margin 9223372036854775807 \
  --count 20 2> err | "$BIN/s2f-view" -q > intergenic.tsv; rc=${PIPESTATUS[0]}
check "D1 huge_margin_does_not_wrap_into_genes" \
  eval '[[ $rc == 0 && $(wc -l < intergenic.tsv) == 21 ]] && ! grep -q $'"'"'\tchr1\t'"'"' intergenic.tsv'

# --- D19: negative region starts, duplicate contigs, empty files, empty records
"$PY" - "$CH/regions.npz" <<'EOF'
import sys, numpy as np
z = dict(np.load(sys.argv[1]))
z['start'] = np.array([-5000] + list(z['start'][1:]), dtype=np.int64)
np.savez('negstart.npz', **z)
EOF
"$BIN/s2f-call-hits" -q -r negstart.npz -m "$CH/motifs.h5" -o hits_out 2> err; rc=$?
check "D19 npz_negative_region_start_is_refused" \
  eval '[[ $rc == 1 ]] && has "negstart.npz" err && has "negative" err && ! [[ -s hits_out/hits.bed ]]'

printf '>chrA\nACGTACGTAC\n>chrB\nACGTACGTAC\n>chrA\nTTTTTTTTTT\n' > dup.fa
printf 'chrA\t2\t8\n' > dup.bed
encode -g dup.fa -L 4 --bed dup.bed
check "D19 duplicate_fasta_contig_is_refused_naming_both_lines" \
  eval '[[ $rc == 1 ]] && has "'"'"'chrA'"'"'" err && has "lines 1 and 5" err && has "dup.fa:5" err'

for ext in bed narrowPeak vcf; do
  : > "empty.$ext"
  encode -g "$G" -L 10 "empty.$ext"
  check "D19 empty_${ext}_file_is_an_error" eval '[[ $rc == 1 ]] && has "empty.'$ext' is empty" err'
done
: > empty.fa
encode -L 10 --fasta-records empty.fa
check "D19 empty_fasta_records_file_is_an_error" eval '[[ $rc == 1 ]] && has "empty.fa is empty" err'
encode -g empty.fa -L 10 --bed dup.bed
check "D19 empty_genome_fasta_is_an_error" eval '[[ $rc == 1 ]] && has "empty.fa is empty" err'
# Documented choice: an empty pipe is an empty input (an upstream filter kept
# nothing), not an error; a header-only VCF has no records either.
: | "$BIN/s2f-encode" -q -g "$G" -L 10 --bed - --na skipped.tsv -o out.s2f 2> err; rc=$?
check "D19 empty_pipe_is_zero_records" eval '[[ $rc == 0 ]]'
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n' > header_only.vcf
encode -g "$G" -L 10 --vcf header_only.vcf
check "D19 header_only_vcf_is_zero_records" eval '[[ $rc == 0 ]]'

printf '>empty1\n>full\nACGT\n>empty2\n' > records.fa
encode -L 4 --fasta-records records.fa
check "D19 empty_fasta_record_is_skipped_with_reason" \
  eval '[[ $rc == 0 && $("$BIN/s2f-view" -q out.s2f | wc -l) == 2 ]] && grep -q $'"'"'^empty1\trecords.fa:1\tempty record'"'"' skipped.tsv && grep -q "^empty2" skipped.tsv'

# --- D7: --gene-type matching nothing, malformed attribute columns
printf 'chr1\tx\tgene\t5\t40\t.\t+\t.\tgene_id "G1"; gene_type "protein_coding";\n' > genes.gtf
printf 'chr1\tx\tgene\t41\t50\t.\t-\t.\tgene_id "G2"; gene_type "miRNA";\n' >> genes.gtf
sample --annotation genes.gtf --strategy tss --gene-type lncRNA --count 5
check "D7 gene_type_matching_nothing_fails_listing_types" \
  eval '[[ $rc == 1 ]] && has "lncRNA" err && has "protein_coding" err && has "miRNA" err'
sample --annotation genes.gtf --strategy gene-body --gene-type lncRNA --count 5
check "D7 gene_body_gene_type_matching_nothing_fails" eval '[[ $rc == 1 ]] && has "types seen" err'
printf 'chr1\tx\tgene\t5\t40\t.\t+\t.\tgene_id "G1; gene_type protein_coding\n' > badattr.gtf
sample --annotation badattr.gtf --strategy tss --gene-type any --count 5
check "D7 malformed_gtf_attributes_name_file_line" \
  eval '[[ $rc == 1 ]] && has "badattr.gtf:1" err && has "attribute" err'
printf 'chr1\tx\tgene\t5\t40\t.\t+\t.\tgene_id\n' > badattr2.gtf
sample --annotation badattr2.gtf --strategy tss --gene-type any --count 5
check "D7 gtf_attribute_without_value_names_file_line" eval '[[ $rc == 1 ]] && has "badattr2.gtf:1" err'

# --- D14/D16: messages say what is wrong with the content, bounded and printable
head -c 3000 "$BIN/s2f-encode" > binary.bed
encode -g "$G" -L 10 --bed binary.bed
check "D14 binary_bed_says_not_text_not_cannot_open" \
  eval '[[ $rc == 1 ]] && has "binary.bed" err && has "not a text file" err && ! has "permissions" err && printable err'
cp binary.bed binary.vcf
encode -g "$G" -L 10 --vcf binary.vcf
check "D14 binary_vcf_says_not_text_not_cannot_open" \
  eval '[[ $rc == 1 ]] && has "not a text file" err && ! has "permissions" err && printable err'
printf 'hello\tworld\tthis\tis\tnot\ta\tvcf\n' > text.vcf
encode -g "$G" -L 10 --vcf text.vcf
check "D14 vcf_without_chrom_header_says_not_a_vcf" \
  eval '[[ $rc == 1 ]] && has "not a VCF: no #CHROM header line" err && has "text.vcf:1" err'
encode -g "$G" -L 10 --vcf text.vcf --skip-bad
check "D14 vcf_without_chrom_header_is_not_a_vcf_even_with_skip_bad" eval '[[ $rc == 1 ]] && has "not a VCF" err'
cp binary.bed binary.gtf
sample --annotation binary.gtf --strategy tss --count 5
check "D14 binary_gtf_says_not_text" eval '[[ $rc == 1 ]] && has "not a text file" err && printable err'
: > empty.gtf
sample --annotation empty.gtf --strategy tss --count 5
check "D14 empty_gtf_says_empty" eval '[[ $rc == 1 ]] && has "empty.gtf is empty" err && ! has "gene_type" err'
printf '# only a comment\n' > comment.gtf
sample --annotation comment.gtf --strategy tss --count 5
check "D14 gtf_without_records_says_so" eval '[[ $rc == 1 ]] && has "no valid GTF/GFF3 feature lines" err'
cp binary.bed binary.fa
encode -g binary.fa -L 10 --bed dup.bed
check "D14 binary_genome_fasta_is_invalid_not_unwritable" \
  eval '[[ $rc == 1 ]] && has "binary.fa" err && ! has "cannot be written" err && printable err'
printf 'ACGT\n>chr1\nACGT\n' > nohdr.fa
encode -g nohdr.fa -L 2 --bed dup.bed
check "D14 genome_fasta_without_header_is_invalid_with_line" \
  eval '[[ $rc == 1 ]] && has "invalid genome FASTA" err && has "nohdr.fa:1" err && ! has "cannot be written" err'
printf '>chr1\nACGTAC\nACG\nACGTAC\n' > ragged.fa
encode -g ragged.fa -L 2 --bed dup.bed
check "D14 ragged_genome_fasta_names_the_line" \
  eval '[[ $rc == 1 ]] && has "different lengths" err && has "ragged.fa:3" err && ! has "cannot be written" err'
{ printf 'chr1\t'; head -c 1000000 /dev/zero | tr '\0' 'x'; printf '\t20\n'; } > long.bed
encode -g "$G" -L 10 --bed long.bed
check "D16 long_bed_field_is_not_echoed_whole" eval '[[ $rc == 1 ]] && has "long.bed:1" err && printable err'
printf 'chr1\t10\t20\nchr1\t1\x01\x02\xff0\t20\n' > ctrl.bed  # a text first line: htslib opens it
encode -g "$G" -L 10 --bed ctrl.bed
check "D16 control_bytes_are_escaped" eval '[[ $rc == 1 ]] && has "\x01\x02\xff" err && printable err'
encode -g "$G" -L 10 --bed ctrl.bed --skip-bad
check "D16 control_bytes_are_escaped_in_side_file" \
  eval '[[ $rc == 0 ]] && has "\x01" skipped.tsv && printable skipped.tsv'

# --- D23: the memory bound is stated where users look
"$BIN/s2f-sample-positions" --help > help1.txt 2>&1
"$BIN/s2f-call-hits" --help > help2.txt 2>&1
check "D23 help_states_memory_bound" eval 'grep -q "Memory is not flat" help1.txt && grep -q "Memory is not flat" help2.txt'

# --- CRLF line endings are accepted (the \r is stripped) in BED, narrowPeak, VCF, GTF
printf 'chr1\t10\t20\tr1\nchr2\t5\t25\tr2\n' > lf.bed
sed 's/$/\r/' lf.bed > crlf.bed
"$BIN/s2f-encode" -q -g "$G" -L 10 --bed lf.bed --na s1.tsv | "$BIN/s2f-view" -q > lf.tsv
"$BIN/s2f-encode" -q -g "$G" -L 10 --bed crlf.bed --na s2.tsv | "$BIN/s2f-view" -q > crlf.tsv; rc=$?
check "CRLF bed_crlf_same_windows_as_lf" eval '[[ -s lf.tsv ]] && cmp -s lf.tsv crlf.tsv'
sed 's/$/\r/' "$SRC/tests/golden/encode/variants.vcf" > crlf.vcf
"$BIN/s2f-encode" -q -g "$G" -L 10 --vcf "$SRC/tests/golden/encode/variants.vcf" --na s1.tsv | "$BIN/s2f-view" -q > lf.tsv
"$BIN/s2f-encode" -q -g "$G" -L 10 --vcf crlf.vcf --na s2.tsv | "$BIN/s2f-view" -q > crlf.tsv; rc=$?
check "CRLF vcf_crlf_same_windows_as_lf" eval '[[ -s lf.tsv ]] && cmp -s lf.tsv crlf.tsv'
sed 's/$/\r/' "$SRC/tests/golden/encode/peaks.narrowPeak" > crlf.narrowPeak
"$BIN/s2f-encode" -q -g "$G" -L 10 "$SRC/tests/golden/encode/peaks.narrowPeak" --na s1.tsv | "$BIN/s2f-view" -q > lf.tsv
"$BIN/s2f-encode" -q -g "$G" -L 10 crlf.narrowPeak --na s2.tsv | "$BIN/s2f-view" -q > crlf.tsv; rc=$?
check "CRLF narrowpeak_crlf_same_windows_as_lf" eval '[[ -s lf.tsv ]] && cmp -s lf.tsv crlf.tsv'
sed 's/$/\r/' genes.gtf > crlf.gtf
"$BIN/s2f-sample-positions" -q -g "$G" --annotation genes.gtf --strategy tss --gene-type any --count 5 | "$BIN/s2f-view" -q > lf.tsv
"$BIN/s2f-sample-positions" -q -g "$G" --annotation crlf.gtf --strategy tss --gene-type any --count 5 | "$BIN/s2f-view" -q > crlf.tsv; rc=$?
check "CRLF gtf_crlf_same_positions_as_lf" eval '[[ -s lf.tsv ]] && cmp -s lf.tsv crlf.tsv'

echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
