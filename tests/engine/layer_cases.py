#!/usr/bin/python3
"""Small random-weight models, one per layer feature, each exported to an s2f
model file (PyTorch modules through s2f_model_export) or written as a Keras
2.x .h5 by hand (model_config + model_weights, as Keras saves them), with
reference outputs from PyTorch or from keras_reference's numpy forward pass.

usage: layer_cases.py OUT_DIR
"""
import json
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn

import common
import keras_reference
import s2f_model_export

torch.manual_seed(4)
RNG = np.random.default_rng(4)


def random_onehot(n, length, with_n=True):
    idx = RNG.integers(0, 4, (n, length))
    x = np.eye(4, dtype=np.float32)[idx]
    if with_n:
        x[0, 5:9] = 0  # a few N bases
    return x


def torch_case(out, name, module, length, heads, n=3, x=None, **export_args):
    module = module.eval()
    for m in module.modules():  # non-trivial BatchNorm statistics
        if isinstance(m, nn.BatchNorm1d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    path = os.path.join(out, name + ".s2fm")
    s2f_model_export.export(module, path, length, head_names=heads, **export_args)
    x = random_onehot(n, length) if x is None else x
    with torch.no_grad():
        y = module(torch.from_numpy(x).permute(0, 2, 1).contiguous())
    ys = y if isinstance(y, tuple) else (y,)
    outs = []
    for hname, v in zip(heads, ys):
        v = v.numpy()
        outs.append((hname, v if v.ndim == 3 else v[:, :, None]))
    common.write_case(out, name, path, x, outs)


class Conv(nn.Module):
    """Conv1d variants with a fused ReLU; 20 filters leave a remainder past
    the vector width, 3 filters use the dot-product kernel."""

    def __init__(self):
        super().__init__()
        self.dilated = nn.Conv1d(4, 20, 5, dilation=3, padding=6)
        self.strided = nn.Conv1d(4, 16, 7, stride=2, padding=3)
        self.few = nn.Conv1d(4, 3, 9, padding=4)
        self.same_even = nn.Conv1d(4, 32, 4, padding="same", bias=False)
        self.same_even_dilated = nn.Conv1d(4, 8, 6, dilation=2, padding="same")
        self.valid = nn.Conv1d(4, 64, 11)

    def forward(self, x):
        return (torch.relu(self.dilated(x)), self.strided(x), self.few(x), self.same_even(x),
                self.same_even_dilated(x), torch.relu(self.valid(x)))


class BatchNorms(nn.Module):
    """Foldable (conv -> BN -> ReLU) and unfoldable (BN after ReLU, BN on a
    conv output that is also used elsewhere) BatchNorm."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(4, 16, 5, padding=2)
        self.b1 = nn.BatchNorm1d(16)
        self.c2 = nn.Conv1d(16, 16, 3, padding=1)
        self.b2 = nn.BatchNorm1d(16)
        self.b3 = nn.BatchNorm1d(16)

    def forward(self, x):
        h = torch.relu(self.b1(self.c1(x)))
        h2 = self.c2(h)
        return self.b2(torch.relu(h)), self.b3(h2) + h2


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(4, 8, 3, padding=1)
        self.gelu, self.gelu_tanh = nn.GELU(), nn.GELU(approximate="tanh")
        self.elu, self.softplus = nn.ELU(alpha=0.7), nn.Softplus()
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        h = self.c(x)
        return (self.gelu(h), self.gelu_tanh(h), self.elu(h), torch.sigmoid(h), torch.tanh(h), self.softplus(h),
                torch.exp(h), self.softmax(h))


class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(4, 16, 3, padding=1)
        self.max = nn.MaxPool1d(3, stride=2, padding=1)
        self.avg = nn.AvgPool1d(4)
        self.avg_pad = nn.AvgPool1d(3, stride=1, padding=1, count_include_pad=True)
        self.avg_nopad = nn.AvgPool1d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        h = self.c(x)
        return (self.max(h), self.avg(h), self.avg_pad(h), self.avg_nopad(h), torch.mean(h, dim=2),
                torch.amax(h, dim=2))


class CropAddConcat(nn.Module):
    """A DAG: two branches cropped to the same window, added and concatenated;
    a Linear over the flattened (channel-major) window."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(4, 16, 7)
        self.b = nn.Conv1d(4, 16, 3, dilation=2)
        self.d = nn.Linear(32 * 40, 5)

    def forward(self, x):
        a = self.a(x)[:, :, 3:-5]
        b = self.b(x)[:, :, 4:-6]
        s = a + b
        c = torch.cat([s, torch.relu(b)], dim=1)
        return c, self.d(torch.flatten(c[:, :, 10:50], 1))


class BassetLike(nn.Module):
    """Basset-style classifier: conv+BN+ReLU, max-pool, conv+BN+ReLU,
    max-pool, flatten, dense+ReLU, dropout, dense, sigmoid."""

    def __init__(self, tasks=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(4, 32, 19, padding=9), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(3),
            nn.Conv1d(32, 24, 11, padding=5), nn.BatchNorm1d(24), nn.ReLU(), nn.MaxPool1d(4),
            nn.Flatten(), nn.Linear(24 * 16, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, tasks), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


# ---- Keras 2.x .h5 written by hand ------------------------------------------

def keras_layer(cls, name, inbound, **config):
    config["name"] = name
    return {"class_name": cls, "config": config, "name": name,
            "inbound_nodes": [[[i, 0, 0, {}] for i in inbound]] if inbound else []}


def functional(name, layers, outputs):
    """outputs: layer names, or (layer name, tensor index) pairs."""
    refs = [[o, 0, 0] if isinstance(o, str) else [o[0], 0, o[1]] for o in outputs]
    return {"name": name, "layers": layers, "input_layers": [[layers[0]["name"], 0, 0]], "output_layers": refs}


def write_keras(path, layers, outputs, weights, nested=None):
    """nested: {nested model layer name: {inner layer: {weight: array}}}."""
    cfg = {"class_name": "Functional", "config": functional("synthetic", layers, outputs)}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.4.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(cfg).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([l["name"].encode() for l in layers])
        for l in layers:
            lg = g.create_group(l["name"])
            if nested and l["name"] in nested:
                # A nested model's group lists every inner weight as '<inner layer>/<weight>:0'.
                names = [f"{inner}/{k}:0" for inner, ws in nested[l["name"]].items() for k in ws]
                lg.attrs["weight_names"] = np.array([n.encode() for n in names])
                for inner, ws in nested[l["name"]].items():
                    for k, v in ws.items():
                        lg.create_dataset(f"{inner}/{k}:0", data=v.astype(np.float32))
                continue
            ws = weights.get(l["name"], {})
            lg.attrs["weight_names"] = np.array([f"{l['name']}/{k}:0".encode() for k in ws]) if ws else np.zeros(0)
            for k, v in ws.items():
                lg.create_dataset(f"{l['name']}/{k}:0", data=v.astype(np.float32))


def conv_cfg(filters, k, padding="valid", dilation=1, stride=1, activation="linear", use_bias=True):
    return dict(filters=filters, kernel_size=[k], strides=[stride], padding=padding, data_format="channels_last",
                dilation_rate=[dilation], groups=1, activation=activation, use_bias=use_bias)


def keras_case(out, name, layers, outputs, weights, length, n=3, nested=None):
    path = os.path.join(out, name + ".h5")
    write_keras(path, layers, outputs, weights, nested)
    x = random_onehot(n, length)
    ys = keras_reference.forward(path, x)
    heads = []
    classes = {l["name"]: l["class_name"] for l in layers}
    for o in outputs:
        v = ys[o]
        if classes[o] == "Flatten":  # s2f reports a flattened 1-track profile as 1 x bins
            heads.append((o, v[:, None, :]))
        else:
            heads.append((o, v.transpose(0, 2, 1) if v.ndim == 3 else v[:, :, None]))
    common.write_case(out, name, path, x, heads)


def w(*shape):
    return RNG.normal(0, 0.3, shape)


def keras_cases(out):
    L = 64
    inp = keras_layer("InputLayer", "seq", [], batch_input_shape=[None, L, 4], dtype="float32")
    layers = [
        inp,
        keras_layer("Conv1D", "same_even", ["seq"], **conv_cfg(16, 4, "same")),
        keras_layer("Conv1D", "same_even_d2", ["seq"], **conv_cfg(16, 6, "same", dilation=2, activation="relu")),
        keras_layer("Conv1D", "causal", ["seq"], **conv_cfg(16, 3, "causal", dilation=2)),
        keras_layer("Conv1D", "same_stride", ["seq"], **conv_cfg(8, 5, "same", stride=2, activation="tanh")),
        keras_layer("Add", "sum", ["same_even", "same_even_d2", "causal"]),
        keras_layer("BatchNormalization", "bn", ["sum"], axis=-1, epsilon=0.001, center=True, scale=True),
        keras_layer("Activation", "act", ["bn"], activation="softplus"),
        keras_layer("Cropping1D", "crop", ["act"], cropping=[2, 3]),
        keras_layer("Conv1D", "valid", ["act"], **conv_cfg(16, 6)),
        keras_layer("Concatenate", "cat", ["crop", "valid"], axis=-1),
        keras_layer("MaxPooling1D", "maxp", ["cat"], pool_size=[3], strides=[2], padding="same",
                    data_format="channels_last"),
        keras_layer("AveragePooling1D", "avgp", ["cat"], pool_size=[4], strides=[3], padding="same",
                    data_format="channels_last"),
        keras_layer("Dense", "per_position", ["maxp"], units=6, activation="elu", use_bias=True),
        keras_layer("GlobalMaxPooling1D", "gmp", ["avgp"], data_format="channels_last"),
        keras_layer("Flatten", "flat", ["per_position"], data_format="channels_last"),
        keras_layer("Dense", "logits", ["flat"], units=3, activation="softmax", use_bias=True),
        keras_layer("Dense", "score", ["gmp"], units=2, activation="sigmoid", use_bias=False),
    ]
    weights = {
        "same_even": {"kernel": w(4, 4, 16), "bias": w(16)},
        "same_even_d2": {"kernel": w(6, 4, 16), "bias": w(16)},
        "causal": {"kernel": w(3, 4, 16), "bias": w(16)},
        "same_stride": {"kernel": w(5, 4, 8), "bias": w(8)},
        "bn": {"gamma": RNG.uniform(0.5, 1.5, 16), "beta": w(16), "moving_mean": w(16),
               "moving_variance": RNG.uniform(0.5, 2, 16)},
        "valid": {"kernel": w(6, 16, 16), "bias": w(16)},
        "per_position": {"kernel": w(32, 6), "bias": w(6)},
        "logits": {"kernel": w(30 * 6, 3), "bias": w(3)},
        "score": {"kernel": w(32, 2)},
    }
    # Lengths: cat = 59 (crop 64-5) with valid 59; maxp same -> 30; avgp same -> 20.
    keras_case(out, "keras_layers", layers, ["same_stride", "crop", "logits", "score", "per_position"], weights, L)
    # The same layers with a free-length Input (None, None, 4), less the
    # Flatten -> Dense that needs a fixed length, run at an odd length (the
    # strided 'same' paddings differ from the even length's).
    free = [keras_layer("InputLayer", "seq", [], batch_input_shape=[None, None, 4], dtype="float32")] + \
        [l for l in layers[1:] if l["name"] not in ("flat", "logits")]
    keras_case(out, "keras_free", free, ["same_stride", "crop", "score", "per_position"], weights, 61)
    keras_chrombpnet(out)
    unsupported = [inp, keras_layer("LSTM", "my_lstm", ["seq"], units=4)]
    write_keras(os.path.join(out, "keras_unsupported.h5"), unsupported, ["my_lstm"], {})
    import codecs
    import marshal
    double = codecs.encode(marshal.dumps((lambda x: x * 2).__code__), "base64").decode("ascii")
    other_lambda = [inp, keras_layer("Lambda", "times_two", ["seq"], function=[double, None, None],
                                     function_type="lambda", module="__main__", arguments={})]
    write_keras(os.path.join(out, "keras_lambda.h5"), other_lambda, ["times_two"], {})


import warnings

warnings.filterwarnings("ignore", message="Using padding='same'")


def tiny_bpnet(prefix_input, L):
    """Layers of a small Keras BPNet (valid convs, crop + add residuals):
    profile (N, 20, 1) and log-count (N, 1). Returns (layers, weights)."""
    layers = [
        keras_layer("Conv1D", "bpnet_1st_conv", [prefix_input], **conv_cfg(8, 5, activation="relu")),
        keras_layer("Conv1D", "bpnet_1conv", ["bpnet_1st_conv"], **conv_cfg(8, 3, dilation=2, activation="relu")),
        keras_layer("Cropping1D", "bpnet_1crop", ["bpnet_1st_conv"], cropping=[2, 2]),
        keras_layer("Add", "add", ["bpnet_1conv", "bpnet_1crop"]),
        keras_layer("Conv1D", "prof_out_precrop", ["add"], **conv_cfg(1, 7)),
        keras_layer("Cropping1D", "prof", ["prof_out_precrop"], cropping=[(L - 4 - 4 - 6 - 20) // 2] * 2),
        keras_layer("GlobalAveragePooling1D", "gap", ["add"], data_format="channels_last"),
        keras_layer("Dense", "logcount_predictions", ["gap"], units=1, activation="linear", use_bias=True),
    ]
    weights = {"bpnet_1st_conv": {"kernel": w(5, 4, 8), "bias": w(8)},
               "bpnet_1conv": {"kernel": w(3, 8, 8), "bias": w(8)},
               "prof_out_precrop": {"kernel": w(7, 8, 1), "bias": w(1)},
               "logcount_predictions": {"kernel": w(8, 1), "bias": w(1)}}
    return layers, weights


def keras_chrombpnet(out):
    """The full ChromBPNet layout: a nested bias model (same inner layer names
    as the outer accessibility model), profiles added, counts combined by
    Lambda(tf.math.reduce_logsumexp(x, axis=-1, keepdims=True))."""
    import codecs
    import marshal
    L = 60
    bias_layers, bias_weights = tiny_bpnet("seq_b", L)
    bias_model = {"class_name": "Functional", "name": "model_1", "inbound_nodes": [[["sequence", 0, 0, {}]]],
                  "config": functional("model_1", [keras_layer("InputLayer", "seq_b", [], batch_input_shape=[None, L, 4])]
                                       + bias_layers, ["prof", "logcount_predictions"])}
    acc_layers, acc_weights = tiny_bpnet("sequence", L)
    fn = lambda x: tf.math.reduce_logsumexp(x, axis=-1, keepdims=True)  # noqa: E731,F821 (never called)
    code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
    layers = [keras_layer("InputLayer", "sequence", [], batch_input_shape=[None, L, 4])] + acc_layers + [
        bias_model,
        {"class_name": "Add", "name": "profile_sum", "config": {"name": "profile_sum"},
         "inbound_nodes": [[["prof", 0, 0, {}], ["model_1", 0, 0, {}]]]},
        keras_layer("Flatten", "logits_profile_predictions", ["profile_sum"], data_format="channels_last"),
        {"class_name": "Concatenate", "name": "concat_counts", "config": {"name": "concat_counts", "axis": -1},
         "inbound_nodes": [[["logcount_predictions", 0, 0, {}], ["model_1", 0, 1, {}]]]},
        keras_layer("Lambda", "logcount_combined", ["concat_counts"],
                    function=[code, None, None], function_type="lambda", module="__main__", arguments={}),
    ]
    keras_case(out, "keras_chrombpnet", layers, ["logits_profile_predictions", "logcount_combined"], acc_weights,
               L, nested={"model_1": bias_weights})


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    torch_case(out, "conv", Conv(), 50, ["dilated", "strided", "few", "same_even", "same_even_dilated", "valid"])
    torch_case(out, "batchnorm", BatchNorms(), 40, ["after_relu", "unfoldable"])
    torch_case(out, "activations", Activations(), 30,
               ["gelu", "gelu_tanh", "elu", "sigmoid", "tanh", "softplus", "exp", "softmax"])
    torch_case(out, "pools", Pools(), 41, ["max", "avg", "avg_pad", "avg_nopad", "mean", "amax"])
    torch_case(out, "dag", CropAddConcat(), 64, ["concat", "dense"])
    torch_case(out, "basset", BassetLike(), 200, ["tasks"], n=4)
    keras_cases(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
