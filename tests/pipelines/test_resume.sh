#!/usr/bin/env bash
# Resumable workflows: a background build (pipelines/background.smk, 4
# shards) killed with SIGKILL to its whole process group once the first
# shard's reservoir exists, then rerun:
#  - after the kill, every .s2f present is a whole stream (s2f-view
#    --validate), no output of a job that was running when it died exists
#    (Snakemake lists those in .snakemake/incomplete/), and the merge has
#    not happened;
#  - the rerun finishes, leaves every file completed before the kill
#    untouched (same mtime, so not redone), and its CDFs equal a clean run's.
# Capacity 60 makes the merge a sampled one, so equality also shows the
# reservoir seeds do not depend on the order jobs ran in.
source "$(dirname "$0")/lib.sh"
need_snakemake
make_genome
BASELINES=120 SNPS=96
write_bg_config bg.yaml 60
SMK=(-s "$S2F_PIPELINES/background.smk" --configfile "$WORK/bg.yaml" --config shards=4)

snake background.smk clean --configfile "$WORK/bg.yaml" --config shards=4

# The interrupted run: one core so it is still busy when the kill comes;
# setsid makes snakemake the leader of a process group holding every job.
mkdir -p run
setsid snakemake "${SMK[@]}" --directory run --cores 1 --quiet > run.log 2>&1 &
pgid=$!
for _ in $(seq 600); do
  compgen -G "run/out/shards-4/*.reservoir.s2f" > /dev/null && break
  kill -0 $pgid 2>/dev/null || break
  sleep 0.05
done
compgen -G "run/out/shards-4/*.reservoir.s2f" > /dev/null || { cat run.log >&2; fail "no reservoir appeared"; }
# Then strike while a stage is writing (its temporary file exists).
writing=""
for _ in $(seq 2000); do
  writing=$(compgen -G "run/out/shards-4/.*.tmp.*" | head -1 || true)
  [ -n "$writing" ] && break
  kill -0 $pgid 2>/dev/null || break
  sleep 0.005
done
kill -KILL -- -$pgid 2>/dev/null || fail "the workflow had already finished: nothing was interrupted"
wait $pgid 2>/dev/null || true
sleep 0.2   # let the kernel reap the group
[ ! -e run/out/demo_pertrack.npz ] || fail "the merge ran before the kill: nothing was interrupted"
if [ -n "$writing" ]; then
  # .NAME.tmp.XXXXXX -> NAME: absent, or (renamed between the look and the kill) whole.
  final=$(dirname "$writing")/$(basename "$writing" | sed -e 's/^\.//' -e 's/\.tmp\..*$//')
  if [ -e "$final" ]; then
    s2f-view -q --validate "$final" || fail "$final, being written at the kill, is not whole"
  fi
  note "killed while $(basename "$final") was being written: $( [ -e "$final" ] && echo 'it had just completed' || echo 'no file of that name exists')"
fi

n_valid=$(validate_all run)
note "after the kill: $n_valid streams, all valid"
# Jobs running at the kill (Snakemake lists their outputs in
# .snakemake/incomplete/): an output of theirs either does not exist or, if
# the stage had already renamed it into place before Snakemake recorded the
# job as done, is whole (validated above); --rerun-incomplete redoes them.
running=0 landed=0
: > incomplete.txt
for marker in run/.snakemake/incomplete/*; do
  [ -e "$marker" ] || continue
  out=$(basename "$marker" | base64 -d 2>/dev/null || true)
  [ -n "$out" ] || continue
  running=$((running + 1))
  echo "run/$out" >> incomplete.txt
  if [ -e "run/$out" ]; then
    landed=$((landed + 1))
    case $out in *.s2f) s2f-view -q --validate "run/$out" || fail "$out, output of a killed job, is not whole" ;; esac
  fi
done
note "jobs killed midway: $running ($landed had already renamed a whole output into place)"
ls -a run/out/shards-4 | grep '\.tmp\.' >&2 && note "(hidden temporaries of killed stages above are ignored by reruns)" || true

# What was complete before the rerun, with mtimes (not the killed jobs' outputs).
find run/out -type f ! -name '.*' -name '*.s2f' -printf '%p %T@\n' | sort | grep -v -F -f incomplete.txt > before.txt || true
n_before=$(wc -l < before.txt)
[ "$n_before" -ge 1 ] || fail "no completed file before the rerun"

# Rerun: the lock of the killed run is cleared as a user would (--unlock).
snakemake "${SMK[@]}" --directory run --unlock > /dev/null 2>&1
snake background.smk run --configfile "$WORK/bg.yaml" --config shards=4 --rerun-incomplete
while read -r f t; do
  now=$(find "$f" -printf '%T@' 2>/dev/null || echo missing)
  [ "$now" = "$t" ] || fail "$f was redone by the rerun ($t -> $now)"
done < before.txt
note "$n_before files completed before the kill were kept, not redone"
same_npz clean/out/demo_pertrack.npz run/out/demo_pertrack.npz
validate_all run > /dev/null
echo "PASS"
