"""The s2f side of each zoo model: its model file (exported, cached by
content) and the parity check of s2f against the reference on the same
random one-hot windows."""
import os
import subprocess
import sys

import numpy as np
import torch

import weights
import zoo

sys.path.insert(0, os.path.join(zoo.ROOT, "formats", "python"))
sys.path.insert(0, os.path.join(zoo.ROOT, "tests", "engine"))
import s2f_model_export  # noqa: E402

TOLERANCE = 1e-4  # max |s2f - ref| / max |ref|, per head


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def model_files(name, out_dir):
    """(s2f model path, PyTorch weights cache or None); exports the model
    unless an export with the same cache key is already there."""
    e = zoo.ENTRIES[name]
    cache = os.path.join(out_dir, f"{name}.pt") if e.seed is not None else None
    if e.keras:
        return e.keras, cache  # s2f reads the Keras file itself
    path, key_file, key = os.path.join(out_dir, f"{name}.s2fm"), os.path.join(out_dir, f"{name}.key"), zoo.cache_key(name)
    if os.path.exists(path) and _read(key_file) == key and (cache is None or os.path.exists(cache)):
        return path, cache
    for stale in (path, key_file, cache):
        if stale and os.path.exists(stale):
            os.remove(stale)
    model = zoo.load(name, cache)
    s2f_model_export.export(model, path, e.input_length, head_names=e.heads, name=name,
                            metadata={"source": "bench/zoo"}, **e.export_args)
    with open(key_file, "w") as f:
        f.write(key + "\n")
    return path, cache


def _torch_heads(model, x):
    with torch.no_grad():
        out = model(weights.to_torch(x))
    out = out if isinstance(out, (tuple, list)) else (out,)
    return [o.numpy().reshape(len(x), -1) for o in out]


def _keras_heads(entry, x):
    import keras_reference  # tests/engine: an independent numpy float64 forward pass
    outs = keras_reference.forward(entry.keras, x)
    return [outs[h].reshape(len(x), -1) for h in entry.heads]


def _s2f_heads(engine_bench, path, x, sizes, work):
    xin, yout = os.path.join(work, "parity_in.f32"), os.path.join(work, "parity_out.f32")
    x.astype("<f4").tofile(xin)
    subprocess.run([engine_bench, path, "--parity-in", xin, "--parity-out", yout], check=True)
    y = np.fromfile(yout, "<f4")
    os.remove(xin)
    os.remove(yout)
    n = len(x)
    if y.size != n * sum(sizes):
        raise RuntimeError(f"s2f wrote {y.size} values, the reference has {n * sum(sizes)}")
    heads, at = [], 0
    for s in sizes:
        heads.append(y[at:at + n * s].reshape(n, s))
        at += n * s
    return heads


def _errors(got, ref, heads):
    out = {}
    for h, g, r in zip(heads, got, ref):
        scale = float(np.abs(r).max())
        diff = float(np.abs(g.astype(np.float64) - r).max())
        out[h] = {"max_rel": diff / scale if scale > 0 else diff, "max_abs": diff, "max_ref": scale,
                  "ok": bool((diff / scale if scale > 0 else diff) <= TOLERANCE)}
    return out


def check(name, path, cache, engine_bench, work, n_windows=4):
    """{"s2f": {head: errors}, ["pytorch_definition": ...]}: s2f against
    PyTorch (float32), or for a Keras model against the numpy reference;
    there the PyTorch definition used for timing is checked too."""
    e = zoo.ENTRIES[name]
    x = weights.one_hot(n_windows, e.input_length, seed=2024)
    model = zoo.load(name, cache)
    mine = _torch_heads(model, x)
    del model
    ref = _keras_heads(e, x) if e.keras else mine
    result = {"reference": "numpy float64 (tests/engine/keras_reference.py)" if e.keras else "pytorch float32",
              "windows": n_windows}
    result["s2f"] = _errors(_s2f_heads(engine_bench, path, x, [r.shape[1] for r in ref], work), ref, e.heads)
    if e.keras:
        result["pytorch_definition"] = _errors(mine, ref, e.heads)
    return result
