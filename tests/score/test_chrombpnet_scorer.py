"""s2f-score --scorer chrombpnet against a numpy transcription of the
ChromBPNet variant scorer (kundajelab/variant-scorer: helpers.py
fetch_variant_predictions, get_variant_scores[_with_peaks],
adjust_indel_jsd; variant_scoring.py's combined columns) on the real
ChromBPNet bias model and the real BPNet, for SNVs, insertions and
deletions of several lengths on real hg38 chr22 sequence.

The reference is independent of s2f: windows are cut here from
libcommon/src/genome/WINDOWS.md's rule, predictions come from the numpy
Keras pass and the state_dict BPNet pass of tests/engine, forward and
reverse-complement passes are averaged as variant-scorer does (softmax
profiles and exp counts), and indel profiles are aligned by the genome
position of each bin (variant-scorer's adjust_indel_jsd, for s2f's allele
placement). Skips (exit 77) when ../shared/data is absent.
"""
import json
import os
import subprocess
import sys

import numpy as np

import s2f_stream
from s2f_testing import PYTHON, SHARED_DATA, SKIP, SOURCE_DIR, check, finish, run, temp_dir

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "engine"))
import keras_reference  # noqa: E402

L = 2114
GENOME = os.path.join(SHARED_DATA, "genome", "hg38-chr22-excerpt", "hg38_chr22_32000000_32300000.fa")
BIAS = os.path.join(SHARED_DATA, "models", "chrombpnet-bias", "GM12878.bias_model_scaled.h5")
BPNET = os.path.join(SHARED_DATA, "models", "bpnet-lite")
SCORES = ["allele1_pred_counts", "allele2_pred_counts", "logfc", "abs_logfc", "jsd", "original_jsd", "logfc_x_jsd",
          "abs_logfc_x_jsd", "allele1_quantile", "allele2_quantile", "active_allele_quantile", "quantile_change",
          "abs_quantile_change", "logfc_x_active_allele_quantile", "abs_logfc_x_active_allele_quantile",
          "jsd_x_active_allele_quantile", "logfc_x_jsd_x_active_allele_quantile",
          "abs_logfc_x_jsd_x_active_allele_quantile"]


def read_genome():
    with open(GENOME) as f:
        return "".join(line.strip() for line in f if not line.startswith(">")).upper()


def make_variants(g):
    """(pos0, ref, alt) on real sequence: 2 SNVs, insertions of 1, 2, 5 and
    deletions of 1, 3, 4 bases (VCF style, with the anchor base)."""
    rng = np.random.default_rng(11)
    out = []
    for k, p in enumerate(range(40_000, 280_000, 30_000)):
        r = g[p]
        kind = ["snv", "ins1", "del1", "ins2", "del3", "snv", "ins5", "del4"][k]
        if kind == "snv":
            out.append((p, r, next(b for b in "ACGT" if b != r)))
        elif kind.startswith("ins"):
            out.append((p, r, r + "".join(rng.choice(list("ACGT"), int(kind[3:])))))
        else:
            out.append((p, g[p:p + 1 + int(kind[3:])], r))
    return out


def windows(g, p, ref, alt):
    """REF and ALT windows and the genome position of each of their bases
    (None for inserted bases), by WINDOWS.md."""
    r, a = len(ref), len(alt)
    i = (L + 1) // 2 - 1 - r // 2
    s = p - i
    ref_w = g[s:p] + ref + g[p + r:s + L]
    ref_pos = list(range(s, s + L))
    left, right = s, s + L  # genome span of the flanks
    if a > r:
        d = a - r
        left, right = s + d // 2, s + L - (d - d // 2)
    elif r > a:
        k = r - a
        left, right = s - k // 2, s + L + (k - k // 2)
    alt_w = g[left:p] + alt + g[p + r:right]
    alt_pos = list(range(left, p)) + [p + j if j < r else None for j in range(a)] + list(range(p + r, right))
    assert len(ref_w) == L and len(alt_w) == L and len(alt_pos) == L
    return ref_w, alt_w, ref_pos, alt_pos


def one_hot(seq):
    lut = {"A": 0, "C": 1, "G": 2, "T": 3}
    x = np.zeros((len(seq), 4))
    for k, b in enumerate(seq):
        if b in lut:
            x[k, lut[b]] = 1
    return x


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def js_distance(p, q):
    """scipy.spatial.distance.jensenshannon(p, q), natural log."""
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2
    kl = lambda a, b: np.sum(np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / b), 0))
    return np.sqrt((kl(p, m) + kl(q, m)) / 2)


def averaged(predict, seqs, partner):
    """variant-scorer's forward/reverse average: mean of exp(log-counts)
    and of softmax profiles, the reverse pass's profile flipped (and its
    strands swapped: `partner`). predict(x (N, L, 4)) -> profile logits
    (N, tracks, bins), log-counts (N, channels)."""
    x = np.stack([one_hot(s) for s in seqs])
    prof_f, cnt_f = predict(x)
    prof_r, cnt_r = predict(x[:, ::-1, ::-1].copy())
    prof_r = prof_r[:, partner, ::-1]
    counts = (np.exp(cnt_f) + np.exp(cnt_r)) / 2
    profiles = (softmax(prof_f) + softmax(prof_r)) / 2
    return profiles, counts


