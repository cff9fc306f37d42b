#!/usr/bin/python3
"""Exports a PyTorch sequence model to an s2f model file (formats/MODEL.md).

The module is traced with torch.fx and run once on a zero input of the given
length so that every slice bound and shape is known; each traced operation
becomes one s2f layer. Supported: Conv1d (zero padding, any dilation/stride),
Linear, BatchNorm1d (eval), ReLU/GELU/ELU/Sigmoid/Tanh/Softplus/Softmax(dim=1)/
exp, MaxPool1d/AvgPool1d, mean/amax over positions, slicing of positions,
add, cat over channels, flatten/reshape, Dropout/Identity. Outputs become
heads: (N, C, L) tensors are profile heads (C tracks x L bins), (N, F)
tensors scalar heads.

  /usr/bin/python3 s2f_model_export.py bpnet-lite \
      --model bpnet_example.state_dict.pt --hparams bpnet_example.hparams.json -o bpnet.s2fm
  /usr/bin/python3 s2f_model_export.py bpnet-lite --model bpnet.torch -o bpnet.s2fm   # torch.save(model)
  /usr/bin/python3 s2f_model_export.py module --python-file my_model.py --class MyModel \
      --state-dict my_model.pt --input-length 1000 --heads profile counts -o my_model.s2fm

bpnet-lite models need no bpnet-lite install (bpnet_lite_files.py); every
form and its command: formats/MODELS.md.

From Python: export(module, "model.s2fm", input_length=2114, head_names=[...]).
"""
import argparse
import hashlib
import json
import operator
import os
import struct
import sys

import h5py
import numpy as np
import torch
import torch.fx

import s2f_strands

FORMAT_VERSION = 1


class ExportError(Exception):
    pass


class _Recorder(torch.fx.Interpreter):
    """Runs the traced graph, keeping every node's concrete value."""

    def __init__(self, gm):
        super().__init__(gm)
        self.values = {}

    def run_node(self, n):
        v = super().run_node(n)
        self.values[n] = v
        return v


def _concrete(value, rec):
    if isinstance(value, torch.fx.Node):
        return rec.values[value]
    if isinstance(value, slice):
        return slice(_concrete(value.start, rec), _concrete(value.stop, rec), _concrete(value.step, rec))
    if isinstance(value, (tuple, list)):
        return type(value)(_concrete(v, rec) for v in value)
    return value


def _f32(t):
    return np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))


