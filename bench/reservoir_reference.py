"""Algorithm R in Python, the way background build scripts do it, timed on
one track: a per-value loop (the common ReservoirSampler style) and a
numpy-vectorised variant (draw all replacement indices at once; later
writes win, which is Algorithm R's order). Prints JSON lines.

  reservoir_reference.py [--values N] [--capacity C]
"""
import argparse
import json
import random
import time

import numpy as np


def loop_reservoir(values, capacity, rng):
    sample, seen = [], 0
    for v in values:
        seen += 1
        if seen <= capacity:
            sample.append(v)
        else:
            j = rng.randrange(seen)
            if j < capacity:
                sample[j] = v
    return sample


def numpy_reservoir(values, capacity, rng):
    sample = values[:capacity].copy()
    rest = values[capacity:]
    seen = np.arange(capacity + 1, len(values) + 1, dtype=np.int64)
    j = (rng.random(len(rest)) * seen).astype(np.int64)
    keep = j < capacity
    sample[j[keep]] = rest[keep]
    return sample


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--values", type=int, default=2_000_000)
    ap.add_argument("--capacity", type=int, default=50_000)
    a = ap.parse_args()
    values = np.random.default_rng(1).standard_normal(a.values).astype(np.float32)
    as_list = values.tolist()
    t0 = time.perf_counter()
    loop_reservoir(as_list, a.capacity, random.Random(12345))
    t1 = time.perf_counter()
    numpy_reservoir(values, a.capacity, np.random.default_rng(12345))
    t2 = time.perf_counter()
    for impl, s in (("python_loop", t1 - t0), ("numpy_vectorised", t2 - t1)):
        print(json.dumps({"impl": impl, "threads": 1, "values": a.values, "seconds": round(s, 3),
                          "values_per_s": round(a.values / s)}))


if __name__ == "__main__":
    main()