def reference_scores(g, variants, predict, partner, bins, peak_counts):
    """Per variant, per profile track: every score of SCORES."""
    out = []
    for p, ref, alt in variants:
        rw, aw, rpos, apos = windows(g, p, ref, alt)
        (p1, p2), (c1, c2) = [(a[0], a[1]) for a in averaged(predict, [rw, aw], partner)]
        off = (L - bins) // 2
        rb, ab = rpos[off:off + bins], apos[off:off + bins]
        shared = set(rb) & set(x for x in ab if x is not None)
        keep1 = [k for k, x in enumerate(rb) if x in shared]
        keep2 = [k for k, x in enumerate(ab) if x in shared]
        assert [rb[k] for k in keep1] == [ab[k] for k in keep2]
        rows = []
        for t in range(p1.shape[0]):
            n1, n2 = c1[0 if len(c1) == 1 else t], c2[0 if len(c2) == 1 else t]
            logfc = np.log2(n2 / n1)
            original = js_distance(p2[t], p1[t])
            jsd = original if len(ref) == len(alt) else js_distance(p2[t][keep2], p1[t][keep1])
            pc = peak_counts[:, 0 if peak_counts.shape[1] == 1 else t]
            q1, q2 = np.mean(pc < n1), np.mean(pc < n2)
            active = max(q1, q2)
            v = {"allele1_pred_counts": n1, "allele2_pred_counts": n2, "logfc": logfc, "abs_logfc": abs(logfc),
                 "jsd": jsd, "original_jsd": original, "logfc_x_jsd": logfc * jsd,
                 "abs_logfc_x_jsd": abs(logfc) * jsd, "allele1_quantile": q1, "allele2_quantile": q2,
                 "active_allele_quantile": active, "quantile_change": q2 - q1, "abs_quantile_change": abs(q2 - q1)}
            for name in ["logfc", "abs_logfc", "jsd", "logfc_x_jsd", "abs_logfc_x_jsd"]:
                v[name + "_x_active_allele_quantile"] = v[name] * active
            rows.append(v)
        out.append(rows)
    return out


def write_inputs(tmp, g, variants, peaks):
    vcf = os.path.join(tmp, "v.vcf")
    with open(vcf, "w") as f:
        f.write("##fileformat=VCFv4.2\n##contig=<ID=chr22,length=%d>\n" % len(g))
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for k, (p, ref, alt) in enumerate(variants):
            f.write(f"chr22\t{p + 1}\tv{k}\t{ref}\t{alt}\t.\t.\t.\n")
    bed = os.path.join(tmp, "peaks.narrowPeak")
    with open(bed, "w") as f:
        for k, c in enumerate(peaks):
            f.write(f"chr22\t{c - 100}\t{c + 100}\tpeak{k}\t0\t.\t1\t1\t1\t100\n")
    return vcf, bed


def compare(label, got, ref_rows, names):
    worst = 0.0
    for v, rows in enumerate(ref_rows):
        for t, want in enumerate(rows):
            for name in names:
                a, b = float(got[name][v][t]), float(want[name])
                # Counts are exp(log-count): float32 keeps 7 digits of them.
                tol = 1e-5 * max(1.0, abs(b)) if name.endswith("pred_counts") else 1e-5
                worst = max(worst, abs(a - b) / (tol / 1e-5))
                if not abs(a - b) <= tol:
                    print(f"  {label} variant {v} track {t} {name}: s2f {a!r}, reference {b!r}")
    check(worst <= 1e-5, f"{label}: every score of every variant equals the reference to <= 1e-5 (worst {worst:.2e})")


def score(tmp, label, model_args, vcf, bed, names):
    preds, peak_preds, out = (os.path.join(tmp, f"{label}.{x}.s2f") for x in ("variants", "peaks", "scores"))
    common = ["-g", GENOME, "--rc", "mean-prob", "-t", "2"] + model_args
    run("s2f-predict", *common, "--vcf", vcf, "-o", preds, check=True, timeout=600)
    run("s2f-predict", *common, "--narrowpeak", bed, "-o", peak_preds, check=True, timeout=600)
    run("s2f-score", "--scorer", "chrombpnet", "--stat", ",".join(names), "--peaks", peak_preds, preds, "-o", out,
        check=True)
    return s2f_stream.read(out).read_all(), preds, peak_preds