class _Builder:
    def __init__(self, gm, rec, input_length, input_channels):
        self.gm, self.rec = gm, rec
        self.layers, self.weights = [], {}
        self.alias = {}  # fx node -> s2f layer name
        self.input_length, self.input_channels = input_length, input_channels

    def name_of(self, n):
        if n not in self.alias:
            raise ExportError(f"operation '{n.name}' ({n.op} {n.target}) feeds the model but was not exported")
        return self.alias[n]

    def value(self, n):
        return self.rec.values[getattr(n, '_node', n)]

    def add(self, n, op, inputs, weights=None, **params):
        layer = {"name": n.name, "op": op, "inputs": [self.name_of(i) for i in inputs]}
        layer.update(params)
        if weights:
            layer["weights"] = {k: list(v.shape) for k, v in weights.items()}
            self.weights[n.name] = weights
        self.layers.append(layer)
        self.alias[n] = n.name

    def activation(self, n, x, name, **params):
        self.add(n, "activation", [x], activation=name, **params)

    def module(self, n, m):
        x = n.args[0]
        if isinstance(m, torch.nn.Conv1d):
            if m.groups != 1:
                raise ExportError(f"{n.name}: grouped Conv1d is not supported")
            if m.padding_mode != "zeros":
                raise ExportError(f"{n.name}: padding_mode '{m.padding_mode}' is not supported")
            k, d, s = m.kernel_size[0], m.dilation[0], m.stride[0]
            if isinstance(m.padding, str):  # 'same' pads the extra position on the right, like Keras
                total = d * (k - 1) if m.padding == "same" else 0
                pad = [total // 2, total - total // 2]
            else:
                pad = [m.padding[0], m.padding[0]]
            w = {"kernel": _f32(m.weight.permute(2, 1, 0))}  # (out, in, k) -> (k, in, out)
            if m.bias is not None:
                w["bias"] = _f32(m.bias)
            self.add(n, "conv1d", [x], w, filters=m.out_channels, kernel=k, stride=s, dilation=d,
                     padding=pad, activation="linear")
        elif isinstance(m, torch.nn.Linear):
            w = {"kernel": _f32(m.weight.t())}
            if m.bias is not None:
                w["bias"] = _f32(m.bias)
            self.add(n, "dense", [x], w, units=m.out_features, activation="linear")
        elif isinstance(m, torch.nn.BatchNorm1d):
            if m.running_mean is None:
                raise ExportError(f"{n.name}: BatchNorm1d without running statistics")
            c = m.num_features
            w = {"mean": _f32(m.running_mean), "var": _f32(m.running_var),
                 "gamma": _f32(m.weight) if m.weight is not None else np.ones(c, np.float32),
                 "beta": _f32(m.bias) if m.bias is not None else np.zeros(c, np.float32)}
            self.add(n, "batchnorm", [x], w, epsilon=float(m.eps))
        elif isinstance(m, (torch.nn.MaxPool1d, torch.nn.AvgPool1d)):
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            s = m.stride if isinstance(m.stride, int) else (m.stride[0] if m.stride else k)
            p = m.padding if isinstance(m.padding, int) else m.padding[0]
            if getattr(m, "ceil_mode", False) or getattr(m, "dilation", 1) not in (1, (1,)):
                raise ExportError(f"{n.name}: ceil_mode/dilation pooling is not supported")
            if isinstance(m, torch.nn.MaxPool1d):
                self.add(n, "maxpool1d", [x], pool=k, stride=s, padding=[p, p])
            else:
                self.add(n, "avgpool1d", [x], pool=k, stride=s, padding=[p, p],
                         count_include_pad=bool(m.count_include_pad))
        elif isinstance(m, torch.nn.ReLU):
            self.activation(n, x, "relu")
        elif isinstance(m, torch.nn.GELU):
            self.activation(n, x, "gelu_tanh" if getattr(m, "approximate", "none") == "tanh" else "gelu")
        elif isinstance(m, torch.nn.ELU):
            self.activation(n, x, "elu", alpha=float(m.alpha))
        elif isinstance(m, torch.nn.Sigmoid):
            self.activation(n, x, "sigmoid")
        elif isinstance(m, torch.nn.Tanh):
            self.activation(n, x, "tanh")
        elif isinstance(m, torch.nn.Softplus):
            if m.beta != 1:
                raise ExportError(f"{n.name}: Softplus with beta != 1 is not supported")
            self.activation(n, x, "softplus")
        elif isinstance(m, torch.nn.Softmax):
            self.softmax(n, x, m.dim)
        elif isinstance(m, (torch.nn.Dropout, torch.nn.Identity)):
            self.alias[n] = self.name_of(x)
        elif isinstance(m, torch.nn.Flatten):
            self.flatten(n, x)
        else:
            raise ExportError(f"module '{n.target}' of class {type(m).__name__} is not supported")

    def softmax(self, n, x, dim):
        if dim not in (1, -1) or (dim == -1 and self.value(x).dim() == 3):
            raise ExportError(f"{n.name}: softmax must run over channels (dim=1)")
        self.activation(n, x, "softmax")

    def flatten(self, n, x):
        v = self.value(x)
        if v.dim() == 2:
            self.alias[n] = self.name_of(x)
        else:
            self.add(n, "flatten", [x], order="cl")  # (N, C, L) flattens channel-major

    def crop(self, n, x, index):
        v = self.value(x)
        if not isinstance(index, tuple) or v.dim() != 3 or len(index) != 3 or index[0] != slice(None) \
                or index[1] != slice(None) or not isinstance(index[2], slice) or index[2].step not in (None, 1):
            raise ExportError(f"{n.name}: only slicing positions x[:, :, a:b] is supported")
        start, stop, _ = index[2].indices(v.shape[2])
        self.add(n, "crop", [x], cropping=[start, v.shape[2] - stop])

    def function(self, n, target=None):
        f, a, kw = target or n.target, n.args, n.kwargs
        if f in (torch.relu, torch.nn.functional.relu):
            self.activation(n, a[0], "relu")
        elif f in (torch.sigmoid, torch.nn.functional.sigmoid):
            self.activation(n, a[0], "sigmoid")
        elif f in (torch.tanh, torch.nn.functional.tanh):
            self.activation(n, a[0], "tanh")
        elif f is torch.exp:
            self.activation(n, a[0], "exp")
        elif f is torch.nn.functional.softplus:
            self.activation(n, a[0], "softplus")
        elif f is torch.nn.functional.gelu:
            self.activation(n, a[0], "gelu_tanh" if kw.get("approximate", "none") == "tanh" else "gelu")
        elif f is torch.nn.functional.softmax or f is torch.softmax:
            self.softmax(n, a[0], kw.get("dim", a[1] if len(a) > 1 else None))
        elif f in (operator.sub, operator.add, operator.mul, operator.floordiv) and \
                not isinstance(self.value(n), torch.Tensor):
            pass  # arithmetic on sizes
        elif f in (operator.add, torch.add):
            if not all(isinstance(i, torch.fx.Node) for i in a[:2]) or kw.get("alpha", 1) != 1:
                raise ExportError(f"{n.name}: only tensor + tensor is supported")
            self.add(n, "add", list(a[:2]))
        elif f is torch.cat:
            dim = kw.get("dim", a[1] if len(a) > 1 else 0)
            if dim not in (1, -2) or self.value(a[0][0]).dim() != 3:
                raise ExportError(f"{n.name}: torch.cat only over channels (dim=1) of (N, C, L) tensors")
            self.add(n, "concat", list(a[0]))
        elif f in (torch.mean, torch.amax) or (f is torch.max and len(a) > 1):
            dim = kw.get("dim", a[1] if len(a) > 1 else None)
            if dim not in (2, -1, (2,), [2]) or self.value(a[0]).dim() != 3 or kw.get("keepdim", False):
                raise ExportError(f"{n.name}: mean/max only over positions (dim=2) without keepdim")
            self.add(n, "global_avg_pool" if f is torch.mean else "global_max_pool", [a[0]])
        elif f is torch.flatten:
            self.flatten(n, a[0])
        elif f is operator.getitem:
            src = a[0]
            if isinstance(self.value(src), torch.Tensor):
                self.crop(n, src, _concrete(a[1], self.rec))
            # shapes and ints need no layer
        elif f is getattr or getattr(f, "__name__", "") == "_assert_is_none":
            pass  # shape look-ups; fx's check that an optional input is None
        else:
            raise ExportError(f"function {getattr(f, '__name__', f)} ('{n.name}') is not supported")

    def method(self, n):
        m, a = n.target, n.args
        if m in ("size", "dim"):
            return
        if m in ("reshape", "view", "flatten"):
            src = self.value(a[0])
            out = self.value(n)
            if src.dim() == 3 and out.dim() == 2 and src.shape[2] > 1:
                self.add(n, "flatten", [a[0]], order="cl")
            elif out.shape[0] == src.shape[0] and out.numel() == src.numel() and out.dim() <= 3:
                self.alias[n] = self.name_of(a[0])
            else:
                raise ExportError(f"{n.name}: reshape {tuple(src.shape)} -> {tuple(out.shape)} is not supported")
        elif m == "relu":
            self.activation(n, a[0], "relu")
        elif m == "sigmoid":
            self.activation(n, a[0], "sigmoid")
        elif m == "exp":
            self.activation(n, a[0], "exp")
        elif m == "mean":
            self.function(n, torch.mean)
        elif m in ("contiguous", "float"):
            self.alias[n] = self.name_of(a[0])
        else:
            raise ExportError(f"tensor method '.{m}()' ('{n.name}') is not supported")


def trace(module, input_length, input_channels=4, concrete_args=None):
    module = module.eval()
    gm = torch.fx.symbolic_trace(module, concrete_args=concrete_args)
    rec = _Recorder(gm)
    with torch.no_grad():
        rec.run(torch.zeros(1, input_channels, input_length))
    return gm, rec


def export(module, path, input_length, head_names=None, head_kinds=None, bin_size=1, input_channels=4,
           name=None, metadata=None, concrete_args=None, n_value=None, strand_pairs=None):
    """Writes `module` as an s2f model file; returns the content hash.

    n_value: the one-hot value of every channel at an N in the model's
    training data (0 for an all-zero row), recorded as input.n_value; None
    records nothing (stages then ask for --n-value when a window has an N).
    strand_pairs: {head name: [[plus, minus], ...]} for heads whose tracks
    are strands of one signal ([] = none stranded), recorded per output."""
    gm, rec = trace(module, input_length, input_channels, concrete_args)
    b = _Builder(gm, rec, input_length, input_channels)
    outputs = []
    for n in gm.graph.nodes:
        if n.op == "placeholder":  # torch.fx's name for a graph input
            if b.layers:
                continue  # extra optional inputs (fixed by concrete_args)
            b.layers.append({"name": "sequence", "op": "input", "inputs": []})
            b.alias[n] = "sequence"
        elif n.op == "call_module":
            b.module(n, gm.get_submodule(n.target))
        elif n.op == "call_function":
            b.function(n)
        elif n.op == "call_method":
            b.method(n)
        elif n.op == "get_attr":
            raise ExportError(f"parameter used directly ('{n.target}'); wrap it in a module")
        elif n.op == "output":
            res = n.args[0]
            outputs = list(res) if isinstance(res, (tuple, list)) else [res]
    head_names = head_names or [f"output{i}" for i in range(len(outputs))]
    if len(head_names) != len(outputs):
        raise ExportError(f"{len(outputs)} outputs but {len(head_names)} head names")
    heads = []
    for i, (o, hname) in enumerate(zip(outputs, head_names)):
        v = rec.values[o]
        kind = head_kinds[i] if head_kinds else ("profile" if v.dim() == 3 and v.shape[2] > 1 else "scalar")
        heads.append({"name": hname, "node": b.name_of(o), "kind": kind, "bin_size": bin_size})
        if strand_pairs and hname in strand_pairs:
            heads[-1]["strand_pairs"] = s2f_strands.check(strand_pairs[hname], v.shape[1], hname)
    unknown = sorted(set(strand_pairs or {}) - set(head_names))
    if unknown:
        raise ExportError(f"strand pairs given for {', '.join(unknown)}, which is no head "
                          f"(heads: {', '.join(head_names)})")
    used = {l["name"] for l in b.layers}
    meta = {"framework": "pytorch", "torch_version": torch.__version__, "module": type(module).__name__}
    meta.update(metadata or {})
    inp = {"length": input_length, "channels": input_channels, "alphabet": "ACGT"}
    if n_value is not None:
        inp["n_value"] = float(n_value)
    arch = {"name": name or type(module).__name__,
            "input": inp,
            "layers": b.layers, "outputs": heads, "metadata": meta}
    assert all(h["node"] in used for h in heads)
    return write_model(path, arch, b.weights)


def content_hash(arch_text, layers, weights):
    """SHA-256 over the architecture text, then per layer (file order) and
    weight key (byte order): 'layer/key' NUL, int64 LE shape, float32 LE data."""
    h = hashlib.sha256(arch_text.encode("utf-8"))
    for layer in layers:
        for key in sorted(weights.get(layer["name"], {}), key=lambda s: s.encode()):
            a = weights[layer["name"]][key]
            h.update((layer["name"] + "/" + key).encode() + b"\0")
            h.update(struct.pack("<%dq" % a.ndim, *a.shape))
            h.update(a.astype("<f4").tobytes())
    return "sha256:" + h.hexdigest()


def write_model(path, arch, weights):
    text = json.dumps(arch, separators=(",", ":"))
    digest = content_hash(text, arch["layers"], weights)
    tmp = f"{path}.tmp{os.getpid()}"
    with h5py.File(tmp, "w") as f:
        f.attrs["format"] = "s2f-model"
        f.attrs["format_version"] = np.int64(FORMAT_VERSION)
        f.attrs["architecture"] = text
        f.attrs["content_hash"] = digest
        g = f.create_group("weights")
        for layer, ws in weights.items():
            for key, a in ws.items():
                g.create_dataset(f"{layer}/{key}", data=a.astype("<f4"))
    os.replace(tmp, path)
    return digest


def export_bpnet_lite(args):
    import bpnet_lite_files
    notes = []
    model, hp, inferred = bpnet_lite_files.load(args.model, args.hparams, args.trimming, notes)
    length = bpnet_lite_files.input_length(hp, args.input_length)
    bpnet_lite_files.check_geometry(model, length)
    for note in notes:
        print(f"s2f_model_export: note: {note}", file=sys.stderr)
    meta = {"source": os.path.basename(args.model), "bpnet_lite": dict(inferred, trimming=model.trimming)}
    if inferred["n_control_tracks"] > 0:
        meta["control_tracks"] = {"count": inferred["n_control_tracks"],
                                  "input": "zeros, folded into the weights (forward(X, zeros))"}
    # bpnet-lite's profile has 1 output (unstranded) or 2 (+ then -); its
    # count head is one value. Other output counts are the user's layout.
    profile, counts = args.heads
    strands = {counts: []}
    n_outputs = inferred["n_outputs"]
    if n_outputs <= 2:
        strands[profile] = [[0, 1]] if n_outputs == 2 else []
    else:
        print(f"s2f_model_export: note: the profile has {n_outputs} outputs; which are strands of one signal is "
              "not recorded (give s2f-predict --rc a catalog with a strand column or --strand-pairs)",
              file=sys.stderr)
    strands.update(s2f_strands.parse(args.strand_pairs))
    # bpnet-lite one-hot encodes sequences with tangermeme, whose N rows are all zero.
    n_value = 0.0 if args.n_value is None else args.n_value
    return export(model, args.output, length, head_names=args.heads, name="bpnet-lite",
                  concrete_args={"X_ctl": None}, metadata=meta, n_value=n_value, strand_pairs=strands)


def export_module(args):
    import importlib.util
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.python_file)))
    spec = importlib.util.spec_from_file_location("user_model", args.python_file)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = getattr(mod, args.cls)(**json.loads(args.kwargs))
    if args.state_dict:
        try:
            model.load_state_dict(torch.load(args.state_dict, map_location="cpu"))
        except RuntimeError as e:  # torch lists every mismatch on its own line: say the first and how many
            details = [line.strip() for line in str(e).splitlines()[1:] if line.strip()]
            more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
            raise ExportError(f"{args.state_dict} does not fit {args.cls}(**{args.kwargs}): "
                              f"{details[0] if details else _one_line(e)}{more}; give the --kwargs it was built with")
    if args.n_value is None:
        print("s2f_model_export: note: no N value recorded (--n-value): s2f stages will ask for --n-value "
              "at the first window that holds an N", file=sys.stderr)
    return export(model, args.output, args.input_length, head_names=args.heads, name=args.cls,
                  metadata={"source": os.path.basename(args.state_dict or args.python_file)},
                  n_value=args.n_value, strand_pairs=s2f_strands.parse(args.strand_pairs))


