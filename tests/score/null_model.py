#!/usr/bin/python3
"""A null model for s2f-predict --exec: its outputs carry no signal of the
sequence. Each window's profile logits (1 track x 50 bins) and log-count
are pseudo-random numbers seeded by a hash of the window, so they are
deterministic (same bytes for any -t and shard) but independent of any
biological feature: a variant's observed score and the scores of its
shuffled-flank windows are exchangeable, and their empirical p-values are
uniform."""
import hashlib

import numpy as np

import s2f_exec


def predict(onehot):
    profiles, counts = [], []
    for x in onehot:
        seed = int.from_bytes(hashlib.sha256(np.ascontiguousarray(x).tobytes()).digest()[:8], "little")
        rng = np.random.default_rng(seed)
        profiles.append(rng.normal(0.0, 1.0, size=(1, 50)))
        counts.append([rng.normal(3.0, 0.5)])
    return {"profile": np.array(profiles), "counts": np.array(counts)}


if __name__ == "__main__":
    s2f_exec.serve(predict, n_value=0)
