#!/usr/bin/python3
"""Self-checks of the DeepSHAP reference (deepshap_reference.py), which the
s2f-attribute parity test trusts:

* summation-to-delta: for every reference, sum m_i (x - r_i) = t(x) - t(r_i)
  to 1e-5 relative, on random small float64 models that hold every op of
  formats/MODEL.md (all activations, max/avg pools with padding, global
  pools, flatten in both orders, crop, add, concat, logsumexp), for scalar
  targets and profile targets under both objectives; sum of the projected
  scores = mean_i (t(x) - t(r_i)) on one-hot inputs;
* a model without nonlinearities: every DeepLIFT multiplier equals the
  ordinary gradient;
* the ordinary gradient equals central finite differences (softmax inside
  the network included);
* as the reference approaches x, DeepLIFT multipliers approach the gradient;
* the max-pool and logsumexp rules on hand-worked cases;
* softmax inside the network is refused by DeepLIFT;
* the model readers: the s2f-model-file reading of the real BPNet equals
  bpnet-lite's forward written from the state_dict, and the Keras reading
  of the real ChromBPNet bias model equals the numpy Keras pass
  (tests/engine), when ../shared/data is present.
"""
import os

import numpy as np
import torch

import deepshap_reference as ref
from s2f_testing import SHARED_DATA, check, finish

RNG = np.random.default_rng(17)
torch.manual_seed(17)


def conv(name, src, c_in, c_out, k, pad, act="linear", dilation=1, stride=1, scale=0.5):
    return {"name": name, "op": "conv1d", "inputs": [src], "kernel": k, "stride": stride, "dilation": dilation,
            "padding": pad, "activation": act,
            "w": {"kernel": RNG.normal(0, scale / np.sqrt(k * c_in), (k, c_in, c_out)),
                  "bias": RNG.normal(0, 0.1, c_out)}}


def dense(name, src, c_in, c_out, act="linear", scale=0.7):
    return {"name": name, "op": "dense", "inputs": [src], "activation": act,
            "w": {"kernel": RNG.normal(0, scale / np.sqrt(c_in), (c_in, c_out)), "bias": RNG.normal(0, 0.1, c_out)}}


def layer(name, op, inputs, **params):
    return {"name": name, "op": op, "inputs": inputs, "w": params.pop("w", {}), **params}


def batchnorm(name, src, c):
    return layer(name, "batchnorm", [src], epsilon=1e-3,
                 w={"gamma": RNG.uniform(0.5, 1.5, c), "beta": RNG.uniform(-0.3, 0.3, c),
                    "mean": RNG.uniform(-0.3, 0.3, c), "var": RNG.uniform(0.5, 2.0, c)})


def every_op_model():
    """A 40-bp model with every op: profile head (2 tracks), a scalar head
    (2 tracks) and a logsumexp head."""
    L = [
        layer("sequence", "input", []),
        conv("c1", "sequence", 4, 6, 5, [2, 2], "relu", scale=1.5),
        batchnorm("bn", "c1", 6),
        layer("sig", "activation", ["bn"], activation="sigmoid"),
        conv("c2", "sig", 6, 6, 3, [2, 2], "tanh", dilation=2, scale=2.0),
        layer("res", "add", ["c2", "bn"]),
        layer("mp", "maxpool1d", ["res"], pool=3, stride=2, padding=[1, 1]),        # 20
        layer("elu", "activation", ["mp"], activation="elu", alpha=0.7),
        conv("c3", "elu", 6, 5, 3, [1, 0], "gelu", stride=2, scale=2.0),           # 10
        layer("ap", "avgpool1d", ["elu"], pool=3, stride=2, padding=[1, 0], count_include_pad=False),  # 10
        layer("cat", "concat", ["c3", "ap"]),                                        # 11 x 10
        layer("sp", "activation", ["cat"], activation="softplus"),
        layer("crop", "crop", ["sp"], cropping=[1, 1]),                              # 8
        conv("profile", "crop", 11, 2, 3, [1, 1], scale=2.0),
        layer("gmp", "global_max_pool", ["cat"]),
        layer("gap", "global_avg_pool", ["sp"]),
        layer("pooled", "concat", ["gmp", "gap"]),
        dense("d1", "pooled", 22, 6, "gelu_tanh", scale=1.5),
        dense("counts", "d1", 6, 2, scale=1.5),
        layer("lse", "logsumexp", ["counts"]),
    ]
    heads = {"profile": ("profile", "profile"), "counts": ("counts", "scalar"), "lse": ("lse", "scalar")}
    return ref.Graph(L, heads, 40)