def _one_line(e):
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="kind", required=True)
    bp = sub.add_parser("bpnet-lite", help="a bpnet-lite BPNet: state_dict or whole pickled module")
    bp.add_argument("--model", "--state-dict", dest="model", required=True,
                    help="torch.save(model.state_dict()) or torch.save(model) of a bpnet-lite BPNet")
    bp.add_argument("--hparams", help="JSON of BPNet's arguments (default: read from the weights)")
    bp.add_argument("--trimming", type=int, help="positions cut from each end of the profile "
                    "(default: the model's, the hparams', or (in_window - out_window) / 2)")
    bp.add_argument("--input-length", type=int, help="default: the hparams' in_window, else 2114")
    bp.add_argument("--heads", nargs=2, default=["profile", "counts"])
    bp.add_argument("--n-value", type=float, help="one-hot value of an N in training (default 0: bpnet-lite's)")
    bp.add_argument("--strand-pairs", action="append", metavar="HEAD:P-M,...",
                    help="strand pairs to record (default: profile 0-1 for 2 outputs, none for 1)")
    bp.add_argument("-o", "--output", required=True)
    mp = sub.add_parser("module", help="any torch.nn.Module class defined in a Python file")
    mp.add_argument("--python-file", required=True, help="file defining the module class")
    mp.add_argument("--class", dest="cls", required=True)
    mp.add_argument("--kwargs", default="{}", help="JSON constructor arguments")
    mp.add_argument("--state-dict", help="weights saved with torch.save(model.state_dict())")
    mp.add_argument("--input-length", type=int, required=True)
    mp.add_argument("--heads", nargs="+", help="names of the outputs, in forward() order")
    mp.add_argument("--n-value", type=float,
                    help="one-hot value of every channel at an N in the training data (0 = all-zero row)")
    mp.add_argument("--strand-pairs", action="append", metavar="HEAD:P-M,...",
                    help="a head's + and - strand channels (HEAD:none: no track stranded); repeatable")
    mp.add_argument("-o", "--output", required=True)
    args = p.parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        digest = export_bpnet_lite(args) if args.kind == "bpnet-lite" else export_module(args)
    except Exception as e:  # one line, never a traceback: what went wrong and how to fix it
        print(f"s2f_model_export: error: {_one_line(e)}", file=sys.stderr)
        return 1
    print(f"s2f_model_export: wrote {args.output} ({digest})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
