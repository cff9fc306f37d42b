#!/usr/bin/env bash
# Motif discovery at peaks (pipelines/motifs.smk, slurm/motifs_*.sbatch,
# Makefile.example `motifs`) on demo sequences with planted grammar motifs,
# the bundled demo model, and the grammar's PWMs as modisco patterns and
# MEME motifs (make_motif_inputs.py):
#  - the ISM contributions joined from 3 shards equal one unsharded s2f-ism
#    run, record for record;
#  - s2f-call-hits finds at least 90% of the planted sites in the ISM range
#  - the marginalisation panel summary mentions each motif of the list;
#  - with `attribution: deepshap`, the s2f-attribute contributions joined
#    from 3 shards equal one unsharded run byte for byte (values included:
#    references are seeded per record), and the hits recover >= 90% of sites;
#  - the SLURM scripts (fake sbatch, 3 array tasks) and make -j2 produce the
#    same hit table and panel as Snakemake.
# Needs s2f-ism and s2f-marginalize; skips (77) while they are not built.
source "$(dirname "$0")/lib.sh"
for t in s2f-ism s2f-marginalize s2f-attribute; do
  [ -x "$S2F_BIN_DIR/$t" ] || { echo "SKIP: $t is not built yet" >&2; exit 77; }
done
need_snakemake
"$S2F_PYTHON" "$S2F_SOURCE_DIR/pipelines/demo/make_motif_inputs.py" inputs -n 12 --seed 3
MODEL="$S2F_SOURCE_DIR/pipelines/demo/model/demo.s2fm"
cat > motifs.yaml <<EOF
outdir: out
genome: $WORK/inputs/genome.fa
peaks: $WORK/inputs/peaks.narrowPeak
model: $MODEL
length: 500
target: counts
ism_start: 100
ism_end: 400
modisco: $WORK/inputs/modisco.h5
hits_options: "-N $WORK/inputs/motif_names.tsv"
shards: 3
threads: 1
motif_file: $WORK/inputs/motifs.meme
motifs: AP1,CTCF,KLF4
panel_gc: 0.41
panel_n: 64
panel_seed: 1234
EOF

snake motifs.smk sm --configfile "$WORK/motifs.yaml"
validate_all sm > /dev/null
# Unsharded ISM, directly.
s2f-ism sm/out/windows.s2f -m "$MODEL" --attr --target counts --start 100 --end 400 -t 2 -o unsharded.contrib.s2f
same_records unsharded.contrib.s2f sm/out/contrib.s2f
[ "$(s2f-view -q --no-header-line sm/out/contrib.s2f | wc -l)" -eq 12 ] || fail "expected 12 contribution records"
note "ISM: 3 shards joined = unsharded"

"$S2F_PYTHON" - <<'EOF' || fail "hits"
import csv, sys
hits = list(csv.DictReader(open("sm/out/hits/hits.tsv"), delimiter="\t"))
assert hits, "no hits"
for col in ("chr", "start", "end", "motif_name", "strand"):
    assert col in hits[0], "hits.tsv has no column " + col
truth = [r for r in csv.DictReader(open("inputs/truth.tsv"), delimiter="\t")
         if r["kind"] == "planted" and 100 <= int(r["start"]) and int(r["end"]) <= 400]
found = 0
for t in truth:
    s, e = int(t["start"]), int(t["end"])
    if any(h["chr"] == t["seq_id"] and h["motif_name"] == t["motif"] and int(h["start"]) < e and int(h["end"]) > s
           for h in hits):
        found += 1
print("-- hits: %d; planted sites inside the ISM range found: %d of %d" % (len(hits), found, len(truth)), file=sys.stderr)
assert found >= 0.9 * len(truth), "recall of planted sites below 0.9"
text = open("sm/out/panel.tsv").read()
for m in ("AP1", "CTCF", "KLF4"):
    assert m in text, "panel.tsv does not mention " + m
EOF

# DeepSHAP contributions instead of ISM: same shards, same hit calling.
sed -e 's/^outdir: out/outdir: out_deepshap/' motifs.yaml > deepshap.yaml
printf 'attribution: deepshap\nreferences: 8\nseed: 3\n' >> deepshap.yaml
snake motifs.smk sm --configfile "$WORK/deepshap.yaml"
s2f-attribute sm/out_deepshap/windows.s2f -m "$MODEL" --target counts --references 8 --seed 3 -t 2 \
  -o unsharded.deepshap.s2f 2>/dev/null
cmp -s <(s2f-view -q --no-header-line unsharded.deepshap.s2f) <(s2f-view -q --no-header-line sm/out_deepshap/contrib.s2f) ||
  fail "DeepSHAP: 3 shards joined differ from the unsharded run"
"$S2F_PYTHON" - <<'EOF' || fail "DeepSHAP hits"
import csv, sys
hits = list(csv.DictReader(open("sm/out_deepshap/hits/hits.tsv"), delimiter="\t"))
truth = [r for r in csv.DictReader(open("inputs/truth.tsv"), delimiter="\t") if r["kind"] == "planted"]
found = sum(any(h["chr"] == t["seq_id"] and h["motif_name"] == t["motif"] and int(h["start"]) < int(t["end"])
                and int(h["end"]) > int(t["start"]) for h in hits) for t in truth)
print("-- DeepSHAP hits: %d; planted sites found: %d of %d" % (len(hits), found, len(truth)), file=sys.stderr)
assert found >= 0.9 * len(truth), "recall of planted sites below 0.9"
EOF
note "DeepSHAP: 3 shards joined = unsharded; hits recover the planted sites"

# The same workflow through the SLURM scripts and through make.
mkdir -p bin && ln -s "$HERE/fake_sbatch" bin/sbatch
mkdir -p sl && (cd sl && PATH="$WORK/bin:$PATH" FAKE_SLURM_DIR="$WORK/slurm-state" \
  "$S2F_PIPELINES/slurm/submit.sh" motifs "$WORK/motifs.yaml") > slurm.out ||
  { cat slurm.out "$WORK"/slurm-state/job.*.log >&2; fail "submit.sh motifs"; }
mkdir -p mk && (cd mk && make -s -f "$S2F_SOURCE_DIR/Makefile.example" S2F_PIPELINES="$S2F_PIPELINES" \
  MOTIF_CONFIG="$WORK/motifs.yaml" -j2 motifs) > make.log 2>&1 || { tail -30 make.log >&2; fail "make motifs"; }
for d in sl mk; do
  same_records sm/out/contrib.s2f $d/out/contrib.s2f
  cmp -s sm/out/hits/hits.tsv $d/out/hits/hits.tsv || fail "hits.tsv differs between Snakemake and $d"
  cmp -s sm/out/panel.tsv $d/out/panel.tsv || fail "panel.tsv differs between Snakemake and $d"
done
note "SLURM scripts and make: same contributions, hits and panel as Snakemake"
echo "PASS"
