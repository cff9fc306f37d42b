# shellcheck shell=bash
# Shared by the workflow tests (tests/pipelines/test_*.sh): tools on PATH,
# the synthetic genome, small configs, and comparisons.
# Environment (set by ctest): S2F_BIN_DIR, S2F_SOURCE_DIR, S2F_PYTHON, WORK.
set -euo pipefail
: "${S2F_BIN_DIR:?}" "${S2F_SOURCE_DIR:?}" "${WORK:?}"
S2F_PYTHON=${S2F_PYTHON:-/usr/bin/python3}
export S2F_PYTHON
export PATH="$S2F_BIN_DIR:$PATH"
export S2F_PIPELINES="$S2F_SOURCE_DIR/pipelines"
STAGES="$S2F_PIPELINES/lib/stages.sh"
HERE="$S2F_SOURCE_DIR/tests/pipelines"

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*" >&2; }

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
# Scratch is removed when a test passes or skips, kept for inspection when it fails.
trap 'rc=$?; if [ $rc -eq 0 ] || [ $rc -eq 77 ]; then rm -rf "$WORK"; fi' EXIT

# Snakemake keeps its state in .snakemake/ of the --directory; one per run.
snake() {  # SMK DIR args...
  local smk=$1 dir=$2; shift 2
  snakemake -s "$S2F_PIPELINES/$smk" --directory "$dir" --cores 2 --quiet "$@" >"$dir.snakemake.log" 2>&1 ||
    { tail -40 "$dir.snakemake.log" >&2; fail "snakemake $smk in $dir"; }
}

need_snakemake() {
  command -v snakemake >/dev/null || { echo "SKIP: snakemake is not installed (./dev.sh deps installs it)" >&2; exit 77; }
}

make_genome() {  # -> $WORK/genome/{genome.fa,variants.vcf,peaks.narrowPeak,...}
  "$S2F_PYTHON" "$S2F_SOURCE_DIR/tests/genome/make_synthetic_genome.py" "$WORK/genome" >/dev/null
}

# A background config: small counts so each run takes seconds. $1 = file,
# $2 = reservoir capacity; other keys from the environment.
write_bg_config() {
  cat > "$1" <<EOF
name: demo
outdir: out
genome: $WORK/genome/genome.fa
model: demo
catalog: ""
length: 500
rc: mean
stat: log2fc
window: 101
shards: 1
threads: 1
baselines_strategy: random
baselines_count: ${BASELINES:-120}
baselines_seed: 789
baselines_margin: 500
annotation: ""
ccres: ""
perbin_k: 32
perbin_seed: 999
snps_count: ${SNPS:-96}
snps_seed: 42
snps_margin: 500
snps_chromosomes: chr1,chr2,chr3
reservoir_capacity: $2
reservoir_seed: 12345
merge_seed: 12345
EOF
}

write_vep_config() {  # FILE CDF [FORMAT]
  cat > "$1" <<EOF
name: vep
outdir: out
genome: $WORK/genome/genome.fa
vcf: $WORK/genome/variants.vcf
model: demo
catalog: ""
length: 500
rc: mean
stats: log2fc,diff
window: 101
cdf: $2
selene_format: ${3:-tsv}
save: diffs,abs_diffs,logits,predictions
shards: 1
threads: 1
EOF
}

# Every .s2f file under DIR (not the hidden temporaries) is a whole stream.
validate_all() {  # DIR
  local f n=0
  while IFS= read -r -d '' f; do
    s2f-view -q --validate "$f" || fail "$f is not a valid stream"
    n=$((n + 1))
  done < <(find "$1" -name '*.s2f' ! -name '.*' -print0)
  echo "$n"
}

# Records of two streams are equal (headers may differ: provenance names shards).
same_records() {  # A B
  cmp -s <(s2f-view -q "$1") <(s2f-view -q "$2") || fail "records of $1 and $2 differ"
}

# The arrays of two *_pertrack.npz files are identical.
same_npz() {  # A B
  "$S2F_PYTHON" - "$1" "$2" <<'EOF' || fail "$1 and $2 differ"
import sys
import numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
ka = sorted(k for k in a.files if k.endswith(("_cdfs", "_counts")) or k in ("track_ids", "signed_flags"))
kb = sorted(k for k in b.files if k.endswith(("_cdfs", "_counts")) or k in ("track_ids", "signed_flags"))
assert ka == kb, (ka, kb)
assert {"effect_cdfs", "summary_cdfs", "perbin_cdfs"} <= set(ka), ka
for k in ka:
    if not np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f"):  # NaN rows: tracks without values
        print("array %s differs: max |diff| %s" % (k, np.max(np.abs(a[k].astype(float) - b[k].astype(float))) if a[k].shape == b[k].shape else (a[k].shape, b[k].shape)))
        sys.exit(1)
EOF
}
