#!/usr/bin/python3
"""Reference marginalization in numpy + PyTorch, written the way tangermeme
does it (tangermeme.marginalize.marginalize with func=predict): one-hot the
backgrounds, predict them, substitute the motif's one-hot at `start`
(default L // 2 - m // 2), predict again. Used by test_marginalize.py for
parity with s2f-marginalize and by bench/marginalize_torch_reference.py for
the throughput comparison.

Motif strings are ACGT with N (keep the background base); models are the
bundled demo model (loaded as tests/demo/test_demo_model.py does) or any
bpnet-lite BPNet state_dict.
"""
import sys

import numpy as np

# bpnet_lite (formats/python) and demo_torch (pipelines/demo) come from
# PYTHONPATH (tests/CMakeLists.txt; bench/marginalize_torch_reference.py sets
# its own).


def one_hot(seqs, n_value=0.25):
    """(N, 4, L) float32, A C G T; other letters get n_value in every channel (0.25: what the demo model records)."""
    lut = np.full((256, 4), n_value, np.float32)
    for c in b"ACGTacgt":
        lut[c] = 0
    for i, c in enumerate(b"ACGT"):
        lut[c, i] = 1
        lut[c + 32, i] = 1
    raw = np.frombuffer("".join(seqs).encode(), np.uint8).reshape(len(seqs), -1)
    return np.ascontiguousarray(lut[raw].transpose(0, 2, 1))


def substitute(X, motif, start):
    """tangermeme.ersatz.substitute for a motif string; N keeps the background base."""
    X = X.copy()
    for i, c in enumerate(motif):
        if c in "Nn.":
            continue
        X[:, :, start + i] = 0
        X[:, "ACGT".index(c.upper()), start + i] = 1
    return X


def substitute_tensor(X, motif, start):
    """tangermeme.ersatz.substitute for a motif tensor of shape (1 or N, 4, k):
    the window's columns are replaced by the motif's, broadcast over the
    sequences when its first axis is 1, motif i into sequence i when it is N."""
    X = X.copy()
    X[:, :, start:start + motif.shape[-1]] = motif
    return X


def marginalize_tensor(model, X, motif, start=None, batch_size=64):
    """tangermeme.marginalize with a one-hot or soft motif tensor (1 or N, 4, k)."""
    if start is None:
        start = X.shape[2] // 2 - motif.shape[-1] // 2
    return predict(model, X, batch_size), predict(model, substitute_tensor(X, motif, start), batch_size)


def predict(model, X, batch_size=64):
    """Outputs of model over X in batches, as numpy arrays (one per output)."""
    import torch
    outs = None
    with torch.inference_mode():
        for s in range(0, len(X), batch_size):
            y = model(torch.from_numpy(X[s:s + batch_size]))
            y = y if isinstance(y, (tuple, list)) else (y,)
            if outs is None:
                outs = [[] for _ in y]
            for k, t in enumerate(y):
                outs[k].append(t.numpy())
    return [np.concatenate(o) for o in outs]


def marginalize(model, X, motif, start=None, batch_size=64):
    """(y_before, y_after), each a list with one array per model output."""
    if start is None:
        start = X.shape[2] // 2 - len(motif) // 2
    return predict(model, X, batch_size), predict(model, substitute(X, motif, start), batch_size)


def load_demo_model():
    """The shipped demo model in the bpnet-lite BPNet (weights from demo.s2fm)."""
    import demo_torch
    return demo_torch.load()


def load_bpnet(state_dict, hparams):
    import bpnet_lite
    return bpnet_lite.from_files(state_dict, hparams)


def read_sequences(path):
    """The `seq` field of an s2f sequences stream, as strings."""
    import s2f_stream
    seq = s2f_stream.read(path).read_all()["seq"]
    return [bytes(r).decode() for r in seq]


if __name__ == "__main__":
    # Quick manual check: marginalize_reference.py BACKGROUNDS.s2f MOTIF
    import torch
    torch.set_num_threads(1)
    seqs = read_sequences(sys.argv[1])
    before, after = marginalize(load_demo_model(), one_hot(seqs), sys.argv[2])
    print("counts effect: mean %.4f sd %.4f" % ((after[1] - before[1]).mean(), (after[1] - before[1]).std(ddof=1)))
