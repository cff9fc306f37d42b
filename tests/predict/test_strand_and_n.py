"""What s2f cannot know, it asks: the strand pairing --rc needs, and the
one-hot value of an N.

--rc mean|max on a profile head of several tracks needs to know which
tracks are the + and - strands of one signal. With no pairing from
--strand-pairs, the catalog or the model file, s2f-predict stops naming the
three ways; with one, the result equals (forward + flipped, strand-swapped
reverse-complement pass) / 2 (or the max) of an independent pass: the numpy
Keras pass for a Keras stand-in, PyTorch for a bpnet-lite stand-in (whose
exporter records the pairing).

The N value: a model file that records 0 (bpnet-lite export, Keras import)
gives all-zero N rows; --n-value overrides; a model that records nothing
runs windows without N and stops at the first window with one, naming
--n-value (s2f-predict, s2f-ism, s2f-marginalize, --exec); the value used
is in meta.model.
"""
import json
import os

import numpy as np
import torch

import bpnet_lite
import bpnet_reference
import keras_reference
import layer_cases
import s2f_stream
from s2f_testing import PYTHON, check, finish, run, source_path, temp_dir, write_sequence_windows

EXPORT = source_path("formats", "python", "s2f_model_export.py")
ADAPTER = source_path("formats", "python", "torch_adapter.py")
RNG = np.random.default_rng(1616)
RC_TOL = 1e-5
TOL = 1e-4
THREE_WAYS = ["--strand-pairs", "catalog", "strand column", "model file"]


def windows(n, length, n_run=0):
    """Random windows; with n_run > 0, each has a run of N of that length
    (and the last one a padded N end), as windows at contig ends have."""
    out = []
    for i in range(n):
        s = list(RNG.choice(list("ACGT"), length))
        if n_run:
            at = int(RNG.integers(0, length - n_run))
            s[at:at + n_run] = "N" * n_run
            if i == n - 1:
                s[-n_run:] = "N" * n_run
        out.append("".join(s))
    return out


def one_hot(seqs, n_value):
    """(N, L, 4) A C G T; any other base `n_value` in every channel."""
    codes = np.frombuffer("".join(seqs).encode(), np.uint8).reshape(len(seqs), -1)
    x = np.stack([(codes == ord(b)).astype(np.float32) for b in "ACGT"], axis=-1)
    x[~np.isin(codes, np.frombuffer(b"ACGT", np.uint8))] = n_value
    return x


def reverse_complement(x):
    """(N, L, 4) A C G T: positions reversed, A<->T and C<->G (the channels reversed)."""
    return x[:, ::-1, ::-1].copy()


def predict(tmp, name, *args):
    """(returncode, stderr, predictions by head or None, meta or None) of s2f-predict -o tmp/name.s2f."""
    out = os.path.join(tmp, name + ".s2f")
    r = run("s2f-predict", "-q", "-o", out, *args)
    if r.returncode != 0:
        return r.returncode, r.stderr, None, None
    s = s2f_stream.read(out)
    return 0, r.stderr, s.read_all(), s.meta


def close(got, want, tol):
    return got is not None and got.shape == want.shape and float(np.max(np.abs(got - want))) <= tol


def combine(fwd, rev, partner, mode, profile):
    """Independent --rc: the reverse pass's tracks swapped to their partners,
    profiles flipped back along the sequence, then mean or max."""
    r = rev[:, partner]
    if profile:
        r = r[:, :, ::-1]
    return 0.5 * (fwd + r) if mode == "mean" else np.maximum(fwd, r)


# ---- stand-ins ------------------------------------------------------------------