def flatten_model(order):
    """A Basset-like model: conv, exp activation, max-pool, average pool that
    counts the padding, flatten, dense layers; a per-position logsumexp."""
    L = [
        layer("sequence", "input", []),
        conv("c1", "sequence", 4, 8, 7, [3, 3], "exp", scale=0.8),
        layer("mp", "maxpool1d", ["c1"], pool=4, stride=4, padding=[0, 0]),          # 8
        layer("ap", "avgpool1d", ["mp"], pool=3, stride=1, padding=[1, 1], count_include_pad=True),  # 8
        dense("pp", "ap", 8, 3, "relu", scale=2.0),                                  # per position
        layer("lse", "logsumexp", ["pp"]),                                           # 8 x 1
        layer("cat", "concat", ["lse", "pp"]),                                       # 8 x 4
        layer("flat", "flatten", ["cat"], order=order),
        dense("h", "flat", 32, 10, "relu", scale=2.0),
        dense("out", "h", 10, 3, "sigmoid", scale=2.0),
    ]
    return ref.Graph(L, {"out": ("out", "scalar"), "cat": ("cat", "profile")}, 32)


def linear_model():
    L = [
        layer("sequence", "input", []),
        conv("c1", "sequence", 4, 5, 5, [2, 2], stride=1),
        batchnorm("bn", "c1", 5),
        layer("ap", "avgpool1d", ["bn"], pool=2, stride=2, padding=[0, 0], count_include_pad=True),
        conv("c2", "ap", 5, 5, 3, [1, 1]),
        layer("res", "add", ["c2", "ap"]),
        layer("cat", "concat", ["res", "ap"]),
        layer("crop", "crop", ["cat"], cropping=[2, 1]),
        layer("gap", "global_avg_pool", ["crop"]),
        layer("flat", "flatten", ["crop"], order="lc"),
        dense("d", "flat", 10 * 9, 2),
        dense("g", "gap", 10, 1),
        layer("both", "concat", ["d", "g"]),
    ]
    return ref.Graph(L, {"both": ("both", "scalar"), "profile": ("crop", "profile")}, 24)


def onehot(n, length):
    return np.eye(4)[RNG.integers(0, 4, (n, length))]


def targets_of(graph):
    out = []
    for head, (_, kind) in graph.heads.items():
        out.append((f"{head}", "softmax"))
        out.append((f"{head}:0", "softmax"))
        if kind == "profile":
            out.append((f"{head}", "sum"))
            out.append((f"{head}:sum", "softmax"))
    return out


def test_summation_to_delta():
    for name, graph in (("every-op", every_op_model()), ("flatten-lc", flatten_model("lc")),
                        ("flatten-cl", flatten_model("cl"))):
        net = ref.Network(graph)
        length = graph.input_length
        for spec, objective in targets_of(graph):
            target = ref.Target(graph, spec, objective)
            worst, worst_proj = 0.0, 0.0
            for k in range(3):
                x = onehot(1, length)[0]
                refs = onehot(6, length)
                r = ref.attribute(net, target, x, refs)
                worst = max(worst, r["delta_gap"])
                delta = (r["t_x"] - r["t_ref"]).mean()
                scale = max(abs(r["t_x"]), np.abs(r["t_ref"]).max(), ref.ZERO)
                worst_proj = max(worst_proj, abs(r["proj"].sum() - delta) / scale)
                # Continuous inputs reach the ties and the fallbacks less often: both kinds.
                xc, rc = RNG.normal(0, 1, (length, 4)), RNG.normal(0, 1, (4, length, 4))
                worst = max(worst, ref.attribute(net, target, xc, rc)["delta_gap"])
            check(worst <= 1e-5, f"{name} {spec} ({objective}): sum m (x - r) = t(x) - t(r) "
                                 f"(largest relative gap {worst:.1e} <= 1e-5)")
            check(worst_proj <= 1e-5, f"{name} {spec} ({objective}): sum of projected = mean (t(x) - t(r)) "
                                      f"({worst_proj:.1e})")
    # Refs equal to x at some positions (the fallback branches) keep the sum.
    graph = every_op_model()
    net = ref.Network(graph)
    x = onehot(1, 40)[0]
    refs = onehot(4, 40)
    refs[:, 10:25] = x[10:25]
    refs[1] = x
    r = ref.attribute(net, ref.Target(graph, "profile"), x, refs)
    check(r["delta_gap"] <= 1e-5, f"references equal to x in part or whole: gap {r['delta_gap']:.1e} <= 1e-5")
    check(np.abs(r["mult"][1] - ref.gradient(net, ref.Target(graph, "profile"), x)[0]).max() < 1e-12,
          "a reference equal to x gives the ordinary gradient (every rule's fallback)")


