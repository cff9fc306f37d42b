"""Shuffled-flank nulls (s2f-encode --null shuffled-flanks:N, through
s2f-predict --vcf) and s2f-score's empirical p-values:

* each variant's N null pairs follow its REF/ALT pair, alleles r/a, with the
  alleles placed as in the observed windows (REF at the same index, the ALT
  window built by the same rule), flanks dinucleotide-shuffled and not the
  genome's;
* seeded per variant: the same bytes for -t 1 and -t 2, for the whole VCF
  and for the VCF cut in two shards, and for a rerun; another --seed
  differs;
* on a null model (tests/score/null_model.py: outputs independent of the
  sequence's content) the p-values of every statistic follow their exact
  null distribution (discrete uniform on 1/(N+1) ... 1 for right-tailed
  statistics; twice the smaller tail for signed ones): Kolmogorov-Smirnov
  test, with a negative control the test must reject;
* p-values equal variant-scorer's get_pvals formula applied here to the
  observed and null scores s2f-score reports.
"""
import os
import sys

import numpy as np

import s2f_stream
from s2f_testing import PYTHON, SOURCE_DIR, check, finish, run, temp_dir

N = 19
L = 200
HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = f"{PYTHON} -B {os.path.join(HERE, 'null_model.py')}"


def make_inputs(tmp, n_variants=240):
    rng = np.random.default_rng(3)
    contigs = {f"chr{k}": "".join(rng.choice(list("ACGT"), 40_000)) for k in (1, 2)}
    fa = os.path.join(tmp, "g.fa")
    with open(fa, "w") as f:
        for name, s in contigs.items():
            f.write(f">{name}\n" + "\n".join(s[i:i + 60] for i in range(0, len(s), 60)) + "\n")
    rows = []
    for k in range(n_variants):
        chrom = f"chr{1 + k % 2}"
        p = int(rng.integers(500, 39_000))
        g = contigs[chrom]
        kind = k % 4
        if kind < 2:
            ref, alt = g[p], rng.choice([b for b in "ACGT" if b != g[p]])
        elif kind == 2:
            ref, alt = g[p], g[p] + "".join(rng.choice(list("ACGT"), int(rng.integers(1, 6))))
        else:
            n = int(rng.integers(1, 6))
            ref, alt = g[p:p + 1 + n], g[p]
        rows.append((chrom, p, f"v{k}", ref, alt))
    rows.sort(key=lambda r: (r[0], r[1]))
    def write(path, part):
        with open(path, "w") as f:
            f.write("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
            for chrom, p, vid, ref, alt in part:
                f.write(f"{chrom}\t{p + 1}\t{vid}\t{ref}\t{alt}\t.\t.\t.\n")
    vcf = os.path.join(tmp, "v.vcf")
    write(vcf, rows)
    halves = [os.path.join(tmp, "v1.vcf"), os.path.join(tmp, "v2.vcf")]
    write(halves[0], rows[:len(rows) // 2])
    write(halves[1], rows[len(rows) // 2:])
    return fa, vcf, halves, contigs, rows


def encode(fa, vcf, out, *extra):
    run("s2f-encode", "-g", fa, "-L", L, "--vcf", vcf, "--null", f"shuffled-flanks:{N}", "-o", out, *extra, check=True)
    return s2f_stream.read(out).read_all()


def predict_and_score(fa, vcf, tmp, tag, *extra, stats="logfc,abs_logfc,jsd,logfc_x_jsd"):
    preds, scores = os.path.join(tmp, f"{tag}.preds.s2f"), os.path.join(tmp, f"{tag}.scores.s2f")
    run("s2f-predict", "--exec", PLUGIN, "-g", fa, "--vcf", vcf, "-L", L, "--null", f"shuffled-flanks:{N}",
        "-o", preds, *extra, check=True, timeout=900)
    run("s2f-score", "--scorer", "chrombpnet", "--stat", stats, preds, "-o", scores, check=True)
    return s2f_stream.read(scores).read_all(), s2f_stream.read(preds).read_all()


def same(a, b, fields):
    def eq(x, y):
        x, y = np.asarray(x), np.asarray(y)
        return np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
    return all(eq(a[f], b[f]) for f in fields)


def exact_cdf(x, two_sided):
    """P(p <= x) when the observed score's rank among the N + 1 is uniform."""
    r = np.arange(N + 1)  # nulls strictly below the observation
    right, left = (N - r + 1) / (N + 1), (r + 1) / (N + 1)
    p = 2 * np.minimum(left, right) if two_sided else right
    return np.mean(p[None, :] <= x[:, None] + 1e-6, axis=1)  # p-values are float32


def ks(pvals, two_sided):
    """Kolmogorov-Smirnov distance of p-values from their exact discrete
    null distribution (evaluated at the support points, where the CDFs jump)."""
    p = np.sort(np.asarray(pvals, float))
    support = np.unique(np.concatenate([p, (np.arange(1, N + 2) / (N + 1)) * (2 if two_sided else 1)]))
    emp = np.searchsorted(p, support + 1e-6, side="right") / len(p)
    return float(np.max(np.abs(emp - exact_cdf(support, two_sided))))


def get_pvals(obs, bg, tail):
    """variant-scorer's get_pvals, for one observation."""
    bg = np.sort(bg)
    right = (len(bg) - np.searchsorted(bg, obs, side="left") + 1) / (len(bg) + 1)
    left = (np.searchsorted(bg, obs, side="right") + 1) / (len(bg) + 1)
    return right if tail == "right" else 2 * min(left, right)


def main():
    with temp_dir() as tmp:
        fa, vcf, halves, contigs, rows = make_inputs(tmp)

        # Encoding: the null windows and their placement.
        e1 = encode(fa, vcf, os.path.join(tmp, "e1.s2f"), "-t", "1")
        alleles = bytes(e1["allele"]).decode()
        per = 2 * (N + 1)
        check(len(alleles) == per * len(rows) and alleles[:per] == "RA" + "ra" * N,
              f"every variant: its R/A pair then {N} r/a pairs")
        seq = np.asarray(e1["seq"])
        ok_place, ok_shuffled, ok_distinct = True, True, True
        for v, (chrom, p, vid, ref, alt) in enumerate(rows):
            block = seq[v * per:(v + 1) * per]
            i = (L + 1) // 2 - 1 - len(ref) // 2
            obs_ref = bytes(block[0]).decode()
            nulls = [bytes(block[2 + 2 * k]).decode() for k in range(N)]
            null_alts = [bytes(block[3 + 2 * k]).decode() for k in range(N)]
            for nr, na in zip(nulls, null_alts):
                ok_place &= nr[i:i + len(ref)] == ref
                if len(ref) == len(alt):
                    ok_place &= na == nr[:i] + alt + nr[i + len(alt):]
                else:
                    # An indel's ALT window keeps the REF window's left flank up to the shift.
                    d = len(alt) - len(ref)
                    s = d // 2 if d > 0 else -((-d) // 2)
                    start = i - s if d > 0 else i + (-d) // 2
                    ok_place &= na[start:start + len(alt)] == alt
            ok_shuffled &= all(nr != obs_ref for nr in nulls)
            ok_distinct &= len(set(nulls)) > N // 2
        check(ok_place, "null windows place REF (and ALT) exactly where the observed windows do")
        check(ok_shuffled and ok_distinct, "null flanks differ from the genome's and from each other")
        e2 = encode(fa, vcf, os.path.join(tmp, "e2.s2f"), "-t", "2")
        check(same(e1, e2, ["id", "allele", "seq"]), "encode: the same null windows for -t 1 and -t 2")
        parts = [encode(fa, h, os.path.join(tmp, f"part{k}.s2f")) for k, h in enumerate(halves)]
        joined = np.concatenate([np.asarray(p["seq"]) for p in parts])
        check(np.array_equal(joined, seq), "encode: two VCF shards give the unsharded null windows")
        e3 = encode(fa, vcf, os.path.join(tmp, "e3.s2f"), "--seed", "7")
        check(not np.array_equal(np.asarray(e3["seq"]), seq), "another --seed gives other shuffles")

        # Scores and p-values on the null model.
        s1, preds = predict_and_score(fa, vcf, tmp, "t1", "-t", "1")
        s2, _ = predict_and_score(fa, vcf, tmp, "t2", "-t", "2")
        fields = ["logfc", "abs_logfc", "jsd", "logfc_x_jsd"]
        pfields = [f + ".pval" for f in fields]
        check(len(s1["id"]) == len(rows), "one scored record per variant (nulls fold into its p-values)")
        check(same(s1, s2, ["id"] + fields + pfields), "scores and p-values identical for -t 1 and -t 2")
        shard_scores = [predict_and_score(fa, h, tmp, f"shard{k}")[0] for k, h in enumerate(halves)]
        check(all(np.array_equal(np.concatenate([np.asarray(s[f]) for s in shard_scores]), np.asarray(s1[f]),
                                 equal_nan=True) for f in fields + pfields),
              "two VCF shards give the unsharded scores and p-values")

        # Shards of the encoded windows (s2f-view --pairs keeps each variant's nulls with it).
        parts = []
        for k in (1, 2, 3):
            part = os.path.join(tmp, f"slice{k}.s2f")
            run("s2f-view", "--s2f", "--pairs", "--shard", f"{k}/3", os.path.join(tmp, "e1.s2f"), "-o", part, check=True)
            pp, ps = os.path.join(tmp, f"slice{k}.preds.s2f"), os.path.join(tmp, f"slice{k}.scores.s2f")
            run("s2f-predict", "--exec", PLUGIN, part, "-o", pp, check=True, timeout=900)
            run("s2f-score", "--scorer", "chrombpnet", "--stat", "logfc,abs_logfc,jsd,logfc_x_jsd", pp, "-o", ps,
                check=True)
            parts.append(s2f_stream.read(ps).read_all())
        check(all(np.array_equal(np.concatenate([np.asarray(p[f]) for p in parts]), np.asarray(s1[f]), equal_nan=True)
                  for f in fields + pfields),
              "s2f-view --pairs --shard k/3 keeps each variant's nulls whole: the shards' p-values are the unsharded ones")

        # p-values = get_pvals of the observed score against the variant's own null scores,
        # recomputed here from the predictions (softmax/exp, log2 ratio, JS distance).
        prof, cnt = np.asarray(preds["profile"])[:, 0, :].astype(np.float64), np.asarray(preds["counts"])[:, 0, 0]
        worst = 0.0
        for v in range(len(rows)):
            b = v * per
            logfc = [(cnt[b + 2 * k + 1] - cnt[b + 2 * k]) / np.log(2) for k in range(N + 1)]
            got = float(s1["logfc.pval"][v][0])
            want = get_pvals(logfc[0], np.array(logfc[1:]), "both")
            worst = max(worst, abs(got - want))
            got = float(s1["abs_logfc.pval"][v][0])
            want = get_pvals(abs(logfc[0]), np.abs(np.array(logfc[1:])), "right")
            worst = max(worst, abs(got - want))
        check(worst < 1e-6, f"logfc/abs_logfc p-values equal get_pvals on the variant's own nulls (worst {worst:.1e})")

        tails = s2f_stream.read(os.path.join(tmp, "t1.scores.s2f")).meta["score"]["null"]["tails"]
        check(tails == ["both", "right", "right", "both"], "signed scores two-sided, the others right-tailed")
        crit = 1.63 / np.sqrt(len(rows))  # alpha = 0.01
        for f, tail in zip(fields, tails):
            d = ks(np.asarray(s1[f + ".pval"])[:, 0], tail == "both")
            check(d < crit, f"null model: {f}.pval follows its null distribution (KS D {d:.3f} < {crit:.3f})")
        skewed = np.asarray(s1["abs_logfc.pval"])[:, 0] ** 2
        check(ks(skewed, False) > crit, "negative control: the KS test rejects squared p-values")

        # Errors.
        r = run("s2f-encode", "-g", fa, "-L", L, "--vcf", vcf, "--null", "shuffled:3", "-o", os.path.join(tmp, "x"))
        check(r.returncode == 2 and "shuffled-flanks:N" in r.stderr, "a malformed --null is a usage error")
        bed = os.path.join(tmp, "r.bed")
        with open(bed, "w") as f:
            f.write("chr1\t1000\t1200\n")
        r = run("s2f-encode", "-g", fa, "-L", L, "--bed", bed, "--null", "shuffled-flanks:3", "-o", os.path.join(tmp, "x"))
        check(r.returncode == 2 and "variants" in r.stderr, "--null on BED input is a usage error")
        cut = os.path.join(tmp, "cut.s2f")
        run("s2f-view", "--s2f", "--head", str(per + 6), os.path.join(tmp, "t1.preds.s2f"), "-o", cut, check=True)
        out = os.path.join(tmp, "cut.scores.s2f")
        r = run("s2f-score", "--scorer", "chrombpnet", cut, "-o", out)
        check(r.returncode == 1 and "shuffled-flank pairs" in r.stderr and not os.path.exists(out),
              "a variant with fewer nulls than the header says is refused, nothing written")
    finish()


if __name__ == "__main__":
    sys.exit(main())