def write_keras_stranded(path, length):
    """A stranded BPNet-like Keras model: a 2-track profile head (+, -) and a
    2-track scalar count head."""
    kl, cfg = layer_cases.keras_layer, layer_cases.conv_cfg
    w = lambda *s: RNG.normal(0, 0.3, s)
    layers = [kl("InputLayer", "seq", [], batch_input_shape=[None, length, 4], dtype="float32"),
              kl("Conv1D", "c1", ["seq"], **cfg(8, 7, "same", activation="relu")),
              kl("Conv1D", "c2", ["c1"], **cfg(8, 3, dilation=2, activation="relu")),
              kl("Cropping1D", "crop", ["c2"], cropping=[10, 10]),
              kl("Conv1D", "profile", ["crop"], **cfg(2, 5, "same", activation="linear")),
              kl("GlobalAveragePooling1D", "pool", ["c2"], data_format="channels_last"),
              kl("Dense", "counts", ["pool"], units=2, activation="linear", use_bias=True)]
    weights = {"c1": {"kernel": w(7, 4, 8), "bias": w(8)}, "c2": {"kernel": w(3, 8, 8), "bias": w(8)},
               "profile": {"kernel": w(5, 8, 2), "bias": w(2)}, "counts": {"kernel": w(8, 2), "bias": w(2)}}
    layer_cases.write_keras(path, layers, ["profile", "counts"], weights)


def keras_pass(path, x):
    """The numpy Keras pass as s2f reports heads: (N, tracks, bins)."""
    return {k: keras_reference.as_head(v) for k, v in keras_reference.forward(path, x).items()}


BPNET = {"n_filters": 8, "n_layers": 5, "n_outputs": 2, "n_control_tracks": 0, "trimming": 60}
BPNET_L = 260


def bpnet_stand_in(tmp):
    """A bpnet-lite BPNet with random weights, saved as a state_dict and
    exported with the exporter's bpnet-lite command."""
    torch.manual_seed(16)
    model = bpnet_lite.BPNet(**BPNET)
    for p in model.parameters():
        p.data.normal_(0, 0.1)
    sd_path = os.path.join(tmp, "bp.state_dict.pt")
    torch.save(model.state_dict(), sd_path)
    hp_path = os.path.join(tmp, "bp.hparams.json")
    with open(hp_path, "w") as f:
        json.dump(BPNET, f)
    out = os.path.join(tmp, "bp.s2fm")
    r = run_export("bpnet-lite", "--model", sd_path, "--hparams", hp_path, "--input-length", BPNET_L, "-o", out)
    check(r.returncode == 0, f"bpnet-lite stand-in exports ({r.stderr.strip()[-300:]})")
    return out, model.state_dict()


def bpnet_pass(sd, x):
    """PyTorch forward of the stand-in's weights (tests/engine/bpnet_reference.py): (profile, counts)."""
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 2, 1)))
    with torch.no_grad():
        p, c = bpnet_reference.reference_forward(sd, BPNET, xt)
    return p.numpy().astype(np.float64), c.numpy()[:, :, None].astype(np.float64)


def run_export(*args):
    import subprocess
    return subprocess.run([PYTHON, EXPORT, *map(str, args)], capture_output=True, text=True, timeout=300)


# ---- strand pairing --------------------------------------------------------------

