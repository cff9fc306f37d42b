"""An --exec stand-in with the output shape of Enformer's human head:
5,313 tracks x 896 bins (128 bp) per window. Values only, no weights: each
track is a fixed positive scale times the GC fraction of each bin's slice of
the window (plus 0.1), so a SNP changes one bin and every track sees it.

    wide_standin.py CATALOG.tsv     (one row per track; written by the test)
"""
import sys

import numpy as np

import s2f_exec

TRACKS, BINS = 5313, 896
SCALE = np.random.default_rng(0).gamma(2.0, 0.5, TRACKS).astype(np.float32)


def predict(onehot):
    batch, length, _ = onehot.shape
    gc = onehot[:, :, 1] + onehot[:, :, 2]
    edges = np.linspace(0, length, BINS + 1).astype(np.int64)
    pooled = np.add.reduceat(gc, edges[:-1], axis=1) / np.diff(edges)
    return {"profile": (SCALE[None, :, None] * (0.1 + pooled[:, None, :])).astype(np.float32)}


if __name__ == "__main__":
    s2f_exec.serve(predict, catalog_tsv=sys.argv[1], batch_size=1, n_value=0,
                   heads_meta=[{"name": "profile", "kind": "profile", "bin_size": 128, "strand_pairs": []}])
