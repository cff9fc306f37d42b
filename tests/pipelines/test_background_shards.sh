#!/usr/bin/env bash
# Background build (pipelines/background.smk): sharded runs equal the
# unsharded run.
#  (a) exact: reservoir capacity above every track's value count, so nothing
#      is sampled away; the CDF arrays of 1, 3 and 8 shards must be identical.
#  (b) overflow: capacity below the counts, so the merge draws a uniform
#      sample of the union; 3 and 8 shards must give CDFs statistically
#      equivalent to 1 shard (two-sample KS per track and kind, threshold
#      below), identical value counts, and a shifted control must fail.
source "$(dirname "$0")/lib.sh"
need_snakemake
make_genome
BASELINES=120 SNPS=96
write_bg_config exact.yaml 50000     # counts per track: summary 120, perbin 3840 (0 on scalar heads), effect 96
CAP=60
write_bg_config overflow.yaml $CAP   # every kind overflows in the 1-shard run

for n in 1 3 8; do
  snake background.smk exact-$n --configfile "$WORK/exact.yaml" --config shards=$n
  [ "$(validate_all exact-$n)" -ge $((3 * n)) ] || fail "exact-$n: fewer streams than reservoirs"
  # (b) reuses the shards' values: copied with their times, Snakemake reruns
  # only the reservoirs (other capacity) and the merge.
  mkdir -p overflow-$n/out
  cp -p -r exact-$n/out/shards-$n overflow-$n/out/
  rm overflow-$n/out/shards-$n/*.reservoir.s2f
  snake background.smk overflow-$n --configfile "$WORK/overflow.yaml" --config shards=$n
done
for n in 3 8; do
  same_npz exact-1/out/demo_pertrack.npz exact-$n/out/demo_pertrack.npz
  note "exact: 1 and $n shards give identical CDF arrays"
done

"$S2F_PYTHON" - "$CAP" <<'EOF' || fail "overflow CDFs"
import sys
import numpy as np
cap = int(sys.argv[1])
load = lambda n: np.load("overflow-%d/out/demo_pertrack.npz" % n)
exact = np.load("exact-1/out/demo_pertrack.npz")
one = load(1)
expected_counts = {"summary": 120, "perbin": 120 * 32, "effect": 96}


def ks(a, b):
    """Two-sample KS distance between the distributions two CDF rows
    (sorted quantile points) describe."""
    grid = np.union1d(a, b)
    fa = np.searchsorted(a, grid, side="right") / a.size
    fb = np.searchsorted(b, grid, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


# Threshold: each merged CDF is built from a uniform sample of `cap` of the
# same population of values (the union the shards saw; the 1-shard run is
# Algorithm R on the whole stream, the sharded runs the hypergeometric merge,
# background/reservoir_merge.hpp). Two independent samples of size m give a
# KS distance above c(alpha) * sqrt(2/m) with probability alpha; c = 1.949 is
# alpha = 0.001 (Smirnov's asymptotic bound, conservative here because
# sampling without replacement from a finite population shrinks the spread).
# Over 2 shard counts x 3 kinds x the demo model's tracks, the chance that a
# correct merge fails anywhere stays below 2 %; and the seeds are fixed, so
# the outcome is the same on every run.
threshold = 1.949 * np.sqrt(2.0 / cap)
ids = [str(t) for t in one["track_ids"]]
worst = 0.0
for n in (3, 8):
    other = load(n)
    assert [str(t) for t in other["track_ids"]] == ids
    for kind in ("effect", "summary", "perbin"):
        # Value counts are exact whatever the sampling.
        counts = one[kind + "_counts"]
        assert np.array_equal(counts, other[kind + "_counts"]), kind
        # Tracks of the demo's scalar (counts) head have no per-bin values:
        # count 0 and a NaN row, in every run.
        live = counts > 0 if kind == "perbin" else np.ones(len(ids), bool)
        assert live.any() and np.isnan(one[kind + "_cdfs"][~live]).all() and np.isnan(other[kind + "_cdfs"][~live]).all()
        assert np.all(counts[live] == expected_counts[kind]), (kind, counts)
        assert np.all(counts[live] > cap), "capacity does not overflow for " + kind
        a_all, b_all = one[kind + "_cdfs"], other[kind + "_cdfs"]
        for t, name in enumerate(ids):
            if not live[t]:
                continue
            a, b = np.sort(a_all[t]), np.sort(b_all[t])
            assert not np.array_equal(a, exact[kind + "_cdfs"][t]), "overflow CDF equals the exact one: not sampled"
            d = ks(a, b)
            worst = max(worst, d)
            assert d < threshold, "%s %s: KS %.3f between 1 and %d shards >= %.3f" % (kind, name, d, n, threshold)
            # Negative control: the same CDF shifted by half its spread must
            # be told apart, so the threshold has power.
            spread = np.std(a)
            if spread > 0:
                c = ks(a, a + 0.5 * spread)
                assert c >= threshold, "%s %s: control KS %.3f below %.3f" % (kind, name, c, threshold)
print("-- overflow: %d tracks x 3 kinds, worst KS %.3f < threshold %.3f (capacity %d)" % (len(ids), worst, threshold, cap),
      file=sys.stderr)
EOF

# (c) chorus's routing through the config: summary_skip/exons reach
# s2f-score. The demo's '-' profile track skips the 'random' positions'
# summaries; its profile tracks draw per-bin values only in chr1's one exon.
printf 'chr1\tt\texon\t1\t900000\t.\t+\t.\tgene_id "g"; gene_type "protein_coding";\n' > "$WORK/exons.gtf"
write_bg_config routed.yaml 50000
cat >> routed.yaml <<EOF
summary_skip: random
summary_skip_tracks: strand=-
exons: $WORK/exons.gtf
exon_tracks: output_type=profile
EOF
snake background.smk routed --configfile "$WORK/routed.yaml"
"$S2F_PYTHON" - <<'EOF' || fail "routed background"
import json
import numpy as np
z = np.load("routed/out/demo_pertrack.npz")
ids = [str(t) for t in z["track_ids"]]
cfg = json.loads(str(z["build_config"]))
s, p = z["summary_counts"], z["perbin_counts"]
assert list(s) == [120, 0, 120], ("the '-' track skips every 'random' position's summary", ids, list(s))
assert p[0] == p[1] and 0 < p[0] < 120 * 32 and p[0] % 32 == 0, ("profile tracks draw only on chr1", list(p))
assert cfg["kinds"]["summary"]["value_routing"]["summary_skip"]["categories"] == ["random"]
assert cfg["kinds"]["perbin"]["value_routing"]["perbin_exons"]["merged_intervals"] == 1
EOF
note "routed: summary_skip and exons reach s2f-score (summary counts 120/0/120, per-bin draws on chr1 only)"
echo "PASS"