def test_keras_strands(tmp):
    L = 120
    path = os.path.join(tmp, "stranded.h5")
    write_keras_stranded(path, L)
    seqs = windows(5, L)
    stream = os.path.join(tmp, "in_k.s2f")
    x = write_sequence_windows(stream, seqs)
    fwd, rev = keras_pass(path, x), keras_pass(path, reverse_complement(x))

    code, err, got, _ = predict(tmp, "k_nopair", "-m", path, "--rc", "mean", stream)
    check(code != 0 and all(w in err for w in THREE_WAYS) and "'profile' (2 tracks)" in err
          and not os.path.exists(os.path.join(tmp, "k_nopair.s2f")),
          "Keras: --rc mean on a 2-track profile head without pairing exits non-zero naming the three ways, "
          "no output")
    code, err, got, _ = predict(tmp, "k_norc", "-m", path, stream)
    check(code == 0 and close(got["profile"], fwd["profile"], TOL), "Keras: without --rc no pairing is needed")

    for mode in ("mean", "max"):
        code, err, got, meta = predict(tmp, f"k_opt_{mode}", "-m", path, "--rc", mode,
                                       "--strand-pairs", "profile:0-1", stream)
        want_p = combine(fwd["profile"], rev["profile"], [1, 0], mode, True)
        want_c = combine(fwd["counts"], rev["counts"], [0, 1], mode, False)
        check(code == 0 and close(got["profile"], want_p, RC_TOL) and close(got["counts"], want_c, RC_TOL),
              f"Keras: --rc {mode} --strand-pairs profile:0-1 equals the numpy pass, reverse flipped and swapped "
              f"(scalar head without pairing combined unswapped) ({err.strip()[-200:]})")
        if meta:
            heads = {h["name"]: h for h in meta["rc"]["heads"]}
            check(meta["rc"]["mode"] == mode and heads["profile"]["strand_pairs"] == [[0, 1]]
                  and heads["profile"]["from"] == "--strand-pairs" and heads["counts"]["strand_pairs"] == []
                  and "scalar" in heads["counts"]["from"],
                  f"--rc {mode}: the pairing used and where it came from are in meta.rc")

    unswapped = combine(fwd["profile"], rev["profile"], [0, 1], "mean", True)
    swapped = combine(fwd["profile"], rev["profile"], [1, 0], "mean", True)
    check(float(np.max(np.abs(unswapped - swapped))) > 100 * RC_TOL,
          "(negative control: averaging the strands unswapped gives other numbers)")
    code, err, got, _ = predict(tmp, "k_both", "-m", path, "--rc", "mean", "--strand-pairs", "profile:0-1",
                                "--strand-pairs", "counts:0-1", stream)
    check(code == 0 and close(got["counts"], combine(fwd["counts"], rev["counts"], [1, 0], "mean", False), RC_TOL),
          "a scalar head given a pairing is swapped by it")

    # The catalog: a strand column and one track_name per signal; or a strand_pair key.
    cat = os.path.join(tmp, "k.tracks.tsv")
    with open(cat, "w") as f:
        f.write("track_index\ttrack_name\toutput_type\tstrand\n"
                "0\tTF ChIP\tprofile\t+\n1\tTF ChIP\tprofile\t-\n0\tTF ChIP\tcounts\t+\n1\tTF ChIP\tcounts\t-\n")
    code, err, got, meta = predict(tmp, "k_cat", "-m", path, "--catalog", cat, "--rc", "mean", stream)
    check(code == 0 and close(got["profile"], combine(fwd["profile"], rev["profile"], [1, 0], "mean", True), RC_TOL)
          and close(got["counts"], combine(fwd["counts"], rev["counts"], [1, 0], "mean", False), RC_TOL)
          and meta["rc"]["heads"][0]["from"] == "track catalog",
          "a catalog with a strand column pairs + and - tracks of one track_name (profile and counts)")
    keyed = os.path.join(tmp, "keyed.tracks.tsv")
    with open(keyed, "w") as f:
        f.write("track_index\ttrack_name\toutput_type\tstrand\tstrand_pair\n"
                "0\tTF plus\tprofile\t+\ttf\n1\tTF minus\tprofile\t-\ttf\n0\tc\tcounts\t.\t\n1\td\tcounts\t.\t\n")
    code, err, got, _ = predict(tmp, "k_key", "-m", path, "--catalog", keyed, "--rc", "mean", stream)
    check(code == 0 and close(got["profile"], combine(fwd["profile"], rev["profile"], [1, 0], "mean", True), RC_TOL),
          "a strand_pair column pairs tracks whose names differ")
    named = os.path.join(tmp, "named.tracks.tsv")
    with open(named, "w") as f:
        f.write("track_index\ttrack_name\toutput_type\tstrand\n"
                "0\tTF plus\tprofile\t+\n1\tTF minus\tprofile\t-\n0\tc\tcounts\t.\n1\td\tcounts\t.\n")
    code, err, _, _ = predict(tmp, "k_named", "-m", path, "--catalog", named, "--rc", "mean", stream)
    check(code == 1 and "no - track shares its pairing key 'TF plus'" in err and "named.tracks.tsv:2" in err
          and "strand_pair" in err,
          "+ and - tracks that share no pairing key (the silent case of old): an error naming file:line")
    unstranded = os.path.join(tmp, "nostrand.tracks.tsv")
    with open(unstranded, "w") as f:
        f.write("track_index\ttrack_name\toutput_type\n0\ta\tprofile\n1\tb\tprofile\n0\tc\tcounts\n1\td\tcounts\n")
    code, err, _, _ = predict(tmp, "k_nostrand", "-m", path, "--catalog", unstranded, "--rc", "mean", stream)
    check(code != 0 and all(w in err for w in THREE_WAYS), "a catalog without a strand column says nothing")
    code, err, _, _ = predict(tmp, "k_bad", "-m", path, "--rc", "mean", "--strand-pairs", "profile:0-2", stream)
    check(code == 2 and "has 2 tracks" in err, "--strand-pairs naming a channel the head lacks: usage error")
    code, err, _, _ = predict(tmp, "k_bad2", "-m", path, "--rc", "mean", "--strand-pairs", "profil:0-1", stream)
    check(code == 2 and "profil" in err and "heads: profile, counts" in err, "--strand-pairs naming no head")
    code, err, _, _ = predict(tmp, "k_bad3", "-m", path, "--strand-pairs", "profile:0-1", stream)
    check(code == 2 and "--rc" in err, "--strand-pairs without --rc is a usage error")

    # --heads counts: a scalar head needs no pairing; single-track heads neither.
    code, err, got, meta = predict(tmp, "k_counts", "-m", path, "--rc", "mean", "--heads", "counts", stream)
    check(code == 0 and close(got["counts"], combine(fwd["counts"], rev["counts"], [0, 1], "mean", False), RC_TOL),
          "--rc on a scalar head alone needs no pairing")
    code, err, got, meta = predict(tmp, "k_one", "-m", path, "--rc", "mean", "--heads", "profile",
                                   "--strand-pairs", "profile:none", stream)
    check(code == 0 and close(got["profile"], combine(fwd["profile"], rev["profile"], [0, 1], "mean", True), RC_TOL)
          and meta["rc"]["heads"][0]["strand_pairs"] == [],
          "--strand-pairs profile:none: every track its own partner")


