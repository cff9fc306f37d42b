"""Throughput of formats/python/s2f_stream.py on the tensors stream of
bench/stream_throughput.cpp (two f32 heads of 1000 bins, 4096 records), as a
model adapter would write it (batches of 128) and read it back, against
numpy's tofile/fromfile of the same head arrays in the same run.

    PYTHONPATH=formats/python /usr/bin/python3 bench/stream_throughput.py
"""

import os
import tempfile
import time

import numpy as np

import s2f_stream

RECORDS, BINS, BATCH = 4096, 1000, 128
SCHEMA = ([{"name": n, "dtype": "str", "shape": []} for n in ("id", "chrom")]
          + [{"name": "pos", "dtype": "i64", "shape": []}, {"name": "strand", "dtype": "u8", "shape": []},
             {"name": "start", "dtype": "i64", "shape": []}, {"name": "allele", "dtype": "u8", "shape": []},
             {"name": "ref", "dtype": "str", "shape": []}, {"name": "alt", "dtype": "str", "shape": []},
             {"name": "ref_match", "dtype": "u8", "shape": []},
             {"name": "contains_unk", "dtype": "u8", "shape": []},
             {"name": "profile_plus", "dtype": "f32", "shape": [1, BINS]},
             {"name": "profile_minus", "dtype": "f32", "shape": [1, BINS]}])


def batches(rng):
    centre = np.exp(-((np.arange(BINS) - 500) / 120.0) ** 2)
    for first in range(0, RECORDS, BATCH):
        n = min(BATCH, RECORDS - first)
        pos = 1_000_000 + 1000 * np.arange(first, first + n)
        noise = rng.normal(0, 0.3, (2, n, 1, BINS))
        yield {"id": [f"chr1:{p}" for p in pos], "chrom": ["chr1"] * n, "pos": pos,
               "strand": np.full(n, ord("+")), "start": pos - 500, "allele": np.full(n, ord(".")),
               "ref": [""] * n, "alt": [""] * n, "ref_match": np.zeros(n, np.uint8),
               "contains_unk": np.zeros(n, np.uint8),
               "profile_plus": np.log1p(np.exp(2.0 * centre + noise[0])).astype(np.float32),
               "profile_minus": np.log1p(np.exp(1.5 * centre + noise[1])).astype(np.float32)}


def best_of(runs, fn):
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main():
    data = list(batches(np.random.default_rng(5)))
    payload = sum(b["profile_plus"].nbytes + b["profile_minus"].nbytes for b in data)
    heads = np.concatenate([np.concatenate([b["profile_plus"], b["profile_minus"]], axis=1) for b in data])
    print(f"{RECORDS} records, {payload / 1e6:.1f} MB of head values; CPU time, best of 5")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "heads.f32")
        stream_path = os.path.join(tmp, "heads.s2f")

        def s2f_round_trip(level):
            def run():
                s2f_stream.write(stream_path, "tensors", SCHEMA, {}, data, zstd_level=level)
                for batch in s2f_stream.read(stream_path):
                    batch["profile_plus"][0, 0, 0]
            return run

        def numpy_round_trip():
            heads.tofile(path)
            np.fromfile(path, np.float32)

        rows = [("numpy tofile+fromfile (reference)", best_of(5, numpy_round_trip))]
        for level in (0, 1, 3):
            rows.append((f"s2f_stream write+read, zstd {level}", best_of(5, s2f_round_trip(level))))
    print(f"{'round trip through a file in ' + tempfile.gettempdir():40s} {'MB/s':>8s} {'vs numpy':>9s}")
    for name, seconds in rows:
        print(f"{name:40s} {payload / seconds / 1e6:8.0f} {rows[0][1] / seconds:9.2f}")


if __name__ == "__main__":
    main()
