#!/usr/bin/python3
"""Reference for the Keras parity test: an independent numpy forward pass of
a Keras 2.x .h5 model, interpreted from its `model_config` JSON and
`model_weights` group (TensorFlow is not available here), in float64.

usage: keras_reference.py OUT_DIR [N_WINDOWS]   (exit 77: data absent)
Also importable: forward(h5_path, x) for the synthetic Keras layer cases.
"""
import json
import os
import sys

import h5py
import numpy as np

import common


def _weights(group, layer, nested):
    """Weights of `layer` from its HDF5 group: its own group at the top level,
    the nested model's group (names '<layer>/<weight>:0') inside a nested model."""
    out = {}
    for w in group.attrs.get("weight_names", []):
        w = w.decode() if isinstance(w, bytes) else w
        owner, leaf = w.rsplit("/", 1) if "/" in w else ("", w)
        if nested and owner.split("/")[-1] != layer:
            continue
        out[leaf.split(":")[0]] = np.asarray(group[w], np.float64)
    return out


def _first(v):
    return v[0] if isinstance(v, (list, tuple)) else v


def _act(name, x):
    return {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "tanh": np.tanh, "softplus": lambda v: np.logaddexp(0, v), "exponential": np.exp,
            "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))),
            "softmax": lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True),
            }[name](x)


def _tf_same(length, span, stride):
    out = -(-length // stride)
    total = max((out - 1) * stride + span - length, 0)
    return total // 2, total - total // 2  # TensorFlow: the extra pad goes right


def _conv(x, w, b, stride, dilation, padding):
    n, L, _ = x.shape
    k = w.shape[0]
    span = dilation * (k - 1) + 1
    if padding == "same":
        pl, pr = _tf_same(L, span, stride)
    elif padding == "causal":
        pl, pr = span - 1, 0
    else:
        pl, pr = 0, 0
    xp = np.pad(x, ((0, 0), (pl, pr), (0, 0)))
    out_len = (xp.shape[1] - span) // stride + 1
    y = np.zeros((n, out_len, w.shape[2]))
    for t in range(k):
        start = t * dilation
        y += xp[:, start:start + (out_len - 1) * stride + 1:stride, :] @ w[t]
    return y + (b if b is not None else 0)


def _pool(x, size, stride, padding, kind):
    n, L, c = x.shape
    pl, pr = _tf_same(L, size, stride) if padding == "same" else (0, 0)
    fill = -np.inf if kind == "max" else np.nan
    xp = np.pad(x, ((0, 0), (pl, pr), (0, 0)), constant_values=fill)
    out_len = (xp.shape[1] - size) // stride + 1
    win = np.stack([xp[:, i * stride:i * stride + size, :] for i in range(out_len)], axis=1)
    return win.max(axis=2) if kind == "max" else np.nanmean(win, axis=2)  # TF excludes the padding


def _run(f, model, inputs, nested_group=None):
    """Runs one (possibly nested) functional model; inputs: {input layer name: array}."""
    root = f["model_weights"] if "model_weights" in f else f
    vals = {}
    for l in model["config"]["layers"]:
        cls, c, name = l["class_name"], l["config"], l["name"]
        ins = [vals[(t[0], t[2])] for t in l["inbound_nodes"][0]] if l["inbound_nodes"] else []
        if cls in ("Conv1D", "Dense", "BatchNormalization"):
            w = _weights(nested_group, name, True) if nested_group is not None else _weights(root[name], name, False)
        if cls == "InputLayer":
            y = inputs[name]
        elif cls in ("Functional", "Model"):
            sub_in = {i[0]: ins[k] for k, i in enumerate(c["input_layers"])}
            for k, o in enumerate(_run(f, l, sub_in, root[name])):
                vals[(name, k)] = o
            continue
        elif cls == "Lambda":
            # the ChromBPNet count combination: logsumexp over the last axis
            m = ins[0].max(axis=-1, keepdims=True)
            y = m + np.log(np.exp(ins[0] - m).sum(axis=-1, keepdims=True))
        elif cls == "Conv1D":
            y = _act(c["activation"], _conv(ins[0], w["kernel"], w.get("bias"), _first(c["strides"]),
                                            _first(c["dilation_rate"]), c["padding"]))
        elif cls == "Dense":
            y = _act(c["activation"], ins[0] @ w["kernel"] + w.get("bias", 0))
        elif cls == "BatchNormalization":
            g = w.get("gamma", 1.0)
            y = (ins[0] - w["moving_mean"]) / np.sqrt(w["moving_variance"] + c["epsilon"]) * g + w.get("beta", 0.0)
        elif cls == "Activation":
            y = _act(c["activation"], ins[0])
        elif cls == "Cropping1D":
            a, b = c["cropping"]
            y = ins[0][:, a:ins[0].shape[1] - b, :]
        elif cls == "Add":
            y = sum(ins)
        elif cls == "Concatenate":
            y = np.concatenate(ins, axis=-1)
        elif cls == "GlobalAveragePooling1D":
            y = ins[0].mean(axis=1)
        elif cls == "GlobalMaxPooling1D":
            y = ins[0].max(axis=1)
        elif cls == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif cls in ("MaxPooling1D", "AveragePooling1D"):
            size = _first(c["pool_size"])
            stride = _first(c["strides"]) if c.get("strides") else size
            y = _pool(ins[0], size, stride, c["padding"], "max" if cls == "MaxPooling1D" else "avg")
        else:
            raise ValueError(f"reference has no {cls}")
        vals[(name, 0)] = y
    return [vals[(o[0], o[2])] for o in model["config"]["output_layers"]]


def forward(path, x):
    """x: (N, L, C). Returns {output layer name: array}."""
    with h5py.File(path, "r") as f:
        cfg = json.loads(f.attrs["model_config"])
        first = cfg["config"]["input_layers"][0][0]
        outs = _run(f, cfg, {first: x.astype(np.float64)})
        return {o[0]: v for o, v in zip(cfg["config"]["output_layers"], outs)}


def as_head(v):
    """(N, L, C) -> (N, C, L); (N, F) -> (N, F, 1); a Flatten of a profile (N, L*1) -> (N, 1, L)."""
    if v.ndim == 3:
        return v.transpose(0, 2, 1)
    return v[:, :, None]


def main():
    out_dir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    model = os.path.join(common.shared_data(), "models", "chrombpnet-bias", "GM12878.bias_model_scaled.h5")
    if not os.path.exists(model):
        print("skip: ChromBPNet bias model is absent", file=sys.stderr)
        return common.SKIP
    x = np.stack([common.one_hot(w) for w in common.genome_windows(2114, n)])
    outs = forward(model, x)
    prof = outs["logits_profile_predictions"]  # Flatten of (N, 1000, 1): the profile is 1 track
    heads = [("logits_profile_predictions", prof[:, None, :]),
             ("logcount_predictions", as_head(outs["logcount_predictions"]))]
    common.write_case(out_dir, "chrombpnet_bias", model, x, heads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
