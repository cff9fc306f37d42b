#!/usr/bin/python3
"""s2f-attribute (issue 17) against the independent PyTorch reference
(deepshap_reference.py), end to end:

* deepshap, grad and input-x-grad, scalar and profile targets (softmax and
  sum objectives), with the same references given as --reference-file:
  hypothetical and projected contributions equal the reference's to 1e-4
  relative to the largest |value|, on the demo model, a Basset-style model
  with max-pooling and dense layers (random weights), the real bpnet-lite
  BPNet and the real ChromBPNet bias Keras model (../shared/data; skipped
  when absent);
* summation-to-delta: the run summary's largest relative gap <= 1e-4, and
  the sum of s2f's projected scores = mean_i (t(x) - t(r_i)) of the
  reference to 1e-4 relative;
* --modisco PREFIX: PREFIX.ohe.npz and PREFIX.shap.npz as tfmodisco-lite's
  `modisco motifs -s/-a` loads them (np.load(...)["arr_0"], records x 4 x L,
  float32); --h5: raw/seq, shap/seq, projected_shap/seq (records x 4 x L,
  float32), the layout ChromBPNet's interpret writes and tfmodisco-lite's
  `-i` reads; every value equal to the stream's;
* -t 1 and -t 2 write the same bytes; --shard 1/2 + 2/2 joined equal the
  unsharded stream;
* softmax inside the network is refused by deepshap (no output written) and
  differentiated exactly by grad; bad references are refused.

Exit 77 (skipped) until s2f-attribute is built.
"""
import os
import re
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn

import deepshap_reference as ref
import s2f_stream
from s2f_testing import DEMO_DIR, PYTHON, SHARED_DATA, SKIP, SOURCE_DIR, check, finish, run, temp_dir, tool_path

ATTR = tool_path("s2f-attribute")
TOL = 1e-4
RNG = np.random.default_rng(1717)
torch.manual_seed(1717)


# ------------------------------------------------------------ helpers

def write_fasta(path, seqs):
    with open(path, "w") as f:
        for i, s in enumerate(seqs):
            f.write(f">r{i}\n{s}\n")
    return path


def random_seqs(n, length):
    return ["".join(RNG.choice(list("ACGT"), length)) for _ in range(n)]


def random_references(n, length):
    """Random one-hot references (float32 (N, L, 4)), the same for every record."""
    return np.eye(4, dtype=np.float32)[RNG.integers(0, 4, (n, length))]


def attribute(args, cwd=None):
    return run("s2f-attribute", *args, cwd=cwd, timeout=900)


def read(path):
    s = s2f_stream.read(path)
    return s.kind, s.meta, s.read_all()


def rel_err(got, want):
    return float(np.abs(np.asarray(got, np.float64) - want).max() / max(np.abs(want).max(), 1e-30))


def summary_gap(stderr):
    """The largest relative summation-to-delta gap the run summary reports."""
    for line in stderr.splitlines():
        at = line.lower().find("delta")
        if at >= 0:
            m = re.search(r"(\d+(?:\.\d+)?[eE][-+]?\d+|\d+\.\d+)", line[at:])
            if m:
                return float(m.group(1))
    return None


# ------------------------------------------------------------ models

class BassetStyle(nn.Module):
    """Convolutions with batch norm, ReLU and max-pooling, then dense layers
    over the flattened (channel-major) features and a sigmoid: the Basset
    layout at a small size."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(4, 16, 11, padding=5), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(3),
            nn.Conv1d(16, 12, 7, padding=3), nn.BatchNorm1d(12), nn.ReLU(), nn.MaxPool1d(4),
            nn.Flatten(), nn.Linear(12 * 16, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3), nn.Sigmoid())

    def forward(self, x):
        return self.body(x)


class SoftmaxInside(nn.Module):
    """A softmax over channels inside the network: deepshap has no rule for it."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(4, 6, 5, padding=2)
        self.c2 = nn.Conv1d(6, 2, 3, padding=1)

    def forward(self, x):
        h = torch.softmax(self.c1(x), dim=1)
        return torch.mean(self.c2(h), dim=2)


def export_module(module, path, length, heads):
    import s2f_model_export
    module = module.eval()
    for m in module.modules():
        if isinstance(m, nn.BatchNorm1d):  # statistics that are not the identity
            m.running_mean.uniform_(-0.3, 0.3)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.3, 0.3)
    s2f_model_export.export(module, path, length, head_names=heads, n_value=0)
    return path


