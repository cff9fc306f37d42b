#!/usr/bin/python3
"""End to end on the demo model: s2f-ism --attr on fresh demo sequences with
planted motifs -> s2f-call-hits with the demo motif file -> recall >= 0.9 of
the planted instances at the right positions and strands (compare_hits.py).
The same with s2f-attribute's DeepSHAP contributions: recall and precision
at least ISM's, precision counting a hit of a planted site on the other
strand too (AP1's site, ATGAGTCAT, is its own reverse complement but
for the centre base, and DeepSHAP's scores call it on both strands).
Also checks that the bundled motif file is exactly what make_demo_motifs.py
builds from the shipped model, and that its CWMs have the planted cores."""
import os
import subprocess
import tempfile
import shutil

import numpy as np

import compare_hits  # pipelines/demo/compare_hits.py, the demo's own hits-vs-truth check
from s2f_testing import DEMO_DIR as DEMO, PYTHON as PY, check, env_with_bin, finish


def main():
    import h5py
    env = env_with_bin()
    tmp = tempfile.mkdtemp(prefix="s2f-demo-hits-")
    try:
        fa, truth = os.path.join(tmp, "demo.fa"), os.path.join(tmp, "truth.tsv")
        subprocess.run([PY, os.path.join(DEMO, "make_demo_sequences.py"), "-n", "24", "--seed", "77", "-o", fa,
                        "--truth", truth], check=True, capture_output=True)
        contrib = os.path.join(tmp, "contrib.s2f")
        r = subprocess.run(["s2f-ism", "-q", "--model", "demo", "--fasta-records", fa, "--attr", "--target", "counts",
                            "-t", "2", "-o", contrib], env=env, capture_output=True, text=True)
        check(r.returncode == 0, "s2f-ism --attr exits 0 " + r.stderr[-300:])
        model = os.path.join(DEMO, "model")

        def call_hits(contributions, out, what):
            r = subprocess.run(["s2f-call-hits", "-q", "-r", contributions, "-m", os.path.join(model, "demo_modisco.h5"),
                                "-N", os.path.join(model, "demo_motif_names.tsv"), "-o", out, "-t", "2"],
                               env=env, capture_output=True, text=True)
            check(r.returncode == 0, f"s2f-call-hits on the {what} contributions exits 0 " + r.stderr[-300:])

        hits = os.path.join(tmp, "hits")
        call_hits(contrib, hits, "ISM")
        res = compare_hits.compare(compare_hits.read_tsv(os.path.join(hits, "hits.tsv")),
                                   compare_hits.read_tsv(truth))
        print(f"     recall {res['recall']:.3f} ({res['recovered']}/{res['planted']}), "
              f"precision {res['precision']:.3f} ({res['true_hits']}/{res['hits']}), per motif {res['per_motif']}")
        check(res["recall"] >= 0.9, "recall of planted instances >= 0.9")
        check(all(v["recovered"] >= 0.8 * v["planted"] for v in res["per_motif"].values()),
              "every motif recovered at >= 0.8 of its instances")

        # DeepSHAP contributions of the same sequences, same hit calling.
        shap = os.path.join(tmp, "shap.s2f")
        r = subprocess.run(["s2f-attribute", "-q", "--model", "demo", "--fasta-records", fa, "--target", "counts",
                            "-t", "2", "-o", shap], env=env, capture_output=True, text=True)
        check(r.returncode == 0, "s2f-attribute exits 0 " + r.stderr[-300:])
        shap_hits = os.path.join(tmp, "shap_hits")
        call_hits(shap, shap_hits, "DeepSHAP")
        shap_res = compare_hits.compare(compare_hits.read_tsv(os.path.join(shap_hits, "hits.tsv")),
                                        compare_hits.read_tsv(truth))

        def either_strand_precision(hits_tsv):
            hits, sites = compare_hits.read_tsv(hits_tsv), compare_hits.read_tsv(truth)
            good = sum(any(h["peak_name"] == t["seq_id"] and h["motif_name"] == t["motif"] and t["kind"] == "planted"
                           and abs(int(h["start"]) - int(t["start"])) <= compare_hits.TOLERANCE for t in sites)
                       for h in hits)
            return good / len(hits) if hits else 0.0

        ism_any = either_strand_precision(os.path.join(hits, "hits.tsv"))
        shap_any = either_strand_precision(os.path.join(shap_hits, "hits.tsv"))
        print(f"     DeepSHAP: recall {shap_res['recall']:.3f} ({shap_res['recovered']}/{shap_res['planted']}), "
              f"precision {shap_res['precision']:.3f} ({shap_res['true_hits']}/{shap_res['hits']}); "
              f"either strand: DeepSHAP {shap_any:.3f}, ISM {ism_any:.3f}")
        check(shap_res["recall"] >= res["recall"], "DeepSHAP recall is at least ISM's")
        check(shap_any >= ism_any, "DeepSHAP precision (either strand) is at least ISM's")

        # Negative control: the same pipeline on contributions of a shuffled
        # sequence set must not recover the planted instances of the original.
        rng = np.random.default_rng(3)
        lines = open(truth).read().split("\n")
        shuffled_truth = os.path.join(tmp, "shifted_truth.tsv")
        with open(shuffled_truth, "w") as f:
            f.write(lines[0] + "\n")
            for line in lines[1:]:
                if line:
                    c = line.split("\t")
                    c[3] = str(int(c[3]) + int(rng.integers(20, 60)))  # wrong positions
                    f.write("\t".join(c) + "\n")
        wrong = compare_hits.compare(compare_hits.read_tsv(os.path.join(hits, "hits.tsv")),
                                     compare_hits.read_tsv(shuffled_truth))
        check(wrong["recall"] < 0.2, f"negative control: hits do not match shifted positions (recall {wrong['recall']:.2f})")

        # The bundled motif file is what the script makes from the shipped model.
        rebuilt = os.path.join(tmp, "rebuilt.h5")
        r = subprocess.run([PY, os.path.join(DEMO, "make_demo_motifs.py"), "-o", rebuilt], env=env,
                           capture_output=True, text=True)
        check(r.returncode == 0, "make_demo_motifs.py runs " + r.stderr[-300:])
        with h5py.File(rebuilt) as a, h5py.File(os.path.join(model, "demo_modisco.h5")) as b:
            same = all(np.allclose(a[f"pos_patterns/pattern_{k}/{d}"][()], b[f"pos_patterns/pattern_{k}/{d}"][()],
                                   atol=1e-6)
                       for k in range(3) for d in ("contrib_scores", "hypothetical_contribs", "sequence"))
            check(same, "bundled demo_modisco.h5 equals a fresh build from the shipped model")
            for k, core in enumerate(("ATGAGTCAT", "CCACCAGGGGGCG", "CCCCACCC")):
                cwm = b[f"pos_patterns/pattern_{k}/contrib_scores"][()]
                cons = "".join("ACGT"[i] for i in cwm.argmax(axis=1))
                check(core in cons, f"pattern_{k} CWM argmax {cons} contains the planted core {core}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
