#!/usr/bin/python3
"""Independent PyTorch reference of s2f-attribute (issue 17): DeepLIFT /
DeepSHAP multipliers, plain gradients and input x gradient of one scalar
target of a sequence model.

The model is interpreted here from its file, without s2f:

* an s2f model file (formats/MODEL.md): the architecture JSON and /weights;
* a Keras 2.x .h5 (`model_config` + `model_weights`): its layer classes are
  transcribed into the same layer list (the layers the ChromBPNet models use,
  plus pools, Concatenate and the logsumexp Lambda). `keras_reference.py`
  (tests/engine) is a separate numpy forward pass the tests compare this to.

Tensors are channels-first (N, C, L) inside; a vector (after a global pool
or a Flatten) is (N, C, 1).

DeepLIFT runs autograd on a batch that holds the explained sequence x
repeated N times followed by the N references, so each layer sees the pair
(x, r_i) in rows i and N + i. Every nonlinearity is a custom autograd
Function whose backward replaces the local derivative of the x row by the
DeepLIFT multiplier of the pair:

* elementwise activations: the Rescale rule (Shrikumar, Greenside & Kundaje,
  ICML 2017), (f(z_x) - f(z_r)) / (z_x - z_r), or f'(z_x) when
  |z_x - z_r| < 1e-6;
* max-pool and global max-pool: the cross-maximum rule of SHAP's
  DeepExplainer (Lundberg & Lee, NeurIPS 2017): with X, R the window maxima
  of x and r, M = max(X, R), x's argmax a receives g(M - R) and r's argmax b
  receives g(X - M); the summed share of an input position is divided by
  its difference (ordinary max-pool gradient where |x_q - r_q| < 1e-6);
* logsumexp over channels: Rescale on log and on each exp, computed with
  one shift (the largest of the pair) for stability;
* softmax inside the network has no DeepLIFT rule here: refused.

Linear layers keep their ordinary gradients. Only the x rows receive
gradient; the reference rows exist to give every rule its partner.

As a script it writes the attributions of a FASTA file's sequences:
  deepshap_reference.py MODEL SEQS.fa --references refs.npy --target HEAD[:TRACK|sum]
                        [--objective softmax|sum] [--method deepshap|grad|input-x-grad] -o out.npz
out.npz holds hyp, proj (records, L, 4), t_x (records,), t_ref (records, N)
and delta_gap (records,): the largest relative summation-to-delta gap.
"""
import argparse
import json
import math
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

TIE = 1e-6  # |difference| below which a rule falls back to the derivative at x
# A target this close to 0 (a dead unit, a flat profile) is measured in
# absolute terms: a relative gap of rounding noise over 0 means nothing.
ZERO = 1e-9


# ----------------------------------------------------------------- models

class Graph:
    """A layer list in topological order and the heads: name -> (node, kind)."""

    def __init__(self, layers, heads, input_length, n_value=None):
        self.layers = layers          # dicts: name, op, inputs, params..., w: {name: np.ndarray}
        self.heads = heads
        self.input_length = input_length
        self.n_value = n_value


def load_s2f_model(path):
    with h5py.File(path, "r") as f:
        arch = json.loads(f.attrs["architecture"])
        layers = []
        for spec in arch["layers"]:
            layer = dict(spec)
            layer["w"] = {k: np.asarray(f["weights"][spec["name"]][k], np.float64)
                          for k in spec.get("weights", {})}
            layers.append(layer)
    heads = {o["name"]: (o["node"], o["kind"]) for o in arch["outputs"]}
    return Graph(layers, heads, arch["input"]["length"], arch["input"].get("n_value"))


def _first(v):
    return v[0] if isinstance(v, (list, tuple)) else v