def main():
    if not (os.path.exists(GENOME) and os.path.exists(BIAS) and os.path.isdir(BPNET)):
        print("skip: ../shared/data (genome excerpt, ChromBPNet bias model, BPNet) is absent")
        return SKIP
    g = read_genome()
    variants = make_variants(g)
    peaks = list(range(20_000, 280_000, 26_000))
    with temp_dir() as tmp:
        vcf, bed = write_inputs(tmp, g, variants, peaks)
        peak_windows = [g[c - L // 2:c - L // 2 + L] for c in peaks]

        # ChromBPNet bias model: one profile (1000 logits), one log-count.
        def bias_predict(x):
            outs = list(keras_reference.forward(BIAS, x).values())
            prof = next(o for o in outs if o.size // o.shape[0] > 1).reshape(x.shape[0], 1, -1)
            cnt = next(o for o in outs if o.size // o.shape[0] == 1).reshape(x.shape[0], 1)
            return prof, cnt

        _, peak_counts = averaged(bias_predict, peak_windows, [0])
        want = reference_scores(g, variants, bias_predict, [0], 1000, peak_counts)
        got, preds, peak_preds = score(tmp, "bias", ["-m", BIAS], vcf, bed, SCORES)
        check(list(got["id"]) == [f"v{k}" for k in range(len(variants))], "bias: one scored record per variant, in order")
        compare("ChromBPNet bias", got, want, SCORES)

        # Negative control: without the alignment the indel JSDs differ.
        moved = [abs(want[v][0]["jsd"] - want[v][0]["original_jsd"]) for v in range(len(variants))
                 if len(variants[v][1]) != len(variants[v][2])]
        check(min(moved) > 1e-4, "negative control: aligning indel profiles changes their JSD")

        # Forward-only (--rc none) is variant-scorer's --forward_only; --rc mean (logit average) differs from it.
        out = os.path.join(tmp, "mean.scores.s2f")
        mean_preds = os.path.join(tmp, "mean.variants.s2f")
        run("s2f-predict", "-g", GENOME, "-m", BIAS, "--rc", "mean", "--vcf", vcf, "-o", mean_preds, check=True)
        run("s2f-score", "--scorer", "chrombpnet", "--stat", "logfc", mean_preds, "-o", out, check=True)
        mean = s2f_stream.read(out).read_all()["logfc"][:, 0]
        check(np.max(np.abs(mean - np.array([w[0]["logfc"] for w in want]))) > 1e-6,
              "--rc mean (average of logits) is not variant-scorer's average; mean-prob is")

        # BPNet: two profile strands (paired on the reverse pass) and one log-count.
        import torch
        sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "engine"))
        import bpnet_reference
        torch.set_num_threads(1)
        sd = torch.load(os.path.join(BPNET, "bpnet_example.state_dict.pt"), map_location="cpu")
        with open(os.path.join(BPNET, "bpnet_example.hparams.json")) as f:
            hp = json.load(f)
        sd = {k: v.double() for k, v in sd.items()}

        def bpnet_predict(x):
            with torch.no_grad():
                prof, cnt = bpnet_reference.reference_forward(sd, hp, torch.from_numpy(x).permute(0, 2, 1).contiguous())
            return prof.numpy(), cnt.numpy()

        model = os.path.join(tmp, "bpnet.s2fm")
        subprocess.run([PYTHON, "-B", os.path.join(SOURCE_DIR, "formats", "python", "s2f_model_export.py"),
                        "bpnet-lite", "--state-dict", os.path.join(BPNET, "bpnet_example.state_dict.pt"),
                        "--hparams", os.path.join(BPNET, "bpnet_example.hparams.json"), "-o", model],
                       check=True, capture_output=True)
        _, peak_counts = averaged(bpnet_predict, peak_windows, [1, 0])
        want = reference_scores(g, variants, bpnet_predict, [1, 0], 1000, peak_counts)
        got, _, _ = score(tmp, "bpnet", ["-m", model, "--strand-pairs", "profile:0-1"], vcf, bed, SCORES)
        check(got["logfc"].shape == (len(variants), 2), "BPNet: one track per profile strand")
        compare("BPNet", got, want, SCORES)

        # Error cases.
        r = run("s2f-score", "--scorer", "chrombpnet", "--stat", "active_allele_quantile", preds, "-o",
                os.path.join(tmp, "x.s2f"))
        check(r.returncode == 2 and "--peaks" in r.stderr, "a quantile score without --peaks is a usage error")
        r = run("s2f-score", "--scorer", "chrombpnet", "--window", "101", preds, "-o", os.path.join(tmp, "x.s2f"))
        check(r.returncode == 2 and "--window" in r.stderr, "--window is refused with --scorer chrombpnet")
        r = run("s2f-score", "--scorer", "chrombpnet", "--stat", "log2fc", preds, "-o", os.path.join(tmp, "x.s2f"))
        check(r.returncode == 2 and "logfc_x_jsd" in r.stderr, "an unknown score is refused, naming the known ones")
        r = run("s2f-score", "--scorer", "chrombpnet", peak_preds, "-o", os.path.join(tmp, "x.s2f"))
        check(r.returncode == 1 and "needs variants" in r.stderr and not os.path.exists(os.path.join(tmp, "x.s2f")),
              "peak windows alone (no variant) are refused, nothing written")
    finish()


if __name__ == "__main__":
    sys.exit(main())
