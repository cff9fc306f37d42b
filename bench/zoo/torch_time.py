#!/usr/bin/python3
"""PyTorch side of the zoo timing, run by run.py in its own process (so its
peak RSS is PyTorch's alone): one zoo model, float32, eval, no_grad,
torch.set_num_threads(T) (run.py also sets OMP_NUM_THREADS=T), random
one-hot windows, one warm-up batch, then batches until S seconds have
passed. Prints one JSON line.

usage: torch_time.py NAME [--weights CACHE.pt] [--threads 2] [--batch 16] [--seconds 10]
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weights  # noqa: E402
import zoo  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name", choices=sorted(zoo.ENTRIES))
    p.add_argument("--weights", help="state_dict cache of a randomly initialised model")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = zoo.load(a.name, a.weights)
    x = weights.to_torch(weights.one_hot(a.batch, zoo.ENTRIES[a.name].input_length, seed=7))
    with torch.no_grad():
        model(x)
        n, t0 = 0, time.perf_counter()
        while True:
            model(x)
            n += a.batch
            elapsed = time.perf_counter() - t0
            if elapsed >= a.seconds:
                break
    print(json.dumps({"engine": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                      "batch": a.batch, "sequences_per_s": round(n / elapsed, 3),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "mkldnn": torch.backends.mkldnn.is_available()}))


if __name__ == "__main__":
    main()