def test_bpnet_strands(tmp, model_path, sd):
    seqs = windows(4, BPNET_L)
    stream = os.path.join(tmp, "in_bp.s2f")
    x = write_sequence_windows(stream, seqs)
    fp, fc = bpnet_pass(sd, x)
    rp, rc = bpnet_pass(sd, reverse_complement(x))
    info = json.loads(run("s2f-model-info", "--json", model_path).stdout)
    check([o["strand_pairs"] for o in info["outputs"]] == [[[0, 1]], []],
          "the bpnet-lite exporter records the profile's (+, -) pair (and the count head's none)")
    for mode in ("mean", "max"):
        code, err, got, meta = predict(tmp, f"bp_{mode}", "-m", model_path, "--rc", mode, stream)
        check(code == 0 and close(got["profile"], combine(fp, rp, [1, 0], mode, True), RC_TOL)
              and close(got["counts"], combine(fc, rc, [0], mode, False), RC_TOL)
              and meta["rc"]["heads"][0] == {"name": "profile", "strand_pairs": [[0, 1]], "from": "model"},
              f"bpnet-lite: --rc {mode} with the pairing the model records equals PyTorch (forward + flipped, "
              f"swapped reverse) ({err.strip()[-200:]})")
    cat = os.path.join(tmp, "bp_wrong.tracks.tsv")
    with open(cat, "w") as f:
        f.write("track_index\ttrack_name\toutput_type\tstrand\n0\ta\tprofile\t.\n1\tb\tprofile\t.\n0\tc\tcounts\t.\n")
    code, err, _, _ = predict(tmp, "bp_conflict", "-m", model_path, "--catalog", cat, "--rc", "mean", stream)
    check(code == 1 and "the model records 0-1" in err and "--strand-pairs profile:0-1" in err,
          "a catalog that contradicts the model's record is an error, not a choice")


