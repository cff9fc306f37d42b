#!/usr/bin/python3
"""Writes tensors.s2f, the committed input of the s2f-score golden cases,
with numpy only (formats/python/s2f_stream.py; no torch, no model):

    PYTHONPATH=../../../formats/python /usr/bin/python3 make_inputs.py

Three variant pairs (ref record, then alt) and one position record, as
s2f-predict writes them: a `profile` head of 2 tracks x 9 bins (bin size 1)
and a `counts` head of 2 tracks x 1. Values are small multiples of 1/4, so
sums and ratios can be checked by hand (cases.tsv says which were).
"""
import numpy as np

import s2f_stream
from s2f_testing import WINDOW_IDENTITY_FIELDS

BINS, TRACKS = 9, 2
IDENTITY = WINDOW_IDENTITY_FIELDS
CATALOG = {"columns": ["track_index", "track_name", "output_type", "strand", "layer"],
           "rows": [["0", "dnase", "profile", ".", "ACC"], ["1", "rna", "profile", ".", "RNA"],
                    ["0", "dnase", "counts", ".", "ACC"], ["1", "rna", "counts", ".", "RNA"]]}


def main():
    base = np.array([[1, 1, 2, 3, 4, 3, 2, 1, 1], [0.5, 0.5, 0.5, 1, 2, 1, 0.5, 0.5, 0.5]], np.float32)
    records = [  # id, allele, profile, counts
        ("var1", "R", base, [[0.25], [0.5]]),
        ("var1", "A", base * np.array([[2], [0.5]], np.float32), [[0.5], [0.25]]),   # track 0 doubled, 1 halved
        ("var2", "R", base, [[0.75], [0.75]]),
        ("var2", "A", base, [[0.75], [0.75]]),                                         # no effect
        ("var3", "R", base, [[0.5], [0.5]]),
        ("var3", "A", np.where(np.arange(BINS) == 4, base * 3, base).astype(np.float32), [[0.75], [0.25]]),  # centre bin x3
        ("pos1", ".", base + 1, [[0.25], [0.75]]),
    ]
    n = len(records)
    alleles = [ord(r[1]) for r in records]
    batch = {"id": [r[0] for r in records], "chrom": ["chr1"] * n,
             "pos": np.array([100, 100, 200, 200, 300, 300, 400], np.int64),
             "strand": np.full(n, ord("+"), np.uint8), "start": np.array([50, 50, 150, 150, 250, 250, 350], np.int64),
             "allele": np.array(alleles, np.uint8),
             "ref": ["A" if a != ord(".") else "" for a in alleles],
             "alt": ["G" if a != ord(".") else "" for a in alleles],
             "ref_match": np.ones(n, np.uint8), "contains_unk": np.zeros(n, np.uint8),
             "profile": np.stack([np.asarray(r[2], np.float32) for r in records]),
             "counts": np.array([r[3] for r in records], np.float32)}
    schema = IDENTITY + [{"name": "profile", "dtype": "f32", "shape": [TRACKS, BINS]},
                         {"name": "counts", "dtype": "f32", "shape": [TRACKS, 1]}]
    meta = {"tracks": CATALOG, "model": {"hash": "sha256:golden"},
            "geometry": {"heads": [{"name": "profile", "output_type": "profile", "kind": "profile", "bin_size": 1},
                                   {"name": "counts", "output_type": "counts", "kind": "scalar", "bin_size": 1}]}}
    s2f_stream.write("tensors.s2f", "tensors", schema, meta, [batch])


if __name__ == "__main__":
    main()