def test_batched_passes():
    """The benchmark's batched form (pairs of several sequences cut into
    passes that straddle sequences) gives the per-sequence results."""
    graph = every_op_model()
    net = ref.Network(graph)
    target = ref.Target(graph, "profile")
    xs, refs = onehot(3, 40), onehot(15, 40).reshape(3, 5, 40, 4)
    hyp, gap = ref.deepshap_many(net, target, xs, refs, pairs_per_pass=4)
    one = np.stack([ref.attribute(net, target, x, r)["hyp"] for x, r in zip(xs, refs)])
    check(np.abs(hyp - one).max() < 1e-12 and gap <= 1e-5,
          f"batched passes across sequences = one sequence at a time (|diff| {np.abs(hyp - one).max():.1e})")


def test_linear_model():
    graph = linear_model()
    net = ref.Network(graph)
    for spec, objective in (("both", "softmax"), ("both:2", "softmax"), ("profile", "sum"), ("profile:3", "softmax")):
        target = ref.Target(graph, spec, objective)
        x = onehot(1, 24)[0]
        refs = onehot(5, 24)
        m, _, _ = ref.deepshap_multipliers(net, target, x, refs)
        g, _ = ref.gradient(net, target, x)
        diff = np.abs(m - g[None]).max()
        check(diff < 1e-12, f"linear model, {spec} ({objective}): every multiplier = the gradient (|diff| {diff:.1e})")


def finite_differences(net, target, x, eps=1e-5):
    out = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        hi, lo = x.copy(), x.copy()
        hi[idx] += eps
        lo[idx] -= eps
        vals = []
        for v in (hi, lo):
            o = net.forward(torch.as_tensor(v[None]))
            vals.append(float(target.value(o, w_fixed)))
        out[idx] = (vals[0] - vals[1]) / (2 * eps)
    return out


w_fixed = None


def test_gradient_vs_finite_differences():
    global w_fixed
    graphs = [("every-op", every_op_model()), ("flatten-cl", flatten_model("cl"))]
    soft = flatten_model("lc")  # with a softmax over channels inside
    soft.layers.insert(5, layer("sm", "activation", ["pp"], activation="softmax"))
    soft.layers[6]["inputs"] = ["sm"]
    graphs.append(("softmax-inside", soft))
    for name, graph in graphs:
        net = ref.Network(graph)
        for spec, objective in targets_of(graph)[:3]:
            target = ref.Target(graph, spec, objective)
            x = RNG.normal(0, 0.3, (graph.input_length, 4))  # keeps exp and sigmoid off saturation
            with torch.no_grad():
                w_fixed = target.weights(net.forward(torch.as_tensor(x[None])))
            fd = finite_differences(net, target, x)
            g, _ = ref.gradient(net, target, x)
            # Relative to the largest derivative, with an absolute floor for
            # the rounding of the differences themselves (|t| / eps x 1e-16).
            err = np.abs(g - fd).max() / max(np.abs(fd).max(), 1e-3)
            check(err < 1e-6 and np.abs(fd).max() > 1e-6,
                  f"{name} {spec} ({objective}): gradient = central differences (rel {err:.1e}, "
                  f"max |gradient| {np.abs(fd).max():.1e})")
    w_fixed = None


