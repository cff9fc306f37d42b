#!/usr/bin/env bash
# Variant effect prediction (pipelines/vep.smk): the outputs are the same
# whatever the shard count, and the same as the plain unsharded pipe
# (encode | predict | score, as pipelines/demo.sh runs it).
#  - TSV output, 1, 3 and 8 shards: scores stream records, every Selene TSV
#    and the NA file byte-identical; 8 shards exceed what 3 slices need, so
#    slices of one variant exist.
#  - HDF5 output, 1 and 3 shards: the 'data' matrices, row labels and NA file
#    identical to the plain pipe's.
#  - windows: selene / logit: selene give the plain pipe's outputs with
#    s2f-encode --windows selene and s2f-score --logit selene.
#  - s2f-view --pairs refuses a stream that is not ref/alt pairs (negative control).
source "$(dirname "$0")/lib.sh"
need_snakemake
make_genome
BASELINES=60 SNPS=48
write_bg_config bg.yaml 50000
snake background.smk bg --configfile "$WORK/bg.yaml"
CDF="$WORK/bg/out/demo_pertrack.npz"
write_vep_config vep.yaml "$CDF" tsv
write_vep_config vep_h5.yaml "$CDF" hdf5

# The reference: one pipe, no workflow.
mkdir -p plain
s2f-encode -q -g "$WORK/genome/genome.fa" -L 500 --vcf "$WORK/genome/variants.vcf" --na plain/vep.skipped.tsv \
  | s2f-predict -q --model demo --rc mean \
  | s2f-score -q --stat log2fc,diff --window 101 --cdf "$CDF" --tsv plain/vep -o plain/vep.scores.s2f
[ -s plain/vep.NA ] || fail "the synthetic VCF should have variants that cannot be encoded (NA file)"

tsv_files="vep_diffs.tsv vep_abs_diffs.tsv vep_logits.tsv vep.ref_predictions.tsv vep.alt_predictions.tsv vep.NA"
for n in 1 3 8; do
  snake vep.smk tsv-$n --configfile "$WORK/vep.yaml" --config shards=$n
  validate_all tsv-$n >/dev/null
  same_records plain/vep.scores.s2f tsv-$n/out/vep.scores.s2f
  for f in $tsv_files; do
    cmp -s plain/$f tsv-$n/out/$f || fail "$f differs between the plain pipe and $n shards"
  done
  note "tsv, $n shards: scores and Selene files identical to the plain pipe"
done
n_variants=$(( $(wc -l < plain/vep_diffs.tsv) - 1 ))
[ "$n_variants" -ge 8 ] || fail "only $n_variants variants scored; the test needs at least 8 to cut 8 slices"
# Each shard really held part of the variants.
for k in 1 8; do
  rows=$(s2f-view -q --no-header-line tsv-8/out/shards-8/vep.$k.scores.s2f | wc -l)
  [ "$rows" -ge 1 ] && [ "$rows" -lt "$n_variants" ] || fail "shard $k of 8 has $rows of $n_variants variants"
done

# Selene's windows and logits through the workflow (windows: selene, logit:
# selene) equal the plain pipe with the same flags, and the windows differ
# from s2f's rule.
mkdir -p plain_sel
s2f-encode -q -g "$WORK/genome/genome.fa" -L 500 --vcf "$WORK/genome/variants.vcf" --na plain_sel/vep.skipped.tsv \
    --windows selene \
  | s2f-predict -q --model demo --rc mean \
  | s2f-score -q --stat log2fc,diff --window 101 --cdf "$CDF" --logit selene --tsv plain_sel/vep -o plain_sel/vep.scores.s2f
snake vep.smk sel-3 --configfile "$WORK/vep.yaml" --config shards=3 windows=selene logit=selene
same_records plain_sel/vep.scores.s2f sel-3/out/vep.scores.s2f
for f in $tsv_files; do
  cmp -s plain_sel/$f sel-3/out/$f || fail "$f differs between the plain pipe and the workflow with windows: selene"
done
cmp -s plain_sel/vep_diffs.tsv plain/vep_diffs.tsv && fail "windows: selene gave the same diffs as s2f's windows"
note "windows: selene, logit: selene: 3 shards identical to the plain pipe with the same flags"

for n in 1 3; do snake vep.smk h5-$n --configfile "$WORK/vep_h5.yaml" --config shards=$n; done
mkdir -p plain_h5
s2f-encode -q -g "$WORK/genome/genome.fa" -L 500 --vcf "$WORK/genome/variants.vcf" --na plain_h5/vep.skipped.tsv \
  | s2f-predict -q --model demo --rc mean \
  | s2f-score -q --stat log2fc,diff --window 101 --cdf "$CDF" --hdf5 plain_h5/vep -o plain_h5/vep.scores.s2f
"$S2F_PYTHON" - <<'EOF' || fail "HDF5 outputs differ"
import h5py
import numpy as np
names = ["vep_diffs.h5", "vep_abs_diffs.h5", "vep_logits.h5", "vep.ref_predictions.h5", "vep.alt_predictions.h5"]
n_rows = len(open("plain/vep_diffs.tsv").readlines()) - 1
for name in names:
    ref = h5py.File("plain_h5/" + name, "r")["data"]
    assert ref.shape[0] == n_rows, (name, ref.shape, n_rows)
    for n in (1, 3):
        got = h5py.File("h5-%d/out/%s" % (n, name), "r")["data"]
        assert got.dtype == ref.dtype and got.shape == ref.shape, (name, n, got.dtype, got.shape, ref.shape)
        assert np.array_equal(got[:], ref[:], equal_nan=True), (name, n)
for n in (1, 3):
    assert open("h5-%d/out/vep_row_labels.txt" % n).read() == open("plain_h5/vep_row_labels.txt").read(), n
    assert open("h5-%d/out/vep.NA" % n).read() == open("plain_h5/vep.NA").read(), n
EOF
note "hdf5: 1 and 3 shards identical to the plain pipe (data matrices, row labels, NA file)"

# Negative control: --pairs on a stream that is not made of variant pairs.
s2f-sample-positions -q -g genome/genome.fa --strategy random --count 10 --margin 500 --seed 1 \
  | s2f-encode -q -g genome/genome.fa -L 500 -o positions.seqs.s2f
if s2f-view -q --s2f --pairs --shard 1/2 positions.seqs.s2f > /dev/null 2> pairs.err; then
  fail "s2f-view --pairs accepted a stream of single windows"
fi
grep -q -- "non-variant window where a ref window was expected" pairs.err || fail "unexpected message: $(cat pairs.err)"
echo "PASS"
