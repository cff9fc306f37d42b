#!/usr/bin/python3
"""Inputs for the motif workflow (pipelines/motifs.smk) on the demo model,
from the demo grammar (grammar.json); config/motifs.yaml reads them from
demo-out/motifs/, and tests/pipelines/test_motif_workflow.sh uses them too:

    /usr/bin/python3 pipelines/demo/make_motif_inputs.py demo-out/motifs [-n 12] [--seed 3]

OUTDIR/genome.fa          demo sequences (make_demo_sequences.py), one contig each
OUTDIR/truth.tsv          their planted sites
OUTDIR/peaks.narrowPeak   one peak per contig, [0, 500) with the summit at 250, so the
                          500 bp window s2f-encode centres on the summit is the whole contig
OUTDIR/motifs.meme        the grammar's PWMs (AP1, CTCF, KLF4) in MEME format
OUTDIR/modisco.h5         the same motifs in the tfmodisco-lite layout s2f-call-hits reads:
                          pos_patterns/pattern_k (k in the order AP1, CTCF, KLF4), 30 columns
                          each (the motif in the middle, flat flanks), with
                          contrib_scores = PWM x information content (a logo),
                          hypothetical_contribs = centred log2-odds, sequence = PWM
                          (a stand-in for a tfmodisco-lite run on the model's attributions:
                          the grammar says which motifs the model was trained on)
OUTDIR/motif_names.tsv    pattern name -> grammar name (s2f-call-hits -N)
"""
import argparse
import json
import os
import subprocess
import sys

import h5py
import numpy as np

DEMO = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("-n", type=int, default=12)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    fa, truth = os.path.join(a.out, "genome.fa"), os.path.join(a.out, "truth.tsv")
    subprocess.run([sys.executable, os.path.join(DEMO, "make_demo_sequences.py"), "-n", str(a.n),
                    "--seed", str(a.seed), "-o", fa, "--truth", truth], check=True, stderr=subprocess.DEVNULL)
    grammar = json.load(open(os.path.join(DEMO, "grammar.json")))
    length = grammar["sequence"]["length"]
    ids = [line[1:].split()[0] for line in open(fa) if line.startswith(">")]
    with open(os.path.join(a.out, "peaks.narrowPeak"), "w") as f:
        for i, sid in enumerate(ids):
            f.write("%s\t0\t%d\tpeak%d\t1000\t.\t10\t-1\t-1\t%d\n" % (sid, length, i, length // 2))
    motifs = grammar["motifs"]
    with open(os.path.join(a.out, "motifs.meme"), "w") as f:
        f.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n"
                "Background letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
        for m in motifs:
            pwm = np.asarray(m["pwm"])
            f.write("MOTIF %s %s\nletter-probability matrix: alength= 4 w= %d nsites= 100 E= 0\n"
                    % (m["name"], m["jaspar_id"], len(pwm)))
            for row in pwm:
                f.write(" " + "  ".join("%.6f" % v for v in row) + "\n")
            f.write("\n")
    with h5py.File(os.path.join(a.out, "modisco.h5"), "w") as h, \
            open(os.path.join(a.out, "motif_names.tsv"), "w") as names:
        g = h.create_group("pos_patterns")
        # tfmodisco-lite patterns share one width (s2f-call-hits requires it):
        # each motif sits in the middle of WIDTH columns, with flat flanks
        # that trimming (--cwm-trim-threshold) removes.
        width = 2 * max(len(m["pwm"]) for m in motifs)
        for k, m in enumerate(motifs):
            pwm = np.asarray(m["pwm"], dtype=np.float64)
            p = np.clip(pwm, 1e-3, 1.0)
            p /= p.sum(axis=1, keepdims=True)
            ic = 2.0 + (p * np.log2(p)).sum(axis=1, keepdims=True)
            logodds = np.log2(p / 0.25)
            left = (width - len(p)) // 2
            cwm, hyp, seq = np.zeros((width, 4)), np.zeros((width, 4)), np.full((width, 4), 0.25)
            cwm[left:left + len(p)] = p * ic
            hyp[left:left + len(p)] = logodds - logodds.mean(axis=1, keepdims=True)
            seq[left:left + len(p)] = p
            pat = g.create_group("pattern_%d" % k)
            pat.create_dataset("contrib_scores", data=cwm.astype(np.float32))
            pat.create_dataset("hypothetical_contribs", data=hyp.astype(np.float32))
            pat.create_dataset("sequence", data=seq.astype(np.float32))
            pat.create_group("seqlets").create_dataset("n_seqlets", data=np.array([100]))
            names.write("pos_patterns.pattern_%d\t%s\n" % (k, m["name"]))


if __name__ == "__main__":
    main()