def test_limit_is_gradient():
    graph = every_op_model()
    net = ref.Network(graph)
    for spec in ("profile", "counts", "lse"):
        target = ref.Target(graph, spec)
        x = RNG.normal(0, 1, (40, 4))
        refs = x[None] + RNG.normal(0, 1e-4, (3, 40, 4))
        m, _, _ = ref.deepshap_multipliers(net, target, x, refs)
        g, _ = ref.gradient(net, target, x)
        err = np.abs(m - g[None]).max() / np.abs(g).max()
        check(err < 1e-2, f"{spec}: references 1e-4 from x give multipliers near the gradient (rel {err:.1e})")


def test_rules_by_hand():
    # One max-pool window of width 2 on channel A; the other channels are zero.
    graph = ref.Graph([layer("sequence", "input", []),
                       layer("mp", "maxpool1d", ["sequence"], pool=2, stride=2, padding=[0, 0])],
                      {"mp": ("mp", "scalar")}, 2)
    net = ref.Network(graph)
    target = ref.Target(graph, "mp:0")
    cases = [  # x window, r window, expected multipliers of the two positions
        ([1, 3], [2, 0], [0.0, 1 / 3]),    # X=3 (a=1), R=2 (b=0), M=3: a gets 1, b gets 0
        ([1, 0], [0, 4], [0.0, 0.75]),     # X=1 (a=0), R=4 (b=1), M=4: a gets 0, b gets -3 over -4
        ([2, 2], [1, 1], [1.0, 0.0]),      # ties: the first maximum takes it all
    ]
    for xw, rw, expect in cases:
        x, r = np.zeros((2, 4)), np.zeros((1, 2, 4))
        x[:, 0], r[0, :, 0] = xw, rw
        m, _, _ = ref.deepshap_multipliers(net, target, x, r)
        check(np.allclose(m[0, :, 0], expect, atol=1e-12),
              f"max-pool cross-maximum rule: x {xw}, r {rw} -> multipliers {m[0, :, 0].round(4).tolist()} = {expect}")
    # Padding is never a maximum: a window over [pad, -5] takes -5.
    graph = ref.Graph([layer("sequence", "input", []),
                       layer("shift", "dense", ["sequence"], activation="linear",
                             w={"kernel": np.eye(4), "bias": np.full(4, -5.0)}),
                       layer("mp", "maxpool1d", ["shift"], pool=2, stride=2, padding=[1, 1])],
                      {"mp": ("mp", "profile")}, 2)
    out = ref.Network(graph).forward(torch.zeros(1, 2, 4, dtype=torch.float64))["mp"]
    check(out.shape == (1, 4, 2) and float(out.max()) == -5.0, "max-pool windows never include padding")

    # logsumexp over the four channels at one position: the two-factor rule.
    graph = ref.Graph([layer("sequence", "input", []), layer("lse", "logsumexp", ["sequence"])],
                      {"lse": ("lse", "scalar")}, 1)
    net = ref.Network(graph)
    xv, rv = np.array([0.3, -1.0, 2.0, 0.5]), np.array([1.0, -1.0, 0.0, 0.2])
    m, _, _ = ref.deepshap_multipliers(net, ref.Target(graph, "lse"), xv[None], rv[None, None])
    sx, sr = np.exp(xv).sum(), np.exp(rv).sum()
    f1 = (np.log(sx) - np.log(sr)) / (sx - sr)
    with np.errstate(divide="ignore", invalid="ignore"):
        f2 = np.where(np.abs(xv - rv) >= 1e-6, (np.exp(xv) - np.exp(rv)) / (xv - rv), np.exp(xv))
    check(np.allclose(m[0, 0], f1 * f2, rtol=1e-12), "logsumexp rule = Rescale(log) x Rescale(exp) per channel")
    big = np.array([800.0, 799.0, 0.0, 0.0])
    m, _, _ = ref.deepshap_multipliers(net, ref.Target(graph, "lse"), big[None], (big - 3)[None, None])
    check(np.all(np.isfinite(m)) and abs(float((m[0, 0] * 3).sum()) - 3.0) < 1e-9,
          "logsumexp rule is finite at exp overflow scale (shifted) and sums to the delta")

    # Rescale on relu: (relu(zx) - relu(zr)) / (zx - zr).
    graph = ref.Graph([layer("sequence", "input", []), layer("r", "activation", ["sequence"], activation="relu")],
                      {"r": ("r", "scalar")}, 1)
    net = ref.Network(graph)
    m, _, _ = ref.deepshap_multipliers(net, ref.Target(graph, "r"), np.array([[2.0, -1.0, 3.0, 0.5]]),
                                       np.array([[[-2.0, -3.0, 1.0, 0.5]]]))
    check(np.allclose(m[0, 0], [0.5, 0.0, 1.0, 1.0]), f"Rescale on relu, with the derivative on a tie: {m[0, 0]}")