def models(tmp):
    """(name, -m argument, file the reference reads, length, [(target, objective)], sequences)."""
    out = []
    demo = os.path.join(DEMO_DIR, "model", "demo.s2fm")
    fa = os.path.join(tmp, "demo.fa")
    subprocess.run([PYTHON, os.path.join(DEMO_DIR, "make_demo_sequences.py"), "-n", "3", "--seed", "5", "-o", fa,
                    "--truth", fa + ".truth.tsv"],
                   check=True, capture_output=True)
    out.append(("demo", "demo", demo, 500, [("counts", "softmax"), ("profile", "softmax"), ("profile:1", "sum")],
                [s for _, s in ref.read_fasta(fa)]))
    basset = export_module(BassetStyle(), os.path.join(tmp, "basset.s2fm"), 200, ["tasks"])
    out.append(("basset-style", basset, basset, 200, [("tasks:1", "softmax"), ("tasks", "softmax")],
                random_seqs(3, 200)))
    data = os.path.join(SHARED_DATA, "models")
    if not os.path.isdir(data):
        print("skip the real models: ../shared/data/models is absent")
        return out
    import common
    seqs = [w.upper() for w in common.genome_windows(2114, 3)]
    seqs = [s for s in seqs if set(s) <= set("ACGT")]
    bpnet = os.path.join(tmp, "bpnet.s2fm")
    d = os.path.join(data, "bpnet-lite")
    subprocess.run([PYTHON, "-B", os.path.join(SOURCE_DIR, "formats", "python", "s2f_model_export.py"), "bpnet-lite",
                    "--state-dict", os.path.join(d, "bpnet_example.state_dict.pt"),
                    "--hparams", os.path.join(d, "bpnet_example.hparams.json"), "-o", bpnet],
                   check=True, capture_output=True)
    out.append(("bpnet", bpnet, bpnet, 2114, [("counts", "softmax"), ("profile", "softmax"), ("profile:0", "sum")],
                seqs))
    bias = os.path.join(data, "chrombpnet-bias", "GM12878.bias_model_scaled.h5")
    out.append(("chrombpnet-bias", bias, bias, 2114,
                [("logcount_predictions", "softmax"), ("logits_profile_predictions", "softmax")], seqs))
    return out


# ------------------------------------------------------------ checks

def check_against_reference(tmp, name, model_arg, model_file, length, targets, seqs):
    graph = ref.load_model(model_file)
    net = ref.Network(graph)
    fa = write_fasta(os.path.join(tmp, f"{name}.fa"), seqs)
    refs = random_references(6, length)
    refs_path = os.path.join(tmp, f"{name}.refs.npy")
    np.save(refs_path, refs)
    xs = [ref.one_hot(s, graph.n_value or 0.0) for s in seqs]
    first = True
    for target_spec, objective in targets:
        target = ref.Target(graph, target_spec, objective)
        for method in ("deepshap", "grad", "input-x-grad"):
            label = f"{name} {method} --target {target_spec} --objective {objective}"
            want = [ref.attribute(net, target, x, refs.astype(np.float64), method) for x in xs]
            base = ["-m", model_arg, "--fasta-records", fa, "--method", method, "--target", target_spec,
                    "--objective", objective, "-t", "2"]
            if method == "deepshap":
                base += ["--reference-file", refs_path]
            hyp_out = os.path.join(tmp, f"{name}.hyp.s2f")
            proj_out = os.path.join(tmp, f"{name}.proj.s2f")
            extra = []
            if first:  # the side files, once per model
                extra = ["--modisco", os.path.join(tmp, name), "--h5", os.path.join(tmp, f"{name}.contrib.h5")]
            r1 = attribute(base + extra + ["-o", hyp_out])
            r2 = attribute(base + ["--project", "-o", proj_out])
            if not check(r1.returncode == 0 and r2.returncode == 0,
                         f"{label}: runs exit 0 ({(r1.stderr + r2.stderr).strip()[-300:]})"):
                continue
            kind, meta, hyp = read(hyp_out)
            _, meta_p, proj = read(proj_out)
            check(kind == "contributions" and hyp["contrib"].shape == (len(seqs), length, 4),
                  f"{label}: a contributions stream, one (L x 4) record per sequence")
            attr_meta = meta.get("attribution", {})
            check(attr_meta.get("method") == method and not attr_meta.get("projected")
                  and meta_p.get("attribution", {}).get("projected"),
                  f"{label}: meta.attribution names the method and whether the scores are projected ({attr_meta})")
            want_hyp = np.stack([w["hyp"] for w in want])
            want_proj = np.stack([w["proj"] for w in want])
            e1, e2 = rel_err(hyp["contrib"], want_hyp), rel_err(proj["contrib"], want_proj)
            check(e1 <= TOL, f"{label}: hypothetical = reference (rel {e1:.1e} <= {TOL})")
            check(e2 <= TOL, f"{label}: projected = reference (rel {e2:.1e} <= {TOL})")
            if method == "deepshap":
                gap = summary_gap(r1.stderr)
                check(gap is not None and gap <= TOL,
                      f"{label}: the run summary's summation-to-delta gap {gap} <= {TOL}")
                worst = 0.0
                for w, p in zip(want, proj["contrib"]):
                    delta = (w["t_x"] - w["t_ref"]).mean()
                    # float32 sums: a target near 0 is measured in absolute terms
                    scale = max(abs(w["t_x"]), np.abs(w["t_ref"]).max(), 1e-3)
                    worst = max(worst, abs(float(p.astype(np.float64).sum()) - delta) / scale)
                check(worst <= TOL, f"{label}: sum of s2f's projected = mean_i (t(x) - t(r_i)) (rel {worst:.1e})")
                ref_gap = max(w["delta_gap"] for w in want)
                check(ref_gap <= 1e-5, f"{label}: the reference's own summation-to-delta gap {ref_gap:.1e}")
            if first:
                check_side_files(tmp, name, hyp, proj["contrib"] if method == "deepshap" else None, length)
                first = False


