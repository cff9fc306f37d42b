#!/usr/bin/python3
"""Builds the demo model's motif file (model/demo_modisco.h5, tfmodisco-lite
layout) from the model itself, the way TF-MoDISco would: ISM contribution
scores of fresh demo sequences (s2f-ism --attr), cut at the planted
instances (each site centred in a WIDTH-base window, turned to the motif's
own strand), averaged per motif; s2f-call-hits trims the flanks.

    PATH=build/bin:$PATH /usr/bin/python3 pipelines/demo/make_demo_motifs.py

pos_patterns/pattern_k holds, for motif k of grammar.json (AP1, CTCF, KLF4):
contrib_scores (mean projected contributions), hypothetical_contribs (mean
hypothetical contributions), sequence (mean one-hot), all W x 4 in A C G T
order, and seqlets/n_seqlets. model/demo_motif_names.tsv maps the pattern
names to the motif names for s2f-call-hits -N. Needs numpy and h5py.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "formats", "python"))
import s2f_stream  # noqa: E402

# tfmodisco-lite gives every pattern one width; each site is centred in it.
WIDTH = 25


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=60, help="training sequences")
    ap.add_argument("--seed", type=int, default=1001, help="seed of the training sequences (not a demo/test seed)")
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "model", "demo_modisco.h5"))
    a = ap.parse_args()
    import h5py

    grammar = json.load(open(os.path.join(HERE, "grammar.json")))
    names = [m["name"] for m in grammar["motifs"]]
    tmp = tempfile.mkdtemp(prefix="s2f-demo-motifs-")
    fa, truth = os.path.join(tmp, "train.fa"), os.path.join(tmp, "truth.tsv")
    subprocess.run([sys.executable, os.path.join(HERE, "make_demo_sequences.py"), "-n", str(a.n), "--seed",
                    str(a.seed), "-o", fa, "--truth", truth], check=True)
    contrib = os.path.join(tmp, "contrib.s2f")
    subprocess.run(["s2f-ism", "-q", "--model", "demo", "--fasta-records", fa, "--attr", "--target", "counts",
                    "-t", "2", "-o", contrib], check=True)
    d = s2f_stream.read(contrib).read_all()
    index = {name: i for i, name in enumerate(d["id"])}
    lut = np.full(256, -1)
    for i, b in enumerate(b"ACGT"):
        lut[b] = i
    rows = [line.rstrip("\n").split("\t") for line in open(truth)]
    header = rows[0]
    sites = [dict(zip(header, r)) for r in rows[1:]]
    sums = {}
    for s in sites:
        if s["kind"] != "planted":
            continue
        r = index[s["seq_id"]]
        site_lo, site_hi = int(s["start"]), int(s["end"])
        lo = site_lo - (WIDTH - (site_hi - site_lo)) // 2
        if s["strand"] == "-":  # centred the same way on the motif's own strand
            lo = site_hi + (WIDTH - (site_hi - site_lo)) // 2 - WIDTH
        hi = lo + WIDTH
        hyp = d["contrib"][r][lo:hi].astype(np.float64)
        onehot = np.zeros_like(hyp)
        codes = lut[d["seq"][r][lo:hi]]
        onehot[np.arange(hi - lo), codes] = 1
        if s["strand"] == "-":  # to the motif's own strand: reverse positions, complement bases
            hyp, onehot = hyp[::-1, ::-1], onehot[::-1, ::-1]
        acc = sums.setdefault(s["motif"], [np.zeros_like(hyp), np.zeros_like(hyp), np.zeros_like(hyp), 0])
        acc[0] += hyp * onehot
        acc[1] += hyp
        acc[2] += onehot
        acc[3] += 1
    with h5py.File(a.output + ".tmp", "w") as f:
        g = f.create_group("pos_patterns")
        for k, name in enumerate(names):
            proj, hyp, seq, n = sums[name]
            p = g.create_group(f"pattern_{k}")
            p.create_dataset("contrib_scores", data=(proj / n).astype(np.float32))
            p.create_dataset("hypothetical_contribs", data=(hyp / n).astype(np.float32))
            p.create_dataset("sequence", data=(seq / n).astype(np.float32))
            p.create_group("seqlets").create_dataset("n_seqlets", data=np.array([n], dtype=np.int64))
            cons = "".join("ACGT"[i] for i in (proj / n).argmax(axis=1))
            print(f"pattern_{k} = {name}: {n} seqlets, projected-CWM argmax {cons}")
    os.replace(a.output + ".tmp", a.output)
    with open(os.path.join(os.path.dirname(a.output), "demo_motif_names.tsv"), "w") as f:
        for k, name in enumerate(names):
            f.write(f"pos_patterns.pattern_{k}\t{name}\n")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
