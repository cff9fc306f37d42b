#!/usr/bin/env python3
"""Reference for the encode benchmark: the usual Python way of making model
inputs — pyfaidx fetches each window, numpy one-hot encodes it.

    encode_reference.py GENOME POSITIONS.tsv L N

POSITIONS.tsv is `s2f-view` output of a positions stream (chrom in column 2,
pos in column 3). Times the first N windows and prints windows/s.
"""
import sys
import time

import numpy as np
import pyfaidx


def main():
    genome, tsv, L, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rows = []
    with open(tsv) as f:
        next(f)
        for line in f:
            c = line.split("\t")
            rows.append((c[1], int(c[2])))
            if len(rows) == n:
                break
    fa = pyfaidx.Fasta(genome, sequence_always_upper=True, as_raw=True)
    lut = np.zeros((256, 4), dtype=np.uint8)
    for i, b in enumerate(b"ACGT"):
        lut[b, i] = 1
    half = L // 2
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    checksum = 0
    for chrom, pos in rows:
        seq = fa[chrom][pos - half:pos - half + L]
        onehot = lut[np.frombuffer(seq.encode(), dtype=np.uint8)]
        checksum += int(onehot[half].argmax())
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    print("reference (pyfaidx + numpy one-hot, %s): %d windows, wall %.2f s, cpu %.2f s: %.0f windows/s, "
          "%.0f windows/s per cpu-second (checksum %d)"
          % (genome.rsplit("/", 1)[-1], len(rows), wall, cpu, len(rows) / wall, len(rows) / cpu, checksum))


if __name__ == "__main__":
    main()
