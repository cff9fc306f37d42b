#!/usr/bin/python3
"""End to end on the demo model: s2f-ism --attr on fresh demo sequences with
planted motifs -> s2f-call-hits with the demo motif file -> recall >= 0.9 of
the planted instances at the right positions and strands (compare_hits.py).
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
        hits = os.path.join(tmp, "hits")
        r = subprocess.run(["s2f-call-hits", "-q", "-r", contrib, "-m", os.path.join(model, "demo_modisco.h5"),
                            "-N", os.path.join(model, "demo_motif_names.tsv"), "-o", hits, "-t", "2"],
                           env=env, capture_output=True, text=True)
        check(r.returncode == 0, "s2f-call-hits on the ISM contributions exits 0 " + r.stderr[-300:])
        res = compare_hits.compare(compare_hits.read_tsv(os.path.join(hits, "hits.tsv")),
                                   compare_hits.read_tsv(truth))
        print(f"     recall {res['recall']:.3f} ({res['recovered']}/{res['planted']}), "
              f"precision {res['precision']:.3f} ({res['true_hits']}/{res['hits']}), per motif {res['per_motif']}")
        check(res["recall"] >= 0.9, "recall of planted instances >= 0.9")
        check(all(v["recovered"] >= 0.8 * v["planted"] for v in res["per_motif"].values()),
              "every motif recovered at >= 0.8 of its instances")

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