def test_softmax_refused():
    graph = ref.Graph([layer("sequence", "input", []), layer("sm", "activation", ["sequence"], activation="softmax")],
                      {"sm": ("sm", "profile")}, 5)
    try:
        ref.attribute(ref.Network(graph), ref.Target(graph, "sm"), onehot(1, 5)[0], onehot(2, 5))
        refused = False
    except ref.SoftmaxRefused:
        refused = True
    check(refused, "deepshap refuses a softmax inside the network")


def test_readers_on_real_models():
    models = os.path.join(SHARED_DATA, "models")
    if not os.path.isdir(models):
        print("skip the real-model reader checks: ../shared/data/models is absent")
        return
    import common
    import keras_reference
    x = np.stack([common.one_hot(w) for w in common.genome_windows(2114, 2)]).astype(np.float64)
    h5 = os.path.join(models, "chrombpnet-bias", "GM12878.bias_model_scaled.h5")
    graph = ref.load_model(h5)
    with torch.no_grad():
        mine = ref.Network(graph).forward(torch.as_tensor(x))
    theirs = keras_reference.forward(h5, x)
    prof = theirs["logits_profile_predictions"]
    d1 = np.abs(mine["logits_profile_predictions"][:, 0].numpy() - prof).max()
    d2 = np.abs(mine["logcount_predictions"][:, :, 0].numpy() - theirs["logcount_predictions"]).max()
    check(d1 < 1e-9 and d2 < 1e-9 and graph.heads["logits_profile_predictions"][1] == "profile",
          f"Keras reading of the ChromBPNet bias model = numpy Keras pass (|diff| {d1:.1e}, {d2:.1e})")

    import json
    import tempfile
    import bpnet_lite
    import bpnet_reference
    import s2f_model_export
    d = os.path.join(models, "bpnet-lite")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bpnet.s2fm")
        model = bpnet_lite.from_files(os.path.join(d, "bpnet_example.state_dict.pt"),
                                      os.path.join(d, "bpnet_example.hparams.json"))
        s2f_model_export.export(model, path, 2114, head_names=["profile", "counts"], name="bpnet-lite",
                                concrete_args={"X_ctl": None})
        graph = ref.load_model(path)
    sd = {k: v.double() for k, v in torch.load(os.path.join(d, "bpnet_example.state_dict.pt"),
                                               map_location="cpu").items()}
    hp = json.load(open(os.path.join(d, "bpnet_example.hparams.json")))
    with torch.no_grad():
        mine = ref.Network(graph).forward(torch.as_tensor(x))
        p, c = bpnet_reference.reference_forward(sd, hp, torch.as_tensor(x).permute(0, 2, 1))
    d1 = float((mine["profile"] - p).abs().max())
    d2 = float((mine["counts"][:, :, 0] - c).abs().max())
    check(d1 < 1e-5 and d2 < 1e-5, f"s2f-model-file reading of the real BPNet = bpnet-lite forward "
                                   f"(|diff| {d1:.1e}, {d2:.1e}; the file holds float32 weights)")


if __name__ == "__main__":
    torch.set_num_threads(2)
    test_rules_by_hand()
    test_softmax_refused()
    test_linear_model()
    test_batched_passes()
    test_summation_to_delta()
    test_limit_is_gradient()
    test_gradient_vs_finite_differences()
    test_readers_on_real_models()
    finish()