def test_exec_strands(tmp):
    module = os.path.join(tmp, "tiny.py")
    with open(module, "w") as f:
        f.write("import torch\nclass Tiny(torch.nn.Module):\n"
                "    def __init__(self):\n        super().__init__()\n        torch.manual_seed(5)\n"
                "        self.conv = torch.nn.Conv1d(4, 2, 5, padding=2)\n"
                "    def forward(self, x):\n        return self.conv(x)\n")
    stream = os.path.join(tmp, "in_e.s2f")
    write_sequence_windows(stream, windows(3, 40))
    cmd = f"{PYTHON} {ADAPTER} --module {module} --class Tiny --heads profile"
    code, err, _, _ = predict(tmp, "e_nopair", "--exec", cmd, "--rc", "mean", stream)
    check(code != 0 and all(w in err for w in THREE_WAYS), "--exec: --rc without pairing stops the same way")
    code, err, got, meta = predict(tmp, "e_pair", "--exec", cmd, "--rc", "mean", "--strand-pairs", "profile:0-1",
                                   stream)
    check(code == 0 and meta["rc"]["heads"][0]["strand_pairs"] == [[0, 1]], "--exec: --strand-pairs is used")
    code, err, got, meta = predict(tmp, "e_decl", "--exec", cmd + " --strand-pairs profile:0-1", "--rc", "mean",
                                   stream)
    check(code == 0 and meta["rc"]["heads"][0] == {"name": "profile", "strand_pairs": [[0, 1]], "from": "model"},
          "--exec: a plug-in that declares its strand pairs (meta.geometry.heads) needs nothing more")


# ---- N encoding ------------------------------------------------------------------

def test_bpnet_n(tmp, model_path, sd):
    seqs = windows(4, BPNET_L, n_run=40)
    stream = os.path.join(tmp, "in_bpn.s2f")
    write_sequence_windows(stream, seqs)
    info = json.loads(run("s2f-model-info", "--json", model_path).stdout)
    check(info["input"]["n_value"] == 0, "the bpnet-lite exporter records N as 0 (input.n_value)")
    code, err, got, meta = predict(tmp, "bpn", "-m", model_path, stream)
    p0, c0 = bpnet_pass(sd, one_hot(seqs, 0.0))
    check(code == 0 and close(got["profile"], p0, TOL) and close(got["counts"], c0, TOL)
          and meta["model"]["n_value"] == 0 and meta["model"]["n_value_from"] == "model file",
          "a model recording 0: N rows all zero (equals PyTorch with zero rows); meta.model says 0, from the file")
    p25, c25 = bpnet_pass(sd, one_hot(seqs, 0.25))
    check(float(np.max(np.abs(c25 - c0))) > 10 * TOL, "(the N encoding changes this model's outputs)")
    code, err, got, meta = predict(tmp, "bpn25", "-m", model_path, "--n-value", "0.25", stream)
    check(code == 0 and close(got["counts"], c25, TOL) and close(got["profile"], p25, TOL)
          and meta["model"]["n_value"] == 0.25 and meta["model"]["n_value_from"] == "--n-value",
          "--n-value 0.25 overrides the model's 0, and the header says so")


