#!/usr/bin/python3
"""PyTorch side of bench/marginalize_bench.sh: a tangermeme-style
marginalization (tests/marginalize/marginalize_reference.py) — N random
backgrounds (GC 0.41), one-hot, predicted before and after substituting the
motif at the centre, in batches, T threads, inference mode. Timed from model
load to the last prediction (s2f's time includes the same). Prints one JSON line.

usage: marginalize_torch_reference.py (--demo | --state-dict SD --hparams HP)
           --length L -n N --motif ATGAGTCAT [--threads 2] [--batch 64]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
for d in (("tests", "marginalize"), ("formats", "python"), ("pipelines", "demo")):  # the reference's imports
    sys.path.insert(0, os.path.join(ROOT, *d))
import marginalize_reference as ref  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--demo", action="store_true")
    p.add_argument("--zoo", help="a bench/zoo model (its cached weights)")
    p.add_argument("--zoo-dir")
    p.add_argument("--state-dict")
    p.add_argument("--hparams")
    p.add_argument("--length", type=int, required=True)
    p.add_argument("-n", type=int, default=256)
    p.add_argument("--motif", default="ATGAGTCAT")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    if a.zoo:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "zoo"))
        import reference_model  # noqa: E402
        model = reference_model.load(a.zoo, a.zoo_dir).eval()
    else:
        model = (ref.load_demo_model() if a.demo else ref.load_bpnet(a.state_dict, a.hparams)).eval()
    t_loaded = time.perf_counter()
    rng = np.random.default_rng(1)
    idx = rng.choice(4, size=(a.n, a.length), p=[0.295, 0.205, 0.205, 0.295])
    X = np.ascontiguousarray(np.eye(4, dtype=np.float32)[idx].transpose(0, 2, 1))
    before, after = ref.marginalize(model, X, a.motif, batch_size=a.batch)
    dt = time.perf_counter() - t0
    effect = float((after[-1] - before[-1]).mean())
    print(json.dumps({"engine": "pytorch", "version": torch.__version__, "threads": a.threads, "backgrounds": a.n,
                      "seconds": round(dt, 3), "backgrounds_per_s": round(a.n / dt, 2),
                      "load_seconds": round(t_loaded - t0, 3),
                      "mean_count_effect": round(effect, 4)}))


if __name__ == "__main__":
    main()
