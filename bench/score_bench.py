"""s2f-score throughput: 100,000 variant pairs x 1,000 tracks (scalar heads),
log2fc + diff, against a numpy reference that reads the same stream with
formats/python/s2f_stream.py and computes the same statistics (the way a
Selene/chorus-style Python script would), in the same run.

    /usr/bin/python3 bench/score_bench.py BIN_DIR [N_PAIRS] [N_TRACKS]
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "formats", "python"))
import s2f_stream  # noqa: E402


def main():
    bin_dir = sys.argv[1]
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    tracks = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    tmp = tempfile.mkdtemp(prefix="s2f-score-bench-")
    path = os.path.join(tmp, "preds.s2f")
    schema = [{"name": "id", "dtype": "str", "shape": []}, {"name": "chrom", "dtype": "str", "shape": []},
              {"name": "pos", "dtype": "i64", "shape": []}, {"name": "strand", "dtype": "u8", "shape": []},
              {"name": "start", "dtype": "i64", "shape": []}, {"name": "allele", "dtype": "u8", "shape": []},
              {"name": "ref", "dtype": "str", "shape": []}, {"name": "alt", "dtype": "str", "shape": []},
              {"name": "ref_match", "dtype": "u8", "shape": []}, {"name": "contains_unk", "dtype": "u8", "shape": []},
              {"name": "signal", "dtype": "f32", "shape": [tracks, 1]}]
    rng = np.random.default_rng(0)
    chunk = 5000
    with s2f_stream.Writer(path, "tensors", schema, {}) as w:
        for start in range(0, pairs, chunk):
            n = min(chunk, pairs - start) * 2
            ids = [f"v{(start * 2 + i) // 2}" for i in range(n)]
            w.write_batch({"id": ids, "chrom": ["chr1"] * n, "pos": np.zeros(n, np.int64),
                           "strand": np.full(n, 43, np.uint8), "start": np.zeros(n, np.int64),
                           "allele": np.tile(np.array([82, 65], np.uint8), n // 2), "ref": ["A"] * n, "alt": ["G"] * n,
                           "ref_match": np.ones(n, np.uint8), "contains_unk": np.zeros(n, np.uint8),
                           "signal": rng.gamma(2.0, 1.0, size=(n, tracks, 1)).astype(np.float32)})
    size = os.path.getsize(path)

    out = os.path.join(tmp, "scores.s2f")
    t = time.perf_counter()
    subprocess.run([os.path.join(bin_dir, "s2f-score"), "--stat", "log2fc,diff", "-q", "--zstd", "0", "-o", out, path],
                   check=True)
    s2f_time = time.perf_counter() - t

    t = time.perf_counter()
    res_l, res_d = [], []
    carry = None  # a ref record whose alt is in the next frame
    for batch in s2f_stream.read(path):
        x = batch["signal"][:, :, 0].astype(np.float64)
        if carry is not None:
            x = np.concatenate([carry, x])
        if len(x) % 2:
            carry, x = x[-1:], x[:-1]
        else:
            carry = None
        ref, alt = x[0::2], x[1::2]
        res_l.append(np.log2((alt + 1) / (ref + 1)).astype(np.float32))
        res_d.append((alt - ref).astype(np.float32))
    # Like s2f-score, the reference writes what it computed.
    np.savez(os.path.join(tmp, "reference.npz"), log2fc=np.concatenate(res_l), diff=np.concatenate(res_d))
    ref_time = time.perf_counter() - t
    got = s2f_stream.read(out).read_all()
    ok = np.allclose(got["log2fc"], np.concatenate(res_l), atol=1e-5) and np.allclose(got["diff"], np.concatenate(res_d), atol=1e-4)
    print(f"input: {pairs} variant pairs x {tracks} tracks, {size / 1e6:.0f} MB")
    print(f"s2f-score       {s2f_time:7.2f} s  {pairs / s2f_time:10.0f} pairs/s  {size / s2f_time / 1e6:7.0f} MB/s")
    print(f"numpy reference {ref_time:7.2f} s  {pairs / ref_time:10.0f} pairs/s")
    print(f"ratio s2f/numpy: {ref_time / s2f_time:.2f}x   outputs equal: {ok}")


if __name__ == "__main__":
    main()
