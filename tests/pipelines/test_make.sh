#!/usr/bin/env bash
# Makefile.example: `make -j2 background vep` with 3 shards each gives the
# CDFs of the unsharded steps (exact merge) and the plain pipe's VEP files;
# killed midway (SIGKILL to make's process group) and rerun, it keeps the
# files completed before the kill and ends with the same outputs.
source "$(dirname "$0")/lib.sh"
make_genome
BASELINES=60 SNPS=48
write_bg_config bg.yaml 50000
MK=(make -s -f "$S2F_SOURCE_DIR/Makefile.example" S2F_PIPELINES="$S2F_PIPELINES" PYTHON="$S2F_PYTHON"
    BG_CONFIG="$WORK/bg.yaml" VEP_CONFIG="$WORK/vep.yaml")

mkdir -p ref && (cd ref && export CFG_SHARDS=1 &&
  bash "$STAGES" -c "$WORK/bg.yaml" bg-baselines-shard 1 1 &&
  bash "$STAGES" -c "$WORK/bg.yaml" bg-variants-shard 1 1 &&
  bash "$STAGES" -c "$WORK/bg.yaml" bg-merge 1)
# The VEP reads the CDFs the make run builds (its own background target).
write_vep_config vep.yaml out/demo_pertrack.npz tsv
mkdir -p plain
s2f-encode -q -g "$WORK/genome/genome.fa" -L 500 --vcf "$WORK/genome/variants.vcf" --na plain/vep.skipped.tsv \
  | s2f-predict -q --model demo --rc mean \
  | s2f-score -q --stat log2fc,diff --window 101 --cdf "$WORK/ref/out/demo_pertrack.npz" --tsv plain/vep \
      -o plain/vep.scores.s2f

mkdir -p m && (cd m && "${MK[@]}" -j2 BG_SHARDS=3 VEP_SHARDS=3 background vep) > make.log 2>&1 ||
  { tail -30 make.log >&2; fail "make background vep"; }
same_npz ref/out/demo_pertrack.npz m/out/demo_pertrack.npz
same_records plain/vep.scores.s2f m/out/vep.scores.s2f
for f in vep_diffs.tsv vep_abs_diffs.tsv vep_logits.tsv vep.ref_predictions.tsv vep.alt_predictions.tsv vep.NA; do
  cmp -s plain/$f m/out/$f || fail "$f differs between the plain pipe and make"
done
note "make -j2, 3 shards: background and VEP equal the unsharded runs"

# Interrupted make: -j1 so it is midway when the first reservoir appears.
mkdir -p k
(cd k && exec setsid "${MK[@]}" -j1 BG_SHARDS=4 background) > kill.log 2>&1 &
pgid=$!
for _ in $(seq 600); do
  compgen -G "k/out/shards-4/*.reservoir.s2f" > /dev/null && break
  kill -0 $pgid 2>/dev/null || break
  sleep 0.05
done
kill -KILL -- -$pgid 2>/dev/null || fail "make had already finished: nothing was interrupted"
wait $pgid 2>/dev/null || true
sleep 0.2
[ ! -e k/out/demo_pertrack.npz ] || fail "the merge ran before the kill"
validate_all k > /dev/null
find k/out -type f ! -name '.*' -name '*.s2f' -printf '%p %T@\n' | sort > before.txt
(cd k && "${MK[@]}" -j2 BG_SHARDS=4 background) >> kill.log 2>&1 || { tail -30 kill.log >&2; fail "make rerun"; }
while read -r f t; do
  [ "$(find "$f" -printf '%T@')" = "$t" ] || fail "$f was redone by the rerun"
done < before.txt
mkdir -p k1 && (cd k1 && "${MK[@]}" -j2 BG_SHARDS=4 background) > /dev/null 2>&1
same_npz k1/out/demo_pertrack.npz k/out/demo_pertrack.npz
note "make killed and rerun: $(wc -l < before.txt) finished files kept, same CDFs as an uninterrupted run"
echo "PASS"
