#!/usr/bin/python3
"""PyTorch side of the engine benchmark: bpnet-lite's BPNet (the
transcription in formats/python/bpnet_lite.py, real weights), 2114-bp
windows, batch 64, N threads, inference mode. Prints one JSON line.

usage: engine_bpnet_torch.py STATE_DICT HPARAMS [--threads 2] [--batch 64] [--seconds 10]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "formats", "python"))
import bpnet_lite  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("state_dict")
    p.add_argument("hparams")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = bpnet_lite.from_files(a.state_dict, a.hparams)
    g = torch.Generator().manual_seed(7)
    idx = torch.randint(0, 4, (a.batch, 2114), generator=g)
    x = torch.nn.functional.one_hot(idx, 4).permute(0, 2, 1).float().contiguous()
    with torch.inference_mode():
        model(x)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < a.seconds:
            model(x)
            n += a.batch
        rate = n / (time.perf_counter() - t0)
    print(json.dumps({"engine": "pytorch", "version": torch.__version__, "threads": a.threads,
                      "batch": a.batch, "sequences_per_s": round(rate, 2),
                      "blas": "openblas" if "openblas" in torch.__config__.show().lower() else "see torch config",
                      "mkldnn": torch.backends.mkldnn.is_available()}))


if __name__ == "__main__":
    main()
