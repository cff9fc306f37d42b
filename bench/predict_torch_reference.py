"""PyTorch reference for bench/predict_bench.sh: the same windows as
`s2f-encode | s2f-predict`, end to end in Python — positions read from the
s2f stream, sequences fetched with pyfaidx, one-hot with numpy, the real
bpnet-lite BPNet in torch (OpenBLAS, same thread count), outputs saved.

    predict_torch_reference.py POSITIONS.s2f GENOME.fa STATE_DICT HPARAMS OUT.npz --threads 2
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "formats", "python"))
import bpnet_lite  # noqa: E402
import s2f_stream  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("positions")
    p.add_argument("genome")
    p.add_argument("state_dict")
    p.add_argument("hparams")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--length", type=int, default=2114)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    import pyfaidx
    fa = pyfaidx.Fasta(a.genome, as_raw=True, sequence_always_upper=True)
    model = bpnet_lite.from_files(a.state_dict, a.hparams).eval()
    pos = s2f_stream.read(a.positions).read_all()
    lut = np.zeros((256, 4), np.float32)
    for i, b in enumerate(b"ACGT"):
        lut[b, i] = 1
    lut[ord("N")] = 0.0  # bpnet-lite's encoding of N (tangermeme: zeros), which the exported model records
    half = a.length // 2
    profiles, counts = [], []
    n = len(pos["chrom"])
    for s in range(0, n, a.batch):
        seqs = [fa[c][int(p) - half:int(p) - half + a.length] for c, p in zip(pos["chrom"][s:s + a.batch], pos["pos"][s:s + a.batch])]
        x = lut[np.frombuffer("".join(seqs).encode(), np.uint8)].reshape(len(seqs), a.length, 4).transpose(0, 2, 1)
        with torch.no_grad():
            y = model(torch.from_numpy(np.ascontiguousarray(x)))
        profiles.append(y[0].numpy())
        counts.append(y[1].numpy())
    np.savez(a.out, profile=np.concatenate(profiles), counts=np.concatenate(counts))
    dt = time.perf_counter() - t0
    print(json.dumps({"windows": n, "seconds": dt, "windows_per_s": n / dt}))


if __name__ == "__main__":
    main()
