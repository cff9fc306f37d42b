"""Common code of the engine's test fixture generators: FASTA windows,
one-hot encoding and the raw float32 files the C++ tests read."""
import json
import os

import numpy as np

SKIP = 77  # exit code meaning "skipped: data absent"
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
# formats/python (bpnet_lite, s2f_model_export) is on PYTHONPATH: the C++
# tests run these generators with it (tests/unit/test_engine_support.hpp).


def shared_data():
    return os.path.join(SOURCE_DIR, "..", "shared", "data")


def read_fasta(path):
    with open(path) as f:
        return "".join(line.strip() for line in f if not line.startswith(">"))


def one_hot(seq):
    lut = {"A": 0, "C": 1, "G": 2, "T": 3}
    out = np.zeros((len(seq), 4), np.float32)
    for i, b in enumerate(seq.upper()):
        if b in lut:
            out[i, lut[b]] = 1.0
    return out


def genome_windows(length, count):
    """`count` windows of `length` bp evenly spread over the chr22 excerpt."""
    fa = os.path.join(shared_data(), "genome", "hg38-chr22-excerpt", "hg38_chr22_32000000_32300000.fa")
    seq = read_fasta(fa)
    starts = np.linspace(0, len(seq) - length, count).astype(int)
    return [seq[s:s + length] for s in starts]


CHR20 = "/usr/share/doc/vt/examples/ref/20.fa.gz"  # Debian package vt-examples (GRCh37)


def chr20_windows(length, count, span=6_000_000):
    """`count` N-free windows spread over chr20 from 1 Mb to `span`."""
    import gzip
    seq = []
    total = 0
    with gzip.open(CHR20, "rt") as f:
        for line in f:
            if line.startswith(">"):
                continue
            seq.append(line.strip())
            total += len(seq[-1])
            if total >= span:
                break
    seq = "".join(seq)
    out = []
    for s in np.linspace(1_000_000, len(seq) - length, count * 4).astype(int):
        w = seq[s:s + length]
        if "N" not in w.upper():
            out.append(w)
        if len(out) == count:
            break
    return out


def write_case(out_dir, name, model_path, x, heads, tolerance=None):
    """x: (N, L, C) float32 channels-last; heads: list of (name, (N, tracks, bins) array)."""
    os.makedirs(out_dir, exist_ok=True)
    x.astype("<f4").tofile(os.path.join(out_dir, f"{name}.input.f32"))
    if os.path.dirname(os.path.abspath(model_path)) == os.path.abspath(out_dir):
        model_path = os.path.basename(model_path)  # the directory is renamed when complete
    entry = {"name": name, "model": model_path, "batch": int(x.shape[0]), "length": int(x.shape[1]),
             "channels": int(x.shape[2]), "heads": []}
    for hname, values in heads:
        values = np.asarray(values, np.float32)
        fname = f"{name}.{hname}.f32"
        values.astype("<f4").tofile(os.path.join(out_dir, fname))
        entry["heads"].append({"name": hname, "file": fname, "tracks": int(values.shape[1]),
                               "bins": int(values.shape[2])})
    if tolerance:
        entry["tolerance"] = tolerance
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(entry, f)