def _keras_padding(mode, length, span, stride):
    """Explicit [left, right] of Keras/TensorFlow padding modes."""
    if mode == "same":
        out = -(-length // stride)
        total = max((out - 1) * stride + span - length, 0)
        return [total // 2, total - total // 2]
    if mode == "causal":
        return [span - 1, 0]
    return [0, 0]


def load_keras_model(path):
    """A flat Keras functional model (the ChromBPNet bias model's form)."""
    with h5py.File(path, "r") as f:
        cfg = json.loads(f.attrs["model_config"])["config"]
        root = f["model_weights"]
        layers, lengths, flat_of = [], {}, {}
        for kl in cfg["layers"]:
            cls, c, name = kl["class_name"], kl["config"], kl["name"]
            ins = [t[0] for t in kl["inbound_nodes"][0]] if kl["inbound_nodes"] else []
            ins = [flat_of.get(i, i) for i in ins]
            w = {}
            if name in root:
                for wn in root[name].attrs.get("weight_names", []):
                    wn = wn.decode() if isinstance(wn, bytes) else wn
                    w[wn.rsplit("/", 1)[-1].split(":")[0]] = np.asarray(root[name][wn], np.float64)
            L = lengths.get(ins[0]) if ins else None
            layer = {"name": name, "inputs": ins, "w": {}}
            act = c.get("activation", "linear")
            act = {"exponential": "exp"}.get(act, act)
            if cls == "InputLayer":
                layer.update(op="input")
                L = c["batch_input_shape"][1]
                input_length = L
            elif cls == "Conv1D":
                k, d, s = _first(c["kernel_size"]), _first(c["dilation_rate"]), _first(c["strides"])
                pad = _keras_padding(c["padding"], L, d * (k - 1) + 1, s)
                layer.update(op="conv1d", kernel=k, dilation=d, stride=s, padding=pad, activation=act,
                             w={"kernel": w["kernel"], **({"bias": w["bias"]} if "bias" in w else {})})
                L = (L + pad[0] + pad[1] - d * (k - 1) - 1) // s + 1
            elif cls == "Dense":
                layer.update(op="dense", activation=act,
                             w={"kernel": w["kernel"], **({"bias": w["bias"]} if "bias" in w else {})})
            elif cls == "BatchNormalization":
                n = w["moving_mean"].shape[0]
                layer.update(op="batchnorm", epsilon=c["epsilon"],
                             w={"gamma": w.get("gamma", np.ones(n)), "beta": w.get("beta", np.zeros(n)),
                                "mean": w["moving_mean"], "var": w["moving_variance"]})
            elif cls in ("Activation", "ReLU", "ELU", "Softmax"):
                a = {"ReLU": "relu", "ELU": "elu", "Softmax": "softmax"}.get(cls, act)
                layer.update(op="activation", activation=a, alpha=c.get("alpha", 1.0))
            elif cls in ("Dropout", "SpatialDropout1D", "GaussianNoise"):
                flat_of[name] = ins[0]  # identity at inference
                lengths[name] = L
                continue
            elif cls == "Cropping1D":
                a, b = c["cropping"]
                layer.update(op="crop", cropping=[a, b])
                L = L - a - b
            elif cls in ("Add", "Concatenate"):
                layer.update(op=cls.lower())
            elif cls in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
                layer.update(op="global_avg_pool" if "Average" in cls else "global_max_pool")
                L = 1
            elif cls in ("MaxPooling1D", "AveragePooling1D"):
                size = _first(c["pool_size"])
                stride = _first(c["strides"]) if c.get("strides") else size
                pad = _keras_padding(c["padding"], L, size, stride)
                layer.update(op="maxpool1d" if cls.startswith("Max") else "avgpool1d", pool=size, stride=stride,
                             padding=pad, count_include_pad=False)
                L = (L + pad[0] + pad[1] - size) // stride + 1
            elif cls == "Flatten":
                layer.update(op="flatten", order="lc", source_length=L)
                L = 1
            elif cls == "Lambda":
                layer.update(op="logsumexp")  # the one Lambda ChromBPNet uses: reduce_logsumexp
            else:
                raise ValueError(f"{path}: the reference has no Keras layer class {cls} ({name})")
            lengths[name] = L
            layers.append(layer)
        heads = {}
        by_name = {l["name"]: l for l in layers}
        for o in cfg["output_layers"]:
            node = flat_of.get(o[0], o[0])
            layer = by_name[node]
            # A Flatten of a profile is reported on the tensor before it (1 track x bins).
            if layer["op"] == "flatten" and layer["source_length"] > 1:
                heads[o[0]] = (layer["inputs"][0], "profile")
            else:
                heads[o[0]] = (node, "profile" if lengths[node] > 1 else "scalar")
    return Graph(layers, heads, input_length, 0.0)


def load_model(path):
    with h5py.File(path, "r") as f:
        keras = "model_config" in f.attrs
    return load_keras_model(path) if keras else load_s2f_model(path)


# ---------------------------------------------------------- DeepLIFT rules

def _activation_fn(name, alpha=1.0):
    return {
        "linear": lambda z: z,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "elu": lambda z: F.elu(z, alpha),
        "gelu": lambda z: 0.5 * z * (1 + torch.erf(z / math.sqrt(2))),
        "gelu_tanh": lambda z: 0.5 * z * (1 + torch.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3))),
        "softplus": lambda z: torch.logaddexp(torch.zeros_like(z), z),
        "exp": torch.exp,
    }[name]


