#!/usr/bin/env bash
# Regression test for D3: the outputs of one run appear together or not at
# all, the primary (-o stream, call-hits' parameters.json) last. Each
# multi-output stage writes into a small tmpfs that has room for its first
# output but not for a later one; the run must exit 3 and leave no output
# (and no temporary) that a workflow or make would take as complete.
# Also: call-hits with an -o directory it cannot create exits 3 with a message.
# Needs root (mount); skips with 77 otherwise.
set -u
BIN=${S2F_BIN_DIR:?}
SRC=${S2F_SOURCE_DIR:?}
G=$SRC/tests/golden
fails=0 passes=0
tmp=$(mktemp -d)
mnt=$tmp/full
mkdir -p "$mnt"
cleanup() { umount "$mnt" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
if ! mount -t tmpfs -o size=200k tmpfs "$mnt" 2>/dev/null; then
  echo "skip: cannot mount a tmpfs (needs root)"
  exit 77
fi
cd "$tmp"

# Fills the tmpfs, then frees $1 pages: the first small output fits, a later one does not.
fill_leaving() {
  rm -rf "${mnt:?}"/* "$mnt"/.[!.]* 2>/dev/null
  local i
  for ((i = 0; i < $1; i++)); do head -c 4096 /dev/zero > "$mnt/page$i"; done
  dd if=/dev/zero of="$mnt/fill" bs=4096 2>/dev/null
  rm -f "$mnt"/page*
}
# Whatever the run left in the tmpfs besides the filler.
leftovers() { (cd "$mnt" && find . -type f ! -name fill | sed "s|^./||" | tr "\n" " "); }

# case NAME PAGES CMD...: with PAGES pages free the run must fail with exit 3
# and leave nothing; tried with more and more free pages until the run
# succeeds, so some runs fail after their first outputs were written.
full_disk_case() {
  local name=$1 rc left ok=1 failed=0 detail=""
  shift
  for pages in 1 2 3 4 6 8 12 16 24 32 40; do
    fill_leaving "$pages"
    "$@" > "$tmp/out.txt" 2> "$tmp/err.txt"
    rc=$?
    left=$(leftovers)
    if [[ $rc == 0 ]]; then break; fi  # everything fitted
    failed=$((failed + 1))
    if [[ $rc != 3 || -n $left ]]; then
      ok=0
      detail="$pages free pages: exit $rc, left: ${left:-nothing} ($(head -c 300 "$tmp/err.txt"))"
      break
    fi
  done
  ((failed == 0)) && { ok=0; detail="the run never ran out of space"; }
  ((ok)) && pass "$name ($failed full-disk runs)" || fail "$name: $detail"
}

# Inputs outside the tmpfs.
"$BIN/s2f-score" -q --stat log2fc --window 3 --emit effect -o eff.values.s2f "$G/score/tensors.s2f" 2>/dev/null
"$BIN/s2f-score" -q --stat log2fc --window 3 --emit summary -o sum.values.s2f "$G/score/tensors.s2f" 2>/dev/null
"$BIN/s2f-reservoir" -q --capacity 100 -o eff.res.s2f eff.values.s2f
"$BIN/s2f-reservoir" -q --capacity 100 -o sum.res.s2f sum.values.s2f

full_disk_case "score_tsv_full_disk_leaves_no_stream" \
  "$BIN/s2f-score" -q --stat log2fc,diff,ref,alt,sad --window 3 --tsv "$mnt/vep" -o "$mnt/scores.s2f" "$G/score/tensors.s2f"
full_disk_case "score_hdf5_full_disk_leaves_no_stream" \
  "$BIN/s2f-score" -q --stat log2fc --window 3 --hdf5 "$mnt/vep" -o "$mnt/scores.s2f" "$G/score/tensors.s2f"
full_disk_case "merge_cdfs_hdf5_full_disk_leaves_no_npz" \
  "$BIN/s2f-merge-cdfs" -q --name bg --out-dir "$mnt" --hdf5 eff.res.s2f sum.res.s2f
full_disk_case "call_hits_full_disk_leaves_no_parameters_json" \
  bash -c "cd '$G/call_hits' && '$BIN/s2f-call-hits' -q -r regions.npz -m motifs.h5 -p peaks.narrowPeak --hits-stream '$mnt/out/hits.s2f' -o '$mnt/out'"

E=$G/encode
full_disk_case "encode_side_file_full_disk_leaves_no_stream" \
  "$BIN/s2f-encode" -q -g "$E/genome.fa" -L 10 --vcf "$E/variants.vcf" --na "$mnt/skipped.tsv" -o "$mnt/w.s2f"
full_disk_case "marginalize_summary_full_disk_leaves_no_stream" \
  "$BIN/s2f-marginalize" -q --model demo --random --gc 0.41 -n 4 --seed 5 --motif ATGAGTCAT \
  --summary "$mnt/m.summary.tsv" --save-backgrounds "$mnt/m.bg.s2f" -o "$mnt/m.s2f"
# sample-positions: a positions stream and its side file (a GTF with a broken line, --skip-bad).
"${S2F_PYTHON:-/usr/bin/python3}" "$SRC/tests/genome/make_synthetic_genome.py" syn > /dev/null
{ cat syn/genes.gtf; printf 'chr1\tbroken line\n'; } > bad.gtf
full_disk_case "sample_positions_side_file_full_disk_leaves_no_stream" \
  "$BIN/s2f-sample-positions" -q -g syn/genome.fa --annotation bad.gtf --skip-bad --strategy intergenic --count 3000 --seed 2 \
  --skipped "$mnt/pos.skipped.tsv" -o "$mnt/pos.s2f"
# view --bigwig: the tracks (and their zoom-level temporaries) then the track list.
"$BIN/s2f-sample-positions" -q -g syn/genome.fa --strategy tile --tile-length 300 --input-length 500 --chromosomes chrM \
  | "$BIN/s2f-encode" -q -g syn/genome.fa -L 500 | "$BIN/s2f-predict" -q --model demo -o chrM.preds.s2f
full_disk_case "view_bigwig_full_disk_leaves_no_track" \
  "$BIN/s2f-view" -q --bigwig "$mnt/t" --select strand=+ -o "$mnt/t.tracks.tsv" chrM.preds.s2f
# Two 500 bp sequences (the demo model's length) for ISM.
"${S2F_PYTHON:-/usr/bin/python3}" -c "
import random; random.seed(3)
for i in range(2): print('seq%d\t%s' % (i, ''.join(random.choice('ACGT') for _ in range(500))))" > seqs.txt
"$BIN/s2f-encode" -q -L 500 --sequences seqs.txt -o seqs.s2f
full_disk_case "ism_tsv_full_disk_leaves_no_stream" \
  "$BIN/s2f-ism" -q --model demo --start 240 --end 250 --heads counts --save predictions,diffs --tsv "$mnt/ism" \
  -o "$mnt/ism.s2f" seqs.s2f

# --- call-hits: an -o directory that cannot be created is an I/O error (exit 3)

( cd "$G/call_hits" && "$BIN/s2f-call-hits" -q -r regions.npz -m motifs.h5 -p peaks.narrowPeak -o /proc/nonexistent/out ) 2> ch.err
rc=$?
[[ $rc == 3 ]] && grep -q "/proc/nonexistent/out" ch.err \
  && pass "call_hits_unwritable_out_dir_exit_3" || fail "call_hits_unwritable_out_dir_exit_3 (exit $rc: $(head -c 300 ch.err))"

echo "$passes passed, $fails failed"
((fails == 0))
