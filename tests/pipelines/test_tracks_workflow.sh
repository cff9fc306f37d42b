#!/usr/bin/env bash
# Genome tracks (pipelines/tracks.smk, slurm/tracks_*.sbatch, Makefile.example
# `tracks`) on the synthetic genome and the demo model, tiling the peaks +-
# 100 bp, with ISM contribution tracks:
#  - 3 genome chunks joined give the bigWigs of one unsharded run, byte for
#    byte, and the track list names every file, each readable by pyBigWig;
#  - the SLURM scripts (fake sbatch, 3 array tasks) and make -j2 write the
#    same bytes as Snakemake;
#  - a chunk lost after the run is redone alone: the other chunks are kept
#    and the bigWigs come out the same.
source "$(dirname "$0")/lib.sh"
need_snakemake
make_genome
cat > tracks.yaml <<EOF2
name: demo
outdir: out
genome: $WORK/genome/genome.fa
model: demo
catalog: ""
rc: mean
input_length: 500
tile_length: 300
chromosomes: ""
regions: $WORK/genome/peaks.bed
flank: 100
shards: 3
transform: counts
stitch: midpoint
select: ""
contrib_target: counts
threads: 1
EOF2

snake tracks.smk sm --configfile "$WORK/tracks.yaml"
mkdir -p ref && (cd ref && export CFG_SHARDS=1 &&
  bash "$STAGES" -c "$WORK/tracks.yaml" tracks-shard 1 1 && bash "$STAGES" -c "$WORK/tracks.yaml" tracks-merge 1)
bigwigs=$(cd ref/out && ls ./*.bw | sort)
[ "$(echo "$bigwigs" | wc -l)" -eq 4 ] || fail "expected 4 bigWigs (2 profile strands, counts, contributions): $bigwigs"
for f in $bigwigs; do cmp -s "ref/out/$f" "sm/out/$f" || fail "$f: 3 chunks joined differ from the unsharded run"; done
cmp -s ref/out/demo.skipped.tsv sm/out/demo.skipped.tsv || fail "the joined side file differs from the unsharded one"
note "3 genome chunks joined = unsharded, byte for byte ($(echo $bigwigs | wc -w) bigWigs)"

"$S2F_PYTHON" - <<'PY' || fail "track list"
import pyBigWig
rows = [l.rstrip("\n").split("\t") for l in open("sm/out/demo.tracks.tsv")][1:]
rows += [l.rstrip("\n").split("\t") for l in open("sm/out/demo.contrib.tracks.tsv")][1:]
ids = sorted(r[0] for r in rows)
assert ids == ["contrib", "counts/demo planted grammar", "profile/demo planted grammar/+",
               "profile/demo planted grammar/-"], ids
for track, path in rows:
    bw = pyBigWig.open("sm/" + path)
    assert bw is not None and bw.chroms("chr1") == 240000, path
    assert bw.header()["nBasesCovered"] > 0, path
PY
note "the track lists name every bigWig; pyBigWig reads each"

mkdir -p bin && ln -s "$HERE/fake_sbatch" bin/sbatch
mkdir -p sl && (cd sl && PATH="$WORK/bin:$PATH" FAKE_SLURM_DIR="$WORK/slurm-state" \
  "$S2F_PIPELINES/slurm/submit.sh" tracks "$WORK/tracks.yaml") > slurm.out ||
  { cat slurm.out "$WORK"/slurm-state/job.*.log >&2; fail "submit.sh tracks"; }
mkdir -p mk && (cd mk && make -s -f "$S2F_SOURCE_DIR/Makefile.example" S2F_PIPELINES="$S2F_PIPELINES" \
  TRACKS_CONFIG="$WORK/tracks.yaml" -j2 tracks) > make.log 2>&1 || { tail -30 make.log >&2; fail "make tracks"; }
for d in sl mk; do
  for f in $bigwigs; do cmp -s "sm/out/$f" "$d/out/$f" || fail "$f differs between Snakemake and $d"; done
  cmp -s sm/out/demo.tracks.tsv "$d/out/demo.tracks.tsv" || fail "the track list differs between Snakemake and $d"
done
note "SLURM scripts and make: the same bigWigs as Snakemake"

# A lost chunk: only it is redone.
touch -d '2000-01-01' sm/out/shards-3/preds.1.s2f sm/out/shards-3/preds.3.s2f
rm sm/out/shards-3/preds.2.s2f
snake tracks.smk sm --configfile "$WORK/tracks.yaml"
for k in 1 3; do
  [ "$(date -r sm/out/shards-3/preds.$k.s2f +%Y)" = 2000 ] || fail "chunk $k was redone"
done
for f in $bigwigs; do cmp -s "ref/out/$f" "sm/out/$f" || fail "$f differs after the chunk was redone"; done
note "a lost chunk is redone alone; the same bigWigs"
echo "PASS"
