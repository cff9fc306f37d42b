#!/usr/bin/python3
"""PyTorch side of the attribution benchmark (bench/attribute_bench.sh): the
same DeepSHAP algorithm as s2f-attribute, run the efficient PyTorch way:
tests/attribute/deepshap_reference.py in float32, the (x, reference) pairs
of all regions cut into autograd passes of --batch sequences (x copies and
their references together), weights as plain tensors (no gradient kept for
them), torch.set_num_threads(T).

References are dinucleotide shuffles made here (Altschul & Erickson 1985:
a random Eulerian walk over the sequence's dinucleotide graph, with a
random spanning arborescence of last exits into the final base), N per
region; their time is part of the attribution time, as it is in s2f's.

Also times the plain forward pass of the same regions (no gradient), so
the cost per region can be given in forward-pass equivalents. Prints one
JSON line.

usage: attribute_torch_reference.py MODEL REGIONS.fa --target HEAD[:TRACK|sum]
       [--objective softmax|sum] [--references 20] [--batch 64] [--threads 2] [--seed 1]
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "attribute"))
import deepshap_reference as ref  # noqa: E402


def dinucleotide_shuffle(codes, rng):
    """codes: int array of one sequence (0..3). A uniformly random sequence
    with the same first base and the same dinucleotide counts."""
    n = len(codes)
    if n < 3:
        return codes.copy()
    succ = [list(codes[1:][codes[:-1] == v]) for v in range(4)]
    last = codes[-1]
    while True:  # a random last exit per base such that every base leads to the final base
        exit_of = {v: int(rng.integers(len(succ[v]))) for v in range(4) if v != last and succ[v]}
        ok = True
        for v in exit_of:
            seen, u = set(), v
            while u != last and ok:
                if u in seen:
                    ok = False
                seen.add(u)
                u = succ[u][exit_of[u]] if u in exit_of else last
            if not ok:
                break
        if ok:
            break
    order = []
    for v in range(4):
        edges = list(succ[v])
        tail = [edges.pop(exit_of[v])] if v in exit_of else []
        rng.shuffle(edges)
        order.append(edges + tail)
    out = np.empty(n, codes.dtype)
    out[0] = codes[0]
    used = [0, 0, 0, 0]
    for i in range(1, n):
        u = out[i - 1]
        out[i] = order[u][used[u]]
        used[u] += 1
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("fasta")
    p.add_argument("--target", required=True)
    p.add_argument("--objective", default="softmax", choices=["softmax", "sum"])
    p.add_argument("--references", type=int, default=20)
    p.add_argument("--batch", type=int, default=64, help="sequences per autograd pass (x copies + references)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="write the hypothetical contributions (regions, L, 4) here (.npy)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    graph = ref.load_model(a.model)
    net = ref.Network(graph, torch.float32)
    target = ref.Target(graph, a.target, a.objective)
    seqs = [s for _, s in ref.read_fasta(a.fasta)]
    lut = np.full(256, 0, np.int64)
    for i, b in enumerate(b"ACGT"):
        lut[b] = i
    codes = [lut[np.frombuffer(s.upper().encode(), np.uint8)] for s in seqs]
    xs = np.stack([np.eye(4, dtype=np.float32)[c] for c in codes])

    # Warm-up (allocator, thread pool), then the forward pass of every region.
    with torch.no_grad():
        net.forward(torch.as_tensor(xs[:2]))
        t0 = time.perf_counter()
        for lo in range(0, len(xs), a.batch):
            net.forward(torch.as_tensor(xs[lo:lo + a.batch]))
        forward_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    refs = np.stack([np.stack([np.eye(4, dtype=np.float32)[dinucleotide_shuffle(c, rng)]
                               for _ in range(a.references)]) for c in codes])
    shuffle_s = time.perf_counter() - t0
    hyp, gap = ref.deepshap_many(net, target, xs, refs, pairs_per_pass=max(1, a.batch // 2))
    attribute_s = time.perf_counter() - t0
    if a.out:
        np.save(a.out, hyp.astype(np.float32))
    n = len(xs)
    print(json.dumps({
        "engine": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "regions": n, "references": a.references, "batch": a.batch,
        "seconds": round(attribute_s, 3), "shuffle_seconds": round(shuffle_s, 3),
        "regions_per_s": round(n / attribute_s, 4),
        "forward_seconds_per_sequence": forward_s / n,
        "forward_equivalents_per_region": round((attribute_s / n) / (forward_s / n), 1),
        "max_delta_gap": gap,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()
