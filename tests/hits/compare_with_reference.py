"""Compares s2f-call-hits outputs with the PyTorch reference and with the
planted truth.

  compare_with_reference.py --ours DIR --ref DIR --regions regions.npz [--truth truth.tsv]
                  [--min-identical 0.99] [--coef-rtol 1e-3] [--min-recall 0.9]
                  [--json summary.json]

Hits are identical when (peak, motif, strand, untrimmed start) agree. Prints
the agreement, the coefficient and QC differences, and recall/precision of
the planted instances; exits 1 when a threshold is missed.
"""
import argparse
import csv
import json
import sys

import numpy as np


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--ref")
    ap.add_argument("--regions", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--limit", type=int, default=0, help="compare only regions below this peak_id")
    ap.add_argument("--min-identical", type=float, default=0.99)
    ap.add_argument("--coef-rtol", type=float, default=1e-3)
    ap.add_argument("--min-coef-within", type=float, default=0.99,
                    help="fraction of shared hits whose coefficients must agree within --coef-rtol")
    ap.add_argument("--min-recall", type=float, default=0.0)
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--json")
    a = ap.parse_args(argv)

    starts = np.load(a.regions)["start"]
    keep = (lambda pid: pid < a.limit) if a.limit else (lambda pid: True)
    ours = {}
    for r in read_tsv(f"{a.ours}/hits.tsv"):
        pid = int(r["peak_id"])
        if keep(pid):
            ours[(pid, r["motif_name"], r["strand"], int(r["start_untrimmed"]))] = float(r["hit_coefficient"])
    summary = {"hits_ours": len(ours)}
    ok = True

    if a.ref:
        motifs = {int(r["motif_id"]): (r["motif_name"], r["strand"]) for r in read_tsv(f"{a.ref}/ref_motifs.tsv")}
        ref = {}
        for r in read_tsv(f"{a.ref}/ref_hits.tsv"):
            pid = int(r["peak_id"])
            name, strand = motifs[int(r["motif_id"])]
            ref[(pid, name, strand, int(starts[pid]) + int(r["hit_start"]))] = float(r["hit_coefficient"])
        shared = ours.keys() & ref.keys()
        union = ours.keys() | ref.keys()
        identical = len(shared) / max(1, len(union))
        rel = np.array([abs(ours[k] - ref[k]) / max(abs(ref[k]), 1e-12) for k in shared]) if shared else np.zeros(1)
        within = float(np.mean(rel <= a.coef_rtol))
        summary.update(hits_ref=len(ref), identical=identical, only_ours=len(ours.keys() - ref.keys()),
                       only_ref=len(ref.keys() - ours.keys()), coef_within_rtol=within,
                       coef_rel_diff_median=float(np.median(rel)), coef_rel_diff_max=float(rel.max()))
        qo = {int(r["peak_id"]): r for r in read_tsv(f"{a.ours}/peaks_qc.tsv") if keep(int(r["peak_id"]))}
        qr = {int(r["peak_id"]): r for r in read_tsv(f"{a.ref}/ref_qc.tsv")}
        ids = sorted(qo.keys() & qr.keys())
        steps_equal = np.mean([qo[i]["num_steps"] == qr[i]["num_steps"] for i in ids])
        steps_diff = max(abs(int(qo[i]["num_steps"]) - int(qr[i]["num_steps"])) for i in ids)
        def rdiff(col):
            return max(abs(float(qo[i][col]) - float(qr[i][col])) / max(abs(float(qr[i][col])), 1e-12) for i in ids)
        gap_abs = max(abs(float(qo[i]["dual_gap"]) - float(qr[i]["dual_gap"])) for i in ids)
        summary.update(qc_regions=len(ids), qc_num_steps_equal=float(steps_equal), qc_num_steps_max_diff=steps_diff,
                       qc_nll_rel_diff_max=rdiff("nll"), qc_global_scale_rel_diff_max=rdiff("global_scale"),
                       qc_step_size_rel_diff_max=rdiff("step_size"), qc_dual_gap_abs_diff_max=gap_abs)
        if identical < a.min_identical or within < a.min_coef_within:
            ok = False
        if len(ids) != len(qo) or summary["qc_global_scale_rel_diff_max"] > 1e-4 or \
                summary["qc_nll_rel_diff_max"] > 1e-2 or gap_abs > 5e-4:
            ok = False

    if a.truth:
        truth = [(int(r["peak_id"]), r["motif_name"], r["strand"], int(r["start_untrimmed"]))
                 for r in read_tsv(a.truth) if keep(int(r["peak_id"]))]
        tset = set(truth)
        recall = sum(t in ours for t in truth) / max(1, len(truth))
        near = {(p, n, s, x + d) for (p, n, s, x) in tset for d in range(-2, 3)}
        precision = sum(k in near for k in ours) / max(1, len(ours))
        summary.update(planted=len(truth), recall=recall, precision=precision)
        if recall < a.min_recall or precision < a.min_precision:
            ok = False

    text = "  ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in summary.items())
    print(("PASS " if ok else "FAIL ") + text)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