def check_side_files(tmp, name, hyp, proj, length):
    n = len(hyp["id"])
    onehot = np.zeros((n, length, 4), np.float32)
    lut = {ord("A"): 0, ord("C"): 1, ord("G"): 2, ord("T"): 3}
    for i, s in enumerate(hyp["seq"]):
        for j, b in enumerate(bytes(s)):
            if b in lut:
                onehot[i, j, lut[b]] = 1
    for suffix, want in (("ohe", onehot), ("shap", hyp["contrib"])):
        path = os.path.join(tmp, f"{name}.{suffix}.npz")
        if not check(os.path.exists(path), f"{name}: --modisco wrote {os.path.basename(path)}"):
            continue
        with np.load(path) as z:
            keys = list(z.keys())
            arr = z["arr_0"] if "arr_0" in z else None
        check(keys == ["arr_0"], f"{name}.{suffix}.npz holds one array named arr_0 ({keys})")
        if arr is None:
            continue
        check(arr.shape == (n, 4, length) and arr.dtype == np.float32,
              f"{name}.{suffix}.npz: (records, 4, L) float32 ({arr.shape}, {arr.dtype})")
        check(arr.shape == (n, 4, length) and np.array_equal(arr.transpose(0, 2, 1), want),
              f"{name}.{suffix}.npz = the stream's {'one-hot sequence' if suffix == 'ohe' else 'contributions'}, "
              "axis order records x ACGT x positions")
    import h5py
    path = os.path.join(tmp, f"{name}.contrib.h5")
    if not check(os.path.exists(path), f"{name}: --h5 wrote the contribution file"):
        return
    projected = hyp["contrib"] * onehot if proj is None else proj
    with h5py.File(path, "r") as f:
        for key, want in (("raw/seq", onehot), ("shap/seq", hyp["contrib"]), ("projected_shap/seq", projected)):
            ok = key in f
            check(ok, f"{name}.h5 has {key}")
            if not ok:
                continue
            d = f[key]
            check(d.shape == (n, 4, length) and d.dtype == np.float32,
                  f"{name}.h5 {key}: (records, 4, L) float32 ({d.shape}, {d.dtype})")
            err = float(np.abs(d[()].transpose(0, 2, 1) - want).max()) if d.shape == (n, 4, length) else np.inf
            check(err <= 1e-6, f"{name}.h5 {key} = the stream's values, records x ACGT x positions (|diff| {err:.1e})")
        # tfmodisco-lite's `-i` path reads shap/seq and raw/seq and transposes them to (N, L, 4).
        if "shap/seq" in f and "raw/seq" in f:
            seqs = f["raw/seq"][..., :, 0:length].transpose(0, 2, 1)
            check(np.array_equal(seqs.sum(-1), np.ones((n, length), np.float32)),
                  f"{name}.h5 read the tfmodisco-lite way gives one-hot rows")