def test_keras_n(tmp):
    L = 120
    path = os.path.join(tmp, "stranded_n.h5")
    write_keras_stranded(path, L)
    seqs = windows(3, L, n_run=25)
    stream = os.path.join(tmp, "in_kn.s2f")
    write_sequence_windows(stream, seqs)
    code, err, got, meta = predict(tmp, "kn", "-m", path, stream)
    want = keras_pass(path, one_hot(seqs, 0.0))
    check(code == 0 and close(got["counts"], want["counts"], TOL) and close(got["profile"], want["profile"], TOL)
          and meta["model"]["n_value"] == 0 and meta["model"]["n_value_from"] == "Keras import",
          "a Keras model is read as trained with all-zero N rows (the numpy pass with zero rows)")
    quarter = keras_pass(path, one_hot(seqs, 0.25))
    check(float(np.max(np.abs(quarter["counts"] - want["counts"]))) > 10 * TOL,
          "(negative control: 0.25 rows give this model other numbers)")


def test_unrecorded_n(tmp):
    """A torch module exported without --n-value records none."""
    src = os.path.join(tmp, "small.py")
    with open(src, "w") as f:
        f.write("import torch\nclass Small(torch.nn.Module):\n"
                "    def __init__(self):\n        super().__init__()\n        torch.manual_seed(2)\n"
                "        self.conv = torch.nn.Conv1d(4, 3, 9, padding=4)\n        self.lin = torch.nn.Linear(3, 1)\n"
                "    def forward(self, x):\n        h = torch.relu(self.conv(x))\n"
                "        return h, self.lin(h.mean(dim=2))\n")
    import importlib.util
    spec = importlib.util.spec_from_file_location("small", src)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.Small().eval()
    sd = os.path.join(tmp, "small.pt")
    torch.save(model.state_dict(), sd)
    out = os.path.join(tmp, "small.s2fm")
    r = run_export("module", "--python-file", src, "--class", "Small", "--state-dict", sd, "--input-length", 60,
                   "--heads", "profile", "counts", "-o", out)
    check(r.returncode == 0 and "no N value recorded" in r.stderr, "module export without --n-value says so")
    clean, with_n = os.path.join(tmp, "clean.s2f"), os.path.join(tmp, "withn.s2f")
    write_sequence_windows(clean, windows(3, 60))
    seqs = windows(3, 60, n_run=5)
    seqs[0] = windows(1, 60)[0]  # the first window is clean: the error names the second
    write_sequence_windows(with_n, seqs)
    code, err, got, meta = predict(tmp, "u_clean", "-m", out, clean)
    check(code == 0 and meta["model"]["n_value"] is None, "no recorded value: windows without N run; n_value null")
    code, err, _, _ = predict(tmp, "u_n", "-m", out, with_n)
    check(code == 2 and "--n-value 0" in err and "'w1'" in err and "record 2" in err
          and not os.path.exists(os.path.join(tmp, "u_n.s2f")),
          "no recorded value and an N: the run stops at that window naming --n-value, no output")
    code, err, got, meta = predict(tmp, "u_n0", "-m", out, "--n-value", "0", with_n)
    with torch.no_grad():
        want = model(torch.from_numpy(np.ascontiguousarray(one_hot(seqs, 0.0).transpose(0, 2, 1))))[1].numpy()
    check(code == 0 and close(got["counts"], want[:, :, None], TOL) and meta["model"]["n_value"] == 0,
          "--n-value 0 runs it: equals PyTorch with zero rows")
    r = run("s2f-ism", "-q", "-m", out, "--start", "10", "--end", "12", "-o", os.path.join(tmp, "ism.s2f"), with_n)
    check(r.returncode == 2 and "--n-value" in r.stderr and "'w1'" in r.stderr, "s2f-ism asks the same way")
    r = run("s2f-ism", "-q", "-m", out, "--start", "10", "--end", "12", "--n-value", "0.25",
            "-o", os.path.join(tmp, "ism.s2f"), with_n)
    check(r.returncode == 0 and s2f_stream.read(os.path.join(tmp, "ism.s2f")).meta["model"]["n_value"] == 0.25,
          "s2f-ism --n-value: header records it")
    r = run("s2f-marginalize", "-q", "-m", out, "--motif", "GATA", "-o", os.path.join(tmp, "m.s2f"), with_n)
    check(r.returncode == 2 and "--n-value" in r.stderr and "background 2" in r.stderr,
          "s2f-marginalize asks the same way")

    # --exec: s2f passes --n-value on; the plug-in declares what it used.
    cmd = f"{PYTHON} {ADAPTER} --module {src} --class Small --state-dict {sd} --heads profile,counts"
    code, err, _, _ = predict(tmp, "x_n", "--exec", cmd, with_n)
    check(code != 0 and "--n-value" in err, "--exec model that declares no N value: an N window is an error")
    code, err, got, meta = predict(tmp, "x_n0", "--exec", cmd, "--n-value", "0", with_n)
    check(code == 0 and close(got["counts"], want[:, :, None], TOL) and meta["model"]["n_value"] == 0
          and meta["model"]["n_value_from"] == "--n-value",
          "--exec: --n-value reaches the plug-in, which declares it back")
    r = run("s2f-ism", "-q", "--exec", cmd, "--n-value", "0", "--start", "3", "--end", "4",
            "-o", os.path.join(tmp, "xism.s2f"), with_n)
    check(r.returncode == 0 and s2f_stream.read(os.path.join(tmp, "xism.s2f")).meta["model"]["n_value"] == 0,
          "s2f-ism --exec passes --n-value on the same way and records it")
    r = run("s2f-ism", "-q", "--exec", cmd, "--start", "3", "--end", "4", "-o", os.path.join(tmp, "xism2.s2f"), with_n)
    check(r.returncode != 0 and "--n-value" in r.stderr, "s2f-ism --exec with no N value: an N window is an error")
    code, err, got, meta = predict(tmp, "x_decl", "--exec", cmd + " --n-value 0", with_n)
    check(code == 0 and close(got["counts"], want[:, :, None], TOL) and meta["model"]["n_value_from"] == "--exec model",
          "--exec: a plug-in declaring its training's value is used")
    deaf = os.path.join(tmp, "deaf.py")  # a plug-in that declares 0 whatever it is asked
    with open(deaf, "w") as f:
        f.write("import sys, numpy as np, s2f_stream\n"
                "src = s2f_stream.read(sys.stdin.buffer)\n"
                "ident = [f for f in src.schema if f['name'] != 'seq']\n"
                "w = s2f_stream.Writer(sys.stdout.buffer, 'tensors', ident + [{'name': 'counts', 'dtype': 'f32', "
                "'shape': [1, 1]}], {'n_value': 0})\n"
                "for b in src:\n"
                "    rec = {f['name']: b[f['name']] for f in ident}\n"
                "    rec['counts'] = np.zeros((len(b['id']), 1, 1), np.float32)\n"
                "    w.write_batch(rec)\n"
                "w.close()\n")
    code, err, _, _ = predict(tmp, "x_clash", "--exec", f"{PYTHON} {deaf}", "--n-value", "0.25", with_n)
    check(code == 1 and "asked the --exec model for --n-value 0.25" in err and "encoded N as 0" in err,
          "--exec: a plug-in that does not honour --n-value is refused")


def main():
    with temp_dir("s2f-strand-n-") as tmp:
        test_keras_strands(tmp)
        model_path, sd = bpnet_stand_in(tmp)
        test_bpnet_strands(tmp, model_path, sd)
        test_exec_strands(tmp)
        test_bpnet_n(tmp, model_path, sd)
        test_keras_n(tmp)
        test_unrecorded_n(tmp)
    finish()


if __name__ == "__main__":
    main()
