#!/usr/bin/python3
"""PyTorch side of the ISM benchmark: naive in silico mutagenesis the way
tangermeme does it — every single-base mutant of [start, end) built as a
one-hot batch and run through bpnet-lite's BPNet (real weights) or a zoo
model (--zoo NAME --zoo-dir BUILD/bench/zoo), batch 64,
N threads, inference mode. Writes the counts predictions (mutants in A, C,
G, T order per position, skipping the reference base) to --out (.npy) and
prints one JSON line with the timing.

usage: ism_torch_reference.py STATE_DICT HPARAMS FASTA --start S --end E [--threads 2] [--out counts.npy]
       ism_torch_reference.py --zoo NAME --zoo-dir DIR - - FASTA --start S --end E ...
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "zoo"))
import reference_model  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("state_dict")
    p.add_argument("hparams")
    p.add_argument("fasta")
    p.add_argument("--start", type=int, required=True)
    p.add_argument("--end", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--out")
    p.add_argument("--zoo", help="a bench/zoo model instead of STATE_DICT/HPARAMS")
    p.add_argument("--zoo-dir")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = reference_model.load(a.zoo, a.zoo_dir, a.state_dict, a.hparams).eval()
    seq = "".join(line.strip() for line in open(a.fasta) if not line.startswith(">"))
    idx = np.array(["ACGT".index(c) for c in seq])
    x = np.zeros((4, len(seq)), np.float32)
    x[idx, np.arange(len(seq))] = 1
    t0 = time.perf_counter()
    mutants = [(p_, b) for p_ in range(a.start, a.end) for b in range(4) if b != idx[p_]]
    counts, profiles = [], 0.0
    with torch.inference_mode():
        ref_profile, ref_counts = model(torch.from_numpy(x[None]))
        for i in range(0, len(mutants), a.batch):
            chunk = mutants[i:i + a.batch]
            xb = np.repeat(x[None], len(chunk), axis=0)
            for j, (p_, b) in enumerate(chunk):
                xb[j, :, p_] = 0
                xb[j, b, p_] = 1
            prof, cnt = model(torch.from_numpy(xb))
            counts.append(cnt.numpy()[:, 0])
            profiles += float(prof.sum())  # keep the profile head computed and used
    seconds = time.perf_counter() - t0
    counts = np.concatenate(counts)
    if a.out:
        np.save(a.out, counts)
    print(json.dumps({"engine": "pytorch", "version": torch.__version__, "threads": a.threads, "batch": a.batch,
                      "mutants": len(mutants), "seconds": round(seconds, 3),
                      "mutants_per_s": round(len(mutants) / seconds, 1)}))


if __name__ == "__main__":
    main()
