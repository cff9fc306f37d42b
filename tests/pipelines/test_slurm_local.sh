#!/usr/bin/env bash
# The SLURM scripts (pipelines/slurm/), run here without SLURM: submit.sh
# with tests/pipelines/fake_sbatch as `sbatch`, which runs each job at once
# from a spooled copy of its script, every array task with
# SLURM_ARRAY_TASK_ID/COUNT/MIN set, and enforces --dependency=afterok.
#  - background, 3 shards (array tasks 0-2 of both halves, then the merge):
#    CDF arrays identical to an unsharded run of the same steps (capacity
#    above the counts: exact merge);
#  - resubmitting the background: array tasks find their reservoirs and
#    return without redoing them (mtimes unchanged), the merge reruns and
#    gives the same CDFs;
#  - vep, 3 shards (encode, array 0-2, merge): outputs identical to the
#    plain unsharded pipe; resubmitted, the encoding and shards are kept;
#  - an array whose size differs from the config's shards fails with a
#    message (negative control), and so does a job depending on it.
source "$(dirname "$0")/lib.sh"
make_genome
BASELINES=60 SNPS=48
write_bg_config bg.yaml 50000
mkdir -p bin && ln -s "$HERE/fake_sbatch" bin/sbatch
export PATH="$WORK/bin:$PATH" FAKE_SLURM_DIR="$WORK/slurm-state"
SUBMIT="$S2F_PIPELINES/slurm/submit.sh"

# Unsharded reference: the same steps, one shard, no SLURM.
mkdir -p ref && (cd ref && export CFG_SHARDS=1 &&
  bash "$STAGES" -c "$WORK/bg.yaml" bg-baselines-shard 1 1 &&
  bash "$STAGES" -c "$WORK/bg.yaml" bg-variants-shard 1 1 &&
  bash "$STAGES" -c "$WORK/bg.yaml" bg-merge 1)

mkdir -p bg && (cd bg && CFG_SHARDS=3 "$SUBMIT" background "$WORK/bg.yaml") > submit.out ||
  { cat submit.out "$FAKE_SLURM_DIR"/job.*.log >&2; fail "submit.sh background"; }
cat submit.out >&2
grep -c 'array=0-2' "$FAKE_SLURM_DIR/submitted.txt" | grep -qx 2 || fail "expected two arrays of 3 tasks"
grep -q 'background_merge.sbatch.*dependency=afterok:[0-9]*:[0-9]*$' "$FAKE_SLURM_DIR/submitted.txt" ||
  fail "the merge does not depend on both arrays"
same_npz ref/out/demo_pertrack.npz bg/out/demo_pertrack.npz
[ "$(validate_all bg)" -eq 18 ] || fail "expected 9 value and 9 reservoir streams in bg (predictions removed)"
note "background via SLURM scripts, 3 shards: CDFs identical to the unsharded run"

find bg/out/shards-3 -name '*.reservoir.s2f' -printf '%p %T@\n' | sort > before.txt
(cd bg && CFG_SHARDS=3 "$SUBMIT" background "$WORK/bg.yaml") > /dev/null
find bg/out/shards-3 -name '*.reservoir.s2f' -printf '%p %T@\n' | sort > after.txt
cmp -s before.txt after.txt || fail "resubmission redid finished shards"
same_npz ref/out/demo_pertrack.npz bg/out/demo_pertrack.npz
note "resubmitted: finished shards kept, same CDFs"

write_vep_config vep.yaml "$WORK/ref/out/demo_pertrack.npz" tsv
mkdir -p plain
s2f-encode -q -g "$WORK/genome/genome.fa" -L 500 --vcf "$WORK/genome/variants.vcf" --na plain/vep.skipped.tsv \
  | s2f-predict -q --model demo --rc mean \
  | s2f-score -q --stat log2fc,diff --window 101 --cdf "$WORK/ref/out/demo_pertrack.npz" --tsv plain/vep \
      -o plain/vep.scores.s2f
mkdir -p vep && (cd vep && CFG_SHARDS=3 "$SUBMIT" vep "$WORK/vep.yaml") > submit.out ||
  { cat submit.out "$FAKE_SLURM_DIR"/job.*.log >&2; fail "submit.sh vep"; }
same_records plain/vep.scores.s2f vep/out/vep.scores.s2f
for f in vep_diffs.tsv vep_abs_diffs.tsv vep_logits.tsv vep.ref_predictions.tsv vep.alt_predictions.tsv vep.NA; do
  cmp -s plain/$f vep/out/$f || fail "$f differs between the plain pipe and the SLURM run"
done
note "vep via SLURM scripts, 3 shards: identical to the plain pipe"
find vep/out -name '*.s2f' -printf '%p %T@\n' | grep -v 'out/vep.scores.s2f' | sort > before.txt
(cd vep && CFG_SHARDS=3 "$SUBMIT" vep "$WORK/vep.yaml") > /dev/null
find vep/out -name '*.s2f' -printf '%p %T@\n' | grep -v 'out/vep.scores.s2f' | sort > after.txt
cmp -s before.txt after.txt || fail "resubmitting the VEP redid the encoding or finished shards"
same_records plain/vep.scores.s2f vep/out/vep.scores.s2f
note "vep resubmitted: encoding and shards kept, merge redone, same scores"

# Negative control: 2 array tasks for a 3-shard config.
mkdir -p bad
if (cd bad && CFG_SHARDS=3 SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=2 \
      bash "$S2F_PIPELINES/slurm/background_variants.sbatch" "$WORK/bg.yaml") 2> bad.err; then
  fail "an array of 2 tasks ran for a 3-shard config"
fi
grep -q "the array has 2 tasks but the config says shards: 3" bad.err || fail "unexpected message: $(cat bad.err)"
[ ! -e bad/out/shards-2 ] && [ ! -e bad/out/shards-3 ] || fail "the refused task wrote files"
if (cd bad && "$HERE/fake_sbatch" --dependency=afterok:999999 "$S2F_PIPELINES/slurm/background_merge.sbatch" \
      "$WORK/bg.yaml") 2>/dev/null; then
  fail "fake sbatch ran a job whose dependency never succeeded"
fi
echo "PASS"