def _derivative(fn, z):
    """f'(z) of an elementwise f, by autograd on a detached copy."""
    with torch.enable_grad():
        zz = z.detach().requires_grad_(True)
        return torch.autograd.grad(fn(zz).sum(), zz)[0]


def _halves(t):
    n = t.shape[0] // 2
    return t[:n], t[n:]


class RescaleRule(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, name, alpha):
        fn = _activation_fn(name, alpha)
        ctx.save_for_backward(z)  # f(z) is recomputed in backward: half the memory of wide models
        ctx.fn = fn
        return fn(z)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        zx, zr = _halves(z)
        yx, yr = ctx.fn(zx), ctx.fn(zr)
        dz = zx - zr
        far = dz.abs() >= TIE
        m = torch.where(far, (yx - yr) / torch.where(far, dz, torch.ones_like(dz)), _derivative(ctx.fn, zx))
        gx, gr = _halves(g)
        return torch.cat([gx * m, torch.zeros_like(gr)]), None, None


def _windows(z, pool, stride, padding):
    """(N, C, L) -> (N, C, out, pool) with padding as -inf (never a maximum)."""
    zp = F.pad(z, (padding[0], padding[1]), value=-math.inf)
    return zp.unfold(2, pool, stride)


def _first_argmax(win, top):
    """Index of the first maximum of each window (ties: the first)."""
    idx = torch.arange(win.shape[-1], device=win.device).expand_as(win)
    return torch.where(win == top.unsqueeze(-1), idx, win.shape[-1]).min(-1).values


class MaxPoolRule(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, pool, stride, left, right):
        win = _windows(z, pool, stride, (left, right))
        y = win.max(-1).values
        ctx.save_for_backward(z)
        ctx.geom = (pool, stride, left, right)
        return y

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        pool, stride, left, right = ctx.geom
        zx, zr = _halves(z)
        gx, gr = _halves(g)
        wx = _windows(zx, pool, stride, (left, right))
        wr = _windows(zr, pool, stride, (left, right))
        X, R = wx.max(-1).values, wr.max(-1).values
        M = torch.maximum(X, R)
        a, b = _first_argmax(wx, X), _first_argmax(wr, R)
        n, c, out = X.shape
        L = zx.shape[2]
        start = torch.arange(out, device=z.device) * stride - left  # window start in unpadded positions
        pos_a, pos_b = start + a, start + b                        # never padding: it is never a maximum

        def scatter(values, pos):
            acc = torch.zeros(n, c, L, dtype=z.dtype, device=z.device)
            return acc.scatter_add_(2, pos, values)

        share = scatter(gx * (M - R), pos_a) + scatter(gx * (X - M), pos_b)
        ordinary = scatter(gx, pos_a)
        d = zx - zr
        far = d.abs() >= TIE
        m = torch.where(far, share / torch.where(far, d, torch.ones_like(d)), ordinary)
        return torch.cat([m, torch.zeros_like(zr)]), None, None, None, None