def check_determinism(tmp):
    fa = os.path.join(tmp, "det.fa")
    subprocess.run([PYTHON, os.path.join(DEMO_DIR, "make_demo_sequences.py"), "-n", "5", "--seed", "9", "-o", fa,
                    "--truth", fa + ".truth.tsv"],
                   check=True, capture_output=True)
    args = ["-m", "demo", "--fasta-records", fa, "--references", "8", "--seed", "3", "--target", "profile"]
    outs = []
    for t in (1, 2):
        d = os.path.join(tmp, f"threads{t}")
        os.makedirs(d)
        r = attribute(["-t", str(t)] + args + ["-o", "out.s2f"], cwd=d)
        check(r.returncode == 0, f"-t {t} run exits 0 ({r.stderr.strip()[-200:]})")
        gap = summary_gap(r.stderr)
        check(gap is not None and gap <= TOL, f"-t {t}, 8 dinucleotide shuffles: summation-to-delta gap {gap} <= {TOL}")
        p = os.path.join(d, "out.s2f")
        outs.append(open(p, "rb").read() if os.path.exists(p) else b"")
    check(len(outs[0]) > 1000 and outs[0] == outs[1],
          "-t 1 and -t 2 write the same bytes (dinucleotide shuffles, seed 3)")

    enc = os.path.join(tmp, "det.windows.s2f")
    run("s2f-encode", "-q", "-L", "500", "--fasta-records", fa, "-o", enc, check=True)
    whole = os.path.join(tmp, "whole.s2f")
    r = attribute(["-q", "-m", "demo", enc, "--references", "8", "--seed", "3", "--target", "counts", "-o", whole])
    parts = []
    for k in (1, 2):
        parts.append(os.path.join(tmp, f"shard{k}.s2f"))
        rk = attribute(["-q", "-m", "demo", enc, "--references", "8", "--seed", "3", "--target", "counts",
                        "--shard", f"{k}/2", "-o", parts[-1]])
        check(rk.returncode == 0, f"--shard {k}/2 exits 0 ({rk.stderr.strip()[-200:]})")
    if r.returncode != 0 or not all(os.path.exists(p) for p in parts):
        check(False, "sharded and unsharded runs all exit 0")
        return
    w = read(whole)[2]
    slices = [read(p)[2] for p in parts]
    same = all(np.array_equal(np.concatenate([s[k] for s in slices]), w[k]) if isinstance(w[k], np.ndarray)
               else sum((list(s[k]) for s in slices), []) == list(w[k]) for k in w)
    check(len(slices[0]["id"]) > 0 and len(slices[1]["id"]) > 0 and same,
          "--shard 1/2 and 2/2 are disjoint, non-empty and joined equal the unsharded stream (every field)")


def check_softmax_and_errors(tmp):
    model = export_module(SoftmaxInside(), os.path.join(tmp, "softmax_inside.s2fm"), 50, ["out"])
    seqs = random_seqs(2, 50)
    fa = write_fasta(os.path.join(tmp, "sm.fa"), seqs)
    refs = os.path.join(tmp, "sm.refs.npy")
    np.save(refs, random_references(4, 50))
    out = os.path.join(tmp, "sm.s2f")
    r = attribute(["-m", model, "--fasta-records", fa, "--reference-file", refs, "--target", "out:0", "-o", out])
    check(r.returncode != 0 and "softmax" in r.stderr.lower() and not os.path.exists(out),
          f"deepshap refuses a softmax inside the network, naming it, and writes nothing ({r.stderr.strip()[:160]})")
    r = attribute(["-m", model, "--fasta-records", fa, "--method", "grad", "--target", "out:0", "-o", out])
    if check(r.returncode == 0, "grad through a softmax inside the network exits 0"):
        graph = ref.load_model(model)
        net, target = ref.Network(graph), ref.Target(graph, "out:0")
        want = np.stack([ref.attribute(net, target, ref.one_hot(s), method="grad")["hyp"] for s in seqs])
        e = rel_err(read(out)[2]["contrib"], want)
        check(e <= TOL, f"grad through the softmax = its exact Jacobian in the reference (rel {e:.1e})")

    demo_fa = write_fasta(os.path.join(tmp, "short.fa"), random_seqs(1, 500))
    bad = os.path.join(tmp, "bad_refs.npy")
    np.save(bad, np.zeros((4, 499, 4), np.float32))  # one position short of the model
    for args, what in (
            (["--reference-file", bad], "references of the wrong length"),
            (["--reference-file", os.path.join(tmp, "missing.npy")], "a missing reference file"),
            (["--target", "nohead"], "a target head the model does not have"),
            (["--method", "bogus"], "an unknown method")):
        out = os.path.join(tmp, "err.s2f")
        base = ["-m", "demo", "--fasta-records", demo_fa] + ([] if "--target" in args else ["--target", "counts"])
        r = attribute(base + args + ["-o", out])
        check(r.returncode != 0 and "s2f-attribute" in r.stderr and not os.path.exists(out),
              f"{what}: non-zero exit, a message, no output ({r.stderr.strip()[:160]})")


def main():
    if not os.path.exists(ATTR):
        print(f"skip: {ATTR} is not built yet")
        return SKIP
    torch.set_num_threads(2)
    with temp_dir("s2f-attribute-") as tmp:
        r = run("s2f-attribute", "--help")
        text = r.stdout + r.stderr
        check(r.returncode == 0 and "s2f-attribute" in text and "example" in text.lower(),
              "--help exits 0 with an example")
        for case in models(tmp):
            check_against_reference(tmp, *case)
        check_determinism(tmp)
        check_softmax_and_errors(tmp)
    finish()


if __name__ == "__main__":
    sys.exit(main())