class LogSumExpRule(torch.autograd.Function):
    """log sum_c exp(z_c) over channels: (N, C, L) -> (N, 1, L)."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return torch.logsumexp(z, dim=1, keepdim=True)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        zx, zr = _halves(z)
        gx, gr = _halves(g)
        shift = torch.maximum(zx.max(1, keepdim=True).values, zr.max(1, keepdim=True).values)
        ex, er = torch.exp(zx - shift), torch.exp(zr - shift)
        sx, sr = ex.sum(1, keepdim=True), er.sum(1, keepdim=True)
        ds = sx - sr
        far_s = ds.abs() >= TIE
        log_factor = torch.where(far_s, (torch.log(sx) - torch.log(sr)) / torch.where(far_s, ds, torch.ones_like(ds)),
                                 1 / sx)
        dz = zx - zr
        far = dz.abs() >= TIE
        exp_factor = torch.where(far, (ex - er) / torch.where(far, dz, torch.ones_like(dz)), ex)
        return torch.cat([gx * log_factor * exp_factor, torch.zeros_like(zr)])


class SoftmaxRefused(Exception):
    pass


# ------------------------------------------------------------- interpreter

class Network:
    """Runs a Graph on (N, L, 4) inputs. mode 'grad': ordinary autograd;
    'deeplift': the batch is [x copies; references] and every nonlinearity
    applies its DeepLIFT rule in backward."""

    def __init__(self, graph, dtype=torch.float64):
        self.graph = graph
        self.dtype = dtype
        self.w = [{k: torch.as_tensor(v, dtype=dtype) for k, v in l["w"].items()} for l in graph.layers]

    def _act(self, z, name, alpha, deeplift):
        if name == "linear":
            return z
        if name == "softmax":
            if deeplift:
                raise SoftmaxRefused("softmax inside the network has no DeepLIFT rule")
            return torch.softmax(z, dim=1)
        if deeplift:
            return RescaleRule.apply(z, name, alpha)
        return _activation_fn(name, alpha)(z)

    def forward(self, x, deeplift=False, nodes=None):
        """x: (N, L, 4) tensor. Returns {head: (N, tracks, bins)} (and the
        named intermediate nodes when asked)."""
        vals = {}
        for layer, w in zip(self.graph.layers, self.w):
            op = layer["op"]
            ins = [vals[i] for i in layer["inputs"]]
            alpha = layer.get("alpha", 1.0)
            if op == "input":
                y = x.permute(0, 2, 1)
            elif op == "conv1d":
                z = F.pad(ins[0], tuple(layer["padding"]))
                y = F.conv1d(z, w["kernel"].permute(2, 1, 0), w.get("bias"), stride=layer["stride"],
                             dilation=layer["dilation"])
                y = self._act(y, layer.get("activation", "linear"), alpha, deeplift)
            elif op == "dense":
                y = torch.einsum("ncl,cu->nul", ins[0], w["kernel"])
                if "bias" in w:
                    y = y + w["bias"][None, :, None]
                y = self._act(y, layer.get("activation", "linear"), alpha, deeplift)
            elif op == "batchnorm":
                scale = w["gamma"] / torch.sqrt(w["var"] + layer["epsilon"])
                y = (ins[0] - w["mean"][None, :, None]) * scale[None, :, None] + w["beta"][None, :, None]
            elif op == "activation":
                y = self._act(ins[0], layer["activation"], alpha, deeplift)
            elif op == "maxpool1d":
                pad = layer.get("padding", [0, 0])
                if deeplift:
                    y = MaxPoolRule.apply(ins[0], layer["pool"], layer["stride"], pad[0], pad[1])
                else:
                    y = _windows(ins[0], layer["pool"], layer["stride"], pad).max(-1).values
            elif op == "avgpool1d":
                pad = layer.get("padding", [0, 0])
                sums = F.pad(ins[0], tuple(pad)).unfold(2, layer["pool"], layer["stride"]).sum(-1)
                if layer.get("count_include_pad", False):
                    y = sums / layer["pool"]
                else:
                    ones = F.pad(torch.ones_like(ins[0][:1, :1]), tuple(pad))
                    y = sums / ones.unfold(2, layer["pool"], layer["stride"]).sum(-1)
            elif op == "global_avg_pool":
                y = ins[0].mean(2, keepdim=True)
            elif op == "global_max_pool":
                L = ins[0].shape[2]
                y = (MaxPoolRule.apply(ins[0], L, 1, 0, 0) if deeplift
                     else ins[0].max(2, keepdim=True).values)
            elif op == "flatten":
                t = ins[0]
                if layer["order"] == "lc":  # position-major (Keras)
                    t = t.permute(0, 2, 1)
                y = t.reshape(t.shape[0], -1).unsqueeze(2)
            elif op == "crop":
                a, b = layer["cropping"]
                y = ins[0][:, :, a:ins[0].shape[2] - b]
            elif op == "add":
                y = ins[0]
                for t in ins[1:]:
                    y = y + t
            elif op == "concat":
                y = torch.cat(ins, dim=1)
            elif op == "logsumexp":
                y = LogSumExpRule.apply(ins[0]) if deeplift else torch.logsumexp(ins[0], dim=1, keepdim=True)
            else:
                raise ValueError(f"the reference has no op {op} (layer {layer['name']})")
            vals[layer["name"]] = y
        out = {h: vals[node] for h, (node, _) in self.graph.heads.items()}
        if nodes:
            out.update({n: vals[n] for n in nodes})
        return out


# ----------------------------------------------------------------- targets

class Target:
    """`HEAD[:TRACK|sum]` with an objective for profile heads."""

    def __init__(self, graph, spec, objective="softmax"):
        head, _, track = spec.partition(":")
        if head not in graph.heads:
            raise ValueError(f"model has no head {head} (heads: {', '.join(graph.heads)})")
        self.head = head
        self.kind = graph.heads[head][1]
        self.track = None if track in ("", "sum") else int(track)
        self.objective = objective

    def logits(self, outputs):
        v = outputs[self.head]
        if self.track is not None:
            v = v[:, self.track:self.track + 1]
        return v.reshape(v.shape[0], -1)  # channels x bins, channel-major

    def weights(self, outputs_x):
        """The softmax weights of the profile objective, from x, held constant."""
        if self.kind == "profile" and self.objective == "softmax":
            return torch.softmax(self.logits(outputs_x), dim=1).detach()
        return None

    def value(self, outputs, w):
        l = self.logits(outputs)
        if w is None:
            return l.sum(1)
        return (w * (l - l.mean(1, keepdim=True))).sum(1)


# ------------------------------------------------------------ attribution

def deepshap_multipliers(net, target, x, refs):
    """x: (L, 4); refs: (N, L, 4) arrays. Returns multipliers (N, L, 4),
    t(x) and t(r_i) (N,), all as numpy float64."""
    n = refs.shape[0]
    xs = torch.as_tensor(np.repeat(x[None], n, 0), dtype=net.dtype)
    batch = torch.cat([xs, torch.as_tensor(refs, dtype=net.dtype)]).requires_grad_(True)
    out = net.forward(batch, deeplift=True)
    ox = {h: v[:n] for h, v in out.items()}
    orf = {h: v[n:] for h, v in out.items()}
    w = target.weights(ox)
    tx, tr = target.value(ox, w), target.value(orf, w)
    m = torch.autograd.grad(tx.sum(), batch)[0][:n]
    return m.detach().numpy().astype(np.float64), tx.detach().numpy(), tr.detach().numpy()


def deepshap_many(net, target, xs, refs, pairs_per_pass=32):
    """Hypothetical contributions of many sequences at once, the way a
    batched PyTorch pipeline runs them: the (x, r_i) pairs of all sequences
    are cut into passes of `pairs_per_pass` pairs (2 x that many sequences
    through the network). xs: (S, L, 4); refs: (S, N, L, 4). Returns hyp
    (S, L, 4) and the largest relative summation-to-delta gap."""
    S, N = refs.shape[:2]
    owner = np.repeat(np.arange(S), N)
    flat_refs = refs.reshape(S * N, *refs.shape[2:])
    mult = np.empty(flat_refs.shape, np.float64)
    gap = 0.0
    for lo in range(0, S * N, pairs_per_pass):
        hi = min(lo + pairs_per_pass, S * N)
        x = torch.as_tensor(xs[owner[lo:hi]], dtype=net.dtype)
        r = torch.as_tensor(flat_refs[lo:hi], dtype=net.dtype)
        batch = torch.cat([x, r]).requires_grad_(True)
        out = net.forward(batch, deeplift=True)
        n = hi - lo
        ox = {h: v[:n] for h, v in out.items()}
        w = target.weights(ox)
        tx, tr = target.value(ox, w), target.value({h: v[n:] for h, v in out.items()}, w)
        m = torch.autograd.grad(tx.sum(), batch)[0][:n]
        mult[lo:hi] = m.numpy()
        total = (m * (x - r)).sum((1, 2)).detach().numpy()
        delta = (tx - tr).detach().numpy()
        scale = max(np.abs(delta).max(), np.abs(tx.detach().numpy()).max(), ZERO)
        gap = max(gap, float(np.abs(total - delta).max() / scale))
    mult = mult.reshape(refs.shape)
    hyp = (mult - (mult * refs).sum(-1, keepdims=True)).mean(1)
    return hyp, gap


def gradient(net, target, x):
    """Ordinary gradient of t at x: (L, 4), and t(x)."""
    xt = torch.as_tensor(x[None], dtype=net.dtype).requires_grad_(True)
    out = net.forward(xt)
    t = target.value(out, target.weights(out))
    return torch.autograd.grad(t.sum(), xt)[0][0].numpy().astype(np.float64), float(t[0])


def hypothetical(m, refs):
    """hyp[l, b] = mean_i (m_i[l, b] - sum_c m_i[l, c] r_i[l, c])."""
    return (m - (m * refs).sum(-1, keepdims=True)).mean(0)


def delta_gap(m, x, refs, tx, tr):
    """Largest relative summation-to-delta gap over the references."""
    total = (m * (x[None] - refs)).sum((1, 2))
    delta = tx - tr
    scale = max(np.abs(delta).max(), np.abs(tx).max(), ZERO)
    return float(np.abs(total - delta).max() / scale)


def attribute(net, target, x, refs=None, method="deepshap"):
    """One sequence. Returns dict hyp, proj (L, 4); t_x; for deepshap also
    mult (N, L, 4), t_ref (N,) and delta_gap."""
    x = np.asarray(x, np.float64)
    if method == "deepshap":
        m, tx, tr = deepshap_multipliers(net, target, x, np.asarray(refs, np.float64))
        hyp = hypothetical(m, refs)
        return {"hyp": hyp, "proj": hyp * x, "mult": m, "t_x": float(tx[0]), "t_ref": tr,
                "delta_gap": delta_gap(m, x, refs, tx, tr)}
    g, tx = gradient(net, target, x)
    if method == "grad":
        return {"hyp": g, "proj": g * x, "t_x": tx}
    if method == "input-x-grad":
        return {"hyp": g * x, "proj": g * x, "t_x": tx}
    raise ValueError(f"unknown method {method}")


# ---------------------------------------------------------------- script

def read_fasta(path):
    records, name = [], None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            records.append([name, []])
        elif line:
            records[-1][1].append(line)
    return [(n, "".join(s)) for n, s in records]


def one_hot(seq, n_value=0.0):
    lut = {"A": 0, "C": 1, "G": 2, "T": 3}
    out = np.full((len(seq), 4), n_value, np.float64)
    for i, b in enumerate(seq.upper()):
        if b in lut:
            out[i] = 0
            out[i, lut[b]] = 1
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("fasta")
    p.add_argument("--references", help="float32 .npy (N, L, 4): the references of every record")
    p.add_argument("--method", default="deepshap", choices=["deepshap", "grad", "input-x-grad"])
    p.add_argument("--target", required=True)
    p.add_argument("--objective", default="softmax", choices=["softmax", "sum"])
    p.add_argument("--float32", action="store_true", help="compute in float32 (default float64)")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    torch.set_num_threads(2)
    graph = load_model(a.model)
    net = Network(graph, torch.float32 if a.float32 else torch.float64)
    target = Target(graph, a.target, a.objective)
    refs = np.load(a.references).astype(np.float64) if a.references else None
    if a.method == "deepshap" and refs is None:
        p.error("--method deepshap needs --references")
    rows = []
    for _, seq in read_fasta(a.fasta):
        rows.append(attribute(net, target, one_hot(seq, graph.n_value or 0.0), refs, a.method))
    out = {"hyp": np.stack([r["hyp"] for r in rows]), "proj": np.stack([r["proj"] for r in rows]),
           "t_x": np.array([r["t_x"] for r in rows])}
    if a.method == "deepshap":
        out["t_ref"] = np.stack([r["t_ref"] for r in rows])
        out["delta_gap"] = np.array([r["delta_gap"] for r in rows])
    np.savez(a.output, **out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
