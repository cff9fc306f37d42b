"""Every shipped model form of formats/MODELS.md, each on a small stand-in
built here, run with the document's command and checked against an
independent forward pass (PyTorch, or the numpy Keras pass of
tests/engine/keras_reference.py) to 1e-4:

  s2f model file from an fx-traceable torch module (s2f_model_export.py module)
  Keras .h5, fixed input length
  Keras .h5, free input length (--input-length, or the windows' length)
  Keras architecture JSON + weights-only .h5 (--weights)
  bpnet-lite state_dict (with hparams, without, hparams without trimming)
  bpnet-lite whole pickled module (torch.save(model); no bpnet-lite installed)
  bpnet-lite with control tracks (exported with the control input at zeros)

and the error cases: a free length with no length, a length the model
cannot take, a JSON without --weights, a missing weights file, bad hparams;
exporter errors are one line without a traceback.
"""
import io
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import torch

import bpnet_lite
import bpnet_reference
import keras_reference
import layer_cases
import s2f_stream
from s2f_testing import PYTHON, check, finish, run, source_path, temp_dir, write_sequence_windows

EXPORT = source_path("formats", "python", "s2f_model_export.py")
TOL = 1e-4
RNG = np.random.default_rng(16)


def windows(n, length):
    return ["".join(RNG.choice(list("ACGT"), length)) for _ in range(n)]


def predict(tmp, name, *args):
    """s2f-predict -o tmp/name.s2f ARGS; the predictions by head, and meta.model."""
    out = os.path.join(tmp, name + ".s2f")
    r = run("s2f-predict", "-q", "-o", out, *args)
    if r.returncode != 0:
        print(r.stderr, file=sys.stderr)
        return None, None
    s = s2f_stream.read(out)
    return s.read_all(), s.meta["model"]


def close(got, want):
    return got is not None and got.shape == want.shape and float(np.max(np.abs(got - want))) <= TOL


def export(*args):
    return subprocess.run([PYTHON, EXPORT, *map(str, args)], capture_output=True, text=True, timeout=300)


def one_line_error(r, words):
    """An exporter failure: exit 1, one line on stderr naming `words`, no traceback."""
    lines = r.stderr.strip().splitlines()
    return (r.returncode == 1 and len(lines) == 1 and "Traceback" not in r.stderr
            and lines[0].startswith("s2f_model_export: error:") and all(w in lines[0] for w in words))


def keras_heads(path, x):
    """The numpy Keras pass as s2f reports heads: (N, tracks, bins)."""
    ys = keras_reference.forward(path, x)
    return {k: (v.transpose(0, 2, 1) if v.ndim == 3 else v[:, :, None]) for k, v in ys.items()}


# ---- Keras stand-ins --------------------------------------------------------

def write_keras_model(path, length):
    """A fully convolutional profile head (same, dilated valid, crop) and a
    count head through a strided 'same' conv, whose padding depends on the
    length's parity; `length` None is a free-length Input (None, None, 4)."""
    kl, cfg = layer_cases.keras_layer, layer_cases.conv_cfg
    w = lambda *s: RNG.normal(0, 0.3, s)
    layers = [kl("InputLayer", "seq", [], batch_input_shape=[None, length, 4], dtype="float32"),
              kl("Conv1D", "c1", ["seq"], **cfg(8, 5, "same", activation="relu")),
              kl("Conv1D", "c2", ["c1"], **cfg(8, 3, dilation=2, activation="relu")),
              kl("Cropping1D", "crop", ["c2"], cropping=[20, 20]),
              kl("Conv1D", "profile", ["crop"], **cfg(3, 1, activation="linear")),
              kl("Conv1D", "strided", ["c1"], **cfg(4, 4, "same", stride=2, activation="relu")),
              kl("GlobalAveragePooling1D", "pool", ["strided"], data_format="channels_last"),
              kl("Dense", "counts", ["pool"], units=2, activation="linear", use_bias=True)]
    weights = {"c1": {"kernel": w(5, 4, 8), "bias": w(8)}, "c2": {"kernel": w(3, 8, 8), "bias": w(8)},
               "profile": {"kernel": w(1, 8, 3), "bias": w(3)}, "strided": {"kernel": w(4, 8, 4), "bias": w(4)},
               "counts": {"kernel": w(4, 2), "bias": w(2)}}
    layer_cases.write_keras(path, layers, ["profile", "counts"], weights)


def split_keras(full, arch_json, weights_h5):
    """What model.to_json() and model.save_weights('w.h5') write for the
    model saved whole in `full`: the model_config text, and the
    model_weights groups at the root of a weights-only file."""
    with h5py.File(full, "r") as f:
        config = json.loads(f.attrs["model_config"])
        config.update(keras_version="2.4.0", backend="tensorflow")
        with open(arch_json, "w") as out:
            json.dump(config, out)
        with h5py.File(weights_h5, "w") as w:
            for k, v in f["model_weights"].attrs.items():
                w.attrs[k] = v
            w.attrs["keras_version"] = b"2.4.0"
            w.attrs["backend"] = b"tensorflow"
            for name in f["model_weights"]:
                f.copy(f["model_weights"][name], w, name=name)


def test_keras_fixed(tmp):
    path = os.path.join(tmp, "fixed.h5")
    write_keras_model(path, 100)
    stream = os.path.join(tmp, "w100.s2f")
    x = write_sequence_windows(stream, windows(5, 100))
    got, _ = predict(tmp, "fixed", "-m", path, stream)
    want = keras_heads(path, x)
    check(got is not None and close(got["profile"], want["profile"]) and close(got["counts"], want["counts"]),
          "Keras .h5, fixed length: s2f-predict -m model.h5 equals the numpy Keras pass")
    r = run("s2f-predict", "-q", "-m", path, "--input-length", "120", "-o", os.path.join(tmp, "x.s2f"), stream)
    check(r.returncode == 1 and "takes 100-bp inputs, not 120" in r.stderr and "leave --input-length out" in r.stderr,
          "--input-length on a fixed-length model that disagrees is an error saying to leave it out")
    return path


def test_keras_free(tmp):
    path = os.path.join(tmp, "free.h5")
    write_keras_model(path, None)
    info = run("s2f-model-info", path)
    check(info.returncode == 0 and "free length" in info.stdout and "--input-length N" in info.stdout,
          "s2f-model-info on a free-length model says the length is free and how to give one")
    j = run("s2f-model-info", "--json", path)
    check(j.returncode == 0 and json.loads(j.stdout)["input"] == {"free": True, "length": None},
          "s2f-model-info --json: input length null, free")
    j = run("s2f-model-info", "--json", "--input-length", "101", path)
    summary = json.loads(j.stdout) if j.returncode == 0 else {}
    check(summary.get("input", {}).get("length") == 101 and summary["input"].get("free") is True
          and summary["outputs"][0]["bins"] == 101 - 4 - 40,
          "s2f-model-info --input-length 101 shows the layers at 101 bp")
    r = run("s2f-model-info", "--save", os.path.join(tmp, "free.s2fm"), path)
    check(r.returncode == 2 and "--input-length" in r.stderr, "--save of a free-length model needs a length")

    # The windows' length; odd and even lengths change the strided conv's padding.
    for length in (120, 121):
        stream = os.path.join(tmp, f"w{length}.s2f")
        x = write_sequence_windows(stream, windows(4, length))
        got, model = predict(tmp, f"free{length}", "-m", path, stream)
        want = keras_heads(path, x)
        check(got is not None and close(got["profile"], want["profile"]) and close(got["counts"], want["counts"])
              and model["input_length"] == length and model.get("input_length_free") is True,
              f"Keras .h5, free length: runs at the windows' length ({length} bp), equals the numpy Keras pass")
    got, _ = predict(tmp, "free_given", "-m", path, "--input-length", "121", os.path.join(tmp, "w121.s2f"))
    check(got is not None and close(got["counts"], keras_heads(path, x)["counts"]),
          "--input-length equal to the windows' length")
    r = run("s2f-predict", "-q", "-m", path, "--input-length", "120", "-o", os.path.join(tmp, "x.s2f"),
            os.path.join(tmp, "w121.s2f"))
    check(r.returncode == 1 and "121 bp but the model takes 120 bp" in r.stderr,
          "windows of another length than --input-length: an error naming both")
    short = os.path.join(tmp, "w30.s2f")
    write_sequence_windows(short, windows(2, 30))
    r = run("s2f-predict", "-q", "-m", path, "-o", os.path.join(tmp, "x.s2f"), short)
    check(r.returncode == 1 and "cannot run at 30 bp" in r.stderr and "crop" in r.stderr,
          "a length the model cannot take (its crops exceed it) is an error naming the layer")

    # Genomic inputs: -L gives the length; without it nothing does.
    fasta = os.path.join(tmp, "records.fa")
    seqs = windows(3, 90)
    with open(fasta, "w") as f:
        f.writelines(f">r{i}\n{s}\n" for i, s in enumerate(seqs))
    r = run("s2f-predict", "-q", "-m", path, "--fasta-records", fasta, "-o", os.path.join(tmp, "x.s2f"))
    check(r.returncode == 1 and "input length is free" in r.stderr and "--input-length" in r.stderr
          and not os.path.exists(os.path.join(tmp, "x.s2f")),
          "a free-length model with no length: an error naming --input-length, no output")
    got, model = predict(tmp, "free_fasta", "-m", path, "--fasta-records", fasta, "-L", "90")
    x = np.stack([write_sequence_windows(os.path.join(tmp, "r.s2f"), [s])[0] for s in seqs])
    check(got is not None and close(got["profile"], keras_heads(path, x)["profile"]) and model["input_length"] == 90,
          "--fasta-records -L 90 runs a free-length model at 90 bp")

    # The other model stages take the length the same way.
    r = run("s2f-ism", "-q", "-m", path, "--start", "40", "--end", "42", "-o", os.path.join(tmp, "ism.s2f"),
            os.path.join(tmp, "w120.s2f"))
    check(r.returncode == 0 and s2f_stream.read(os.path.join(tmp, "ism.s2f")).meta["model"]["input_length"] == 120,
          "s2f-ism runs a free-length model at its windows' length")
    r = run("s2f-marginalize", "-q", "-m", path, "--motif", "GATA", "--random", "-n", "2", "-L", "150",
            "-o", os.path.join(tmp, "marg.s2f"))
    check(r.returncode == 0 and s2f_stream.read(os.path.join(tmp, "marg.s2f")).meta["model"]["input_length"] == 150,
          "s2f-marginalize --random -L 150 runs a free-length model at 150 bp")
    r = run("s2f-marginalize", "-q", "-m", path, "--motif", "GATA", "--random", "-n", "2",
            "-o", os.path.join(tmp, "marg2.s2f"))
    check(r.returncode == 1 and "--input-length" in r.stderr, "s2f-marginalize --random without a length: an error")
    return path


def test_keras_json(tmp, full):
    arch, weights = os.path.join(tmp, "model.json"), os.path.join(tmp, "weights.h5")
    split_keras(full, arch, weights)
    stream = os.path.join(tmp, "w100.s2f")
    x = write_sequence_windows(stream, windows(4, 100))
    got, model = predict(tmp, "json", "-m", arch, "--weights", weights, stream)
    want = keras_heads(full, x)
    check(got is not None and close(got["profile"], want["profile"]) and close(got["counts"], want["counts"])
          and model.get("weights") == weights,
          "Keras JSON + weights: -m model.json --weights weights.h5 equals the numpy Keras pass")
    h_json = json.loads(run("s2f-model-info", "--json", "--weights", weights, arch).stdout)["content_hash"]
    h_full = json.loads(run("s2f-model-info", "--json", full).stdout)["content_hash"]
    check(h_json == h_full, "the JSON + weights model has the content hash of the same model saved whole")

    r = run("s2f-predict", "-q", "-m", arch, "-o", os.path.join(tmp, "x.s2f"), stream)
    check(r.returncode == 1 and "holds no weights" in r.stderr and "--weights" in r.stderr,
          "an architecture JSON without --weights: an error naming --weights")
    missing = os.path.join(tmp, "no-such-weights.h5")
    r = run("s2f-predict", "-q", "-m", arch, "--weights", missing, "-o", os.path.join(tmp, "x.s2f"), stream)
    check(r.returncode == 3 and missing in r.stderr, "a missing weights file: an I/O error naming it")
    r = run("s2f-predict", "-q", "-m", weights, "-o", os.path.join(tmp, "x.s2f"), stream)
    check(r.returncode == 1 and "weights-only" in r.stderr and "model.json" in r.stderr,
          "a weights-only file given as the model: an error showing the way in")
    r = run("s2f-predict", "-q", "-m", full, "--weights", weights, "-o", os.path.join(tmp, "x.s2f"), stream)
    check(r.returncode == 1 and "leave --weights out" in r.stderr, "--weights with a full .h5: an error")

    free_full = os.path.join(tmp, "free_for_json.h5")
    write_keras_model(free_full, None)
    split_keras(free_full, os.path.join(tmp, "free.json"), os.path.join(tmp, "free_weights.h5"))
    got, _ = predict(tmp, "json_free", "-m", os.path.join(tmp, "free.json"), "--weights",
                     os.path.join(tmp, "free_weights.h5"), "--input-length", "100", stream)
    check(got is not None and close(got["counts"], keras_heads(free_full, x)["counts"]),
          "a free-length JSON + weights model at --input-length")


# ---- PyTorch stand-ins --------------------------------------------------------

MODULE_PY = '''
import torch
class TwoHeads(torch.nn.Module):
    def __init__(self, filters=4):
        super().__init__()
        self.conv = torch.nn.Conv1d(4, filters, 7, padding=3)
        self.profile = torch.nn.Conv1d(filters, 2, 5, dilation=2)
        self.counts = torch.nn.Linear(filters, 1)
    def forward(self, x):
        h = torch.relu(self.conv(x))
        return self.profile(h)[:, :, 10:-10], self.counts(h.mean(dim=2))
'''


def test_torch_module(tmp):
    src = os.path.join(tmp, "two_heads.py")
    with open(src, "w") as f:
        f.write(MODULE_PY)
    sys.path.insert(0, tmp)
    import two_heads
    torch.manual_seed(3)
    model = two_heads.TwoHeads(filters=6).eval()
    sd = os.path.join(tmp, "two_heads.pt")
    torch.save(model.state_dict(), sd)
    out = os.path.join(tmp, "two_heads.s2fm")
    r = export("module", "--python-file", src, "--class", "TwoHeads", "--kwargs", '{"filters": 6}',
               "--state-dict", sd, "--input-length", 80, "--heads", "profile", "counts", "-o", out)
    check(r.returncode == 0, "fx-traceable torch module: s2f_model_export.py module exports it")
    stream = os.path.join(tmp, "w80.s2f")
    x = write_sequence_windows(stream, windows(4, 80))
    got, model_meta = predict(tmp, "module", "-m", out, stream)
    with torch.no_grad():
        p, c = model(torch.from_numpy(x).permute(0, 2, 1).contiguous())
    check(got is not None and close(got["profile"], p.numpy()) and close(got["counts"], c.numpy()[:, :, None])
          and model_meta["format"] == "s2f",
          "s2f model file (from a torch module): s2f-predict -m model.s2fm equals PyTorch")
    r = export("module", "--python-file", src, "--class", "TwoHeads", "--state-dict", sd, "--input-length", 80,
               "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["does not fit TwoHeads", "size mismatch", "--kwargs"]),
          "a state_dict of other constructor arguments: one line, not torch's list of mismatches")


# ---- bpnet-lite stand-ins -----------------------------------------------------

# Saves a BPNet as torch.save(model) does in bpnet-lite: the class is
# registered as bpnetlite.bpnet.BPNet (with bpnet-lite's extra attributes and
# its training Logger from bpnetlite.logging), so the pickle names them.
PICKLE_PY = '''
import sys, types, torch
import bpnet_lite
pkg, mod, log = (types.ModuleType(n) for n in ("bpnetlite", "bpnetlite.bpnet", "bpnetlite.logging"))
pkg.bpnet, pkg.logging = mod, log
sys.modules.update({"bpnetlite": pkg, "bpnetlite.bpnet": mod, "bpnetlite.logging": log})
class Logger:
    def __init__(self, names):
        self.names, self.data = names, {n: [] for n in names}
class BPNet(bpnet_lite.BPNet):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.alpha, self.name = 1, "bpnet.stand-in"
        self.irelu = torch.nn.ReLU()
        self.rrelus = torch.nn.ModuleList(torch.nn.ReLU() for _ in range(self.n_layers))
        self.logger = Logger(["Epoch", "Iteration", "Validation MNLL"])
        self.logger.data["Epoch"].append(0)
for cls, m in ((Logger, log), (BPNet, mod)):
    cls.__module__ = m.__name__
    setattr(m, cls.__name__, cls)
torch.manual_seed(int(sys.argv[3]))
model = BPNet(**__import__("json").loads(sys.argv[2]))
for p in model.parameters():
    p.data.normal_(0, 0.1)
torch.save(model, sys.argv[1])
'''

BPNET = {"n_filters": 8, "n_layers": 6, "n_outputs": 2}
BPNET_L = 300


def bpnet_predictions(tmp, name, model_path, sd, trimming, control_tracks=0):
    """(s2f-predict, reference profile, reference counts) of an exported
    stand-in whose weights are `sd`; control tracks are given as zeros."""
    stream = os.path.join(tmp, "bp.s2f")
    x = write_sequence_windows(stream, windows(3, BPNET_L))
    got, _ = predict(tmp, name, "-m", model_path, stream)
    xt = torch.from_numpy(x).permute(0, 2, 1).contiguous()
    ctl = torch.zeros(xt.shape[0], control_tracks, BPNET_L) if control_tracks else None
    with torch.no_grad():
        p, c = bpnet_reference.reference_forward(sd, {"trimming": trimming, "n_layers": BPNET["n_layers"]}, xt, ctl)
    return got, p.numpy(), c.numpy()[:, :, None]


def bpnet_matches(got, p, c):
    return got is not None and close(got["profile"], p) and close(got["counts"], c)


def test_bpnet_state_dict(tmp):
    torch.manual_seed(7)
    model = bpnet_lite.BPNet(n_control_tracks=0, trimming=70, **BPNET)
    for p in model.parameters():
        p.data.normal_(0, 0.1)
    sd_path = os.path.join(tmp, "bp.state_dict.pt")
    torch.save(model.state_dict(), sd_path)
    hp_path = os.path.join(tmp, "bp.hparams.json")
    with open(hp_path, "w") as f:
        json.dump(dict(BPNET, n_control_tracks=0, trimming=70), f)

    out = os.path.join(tmp, "bp_hp.s2fm")
    r = export("bpnet-lite", "--model", sd_path, "--hparams", hp_path, "--input-length", BPNET_L, "-o", out)
    sd = model.state_dict()
    got, p, c = bpnet_predictions(tmp, "bp_hp", out, sd, 70)
    check(r.returncode == 0 and bpnet_matches(got, p, c),
          "bpnet-lite state_dict + hparams: exported model equals the PyTorch forward pass")

    out = os.path.join(tmp, "bp_nohp.s2fm")
    r = export("bpnet-lite", "--model", sd_path, "--input-length", BPNET_L, "-o", out)
    got, p, c = bpnet_predictions(tmp, "bp_nohp", out, sd, 64)
    check(r.returncode == 0 and "trimming 64" in r.stderr and "--trimming" in r.stderr and bpnet_matches(got, p, c),
          "bpnet-lite state_dict without --hparams: shapes from the weights, trimming 2**n_layers said on stderr")

    windowed = os.path.join(tmp, "bp.fit.json")
    with open(windowed, "w") as f:
        json.dump({"n_filters": 8, "n_layers": 6, "in_window": BPNET_L, "out_window": BPNET_L - 140}, f)
    out = os.path.join(tmp, "bp_win.s2fm")
    r = export("bpnet-lite", "--model", sd_path, "--hparams", windowed, "-o", out)
    got, p, c = bpnet_predictions(tmp, "bp_win", out, sd, 70)
    check(r.returncode == 0 and "trimming 70 = (in_window" in r.stderr and bpnet_matches(got, p, c),
          "hparams without trimming: (in_window - out_window) / 2, and in_window as the input length")

    bad = os.path.join(tmp, "bad.hparams.json")
    with open(bad, "w") as f:
        json.dump(dict(BPNET, n_filters=64), f)
    r = export("bpnet-lite", "--model", sd_path, "--hparams", bad, "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["n_filters=64", "n_filters=8", "fix the hparams"]) and
          not os.path.exists(os.path.join(tmp, "bad.s2fm")),
          "hparams that disagree with the weights: one line naming both values, no file")
    with open(bad, "w") as f:
        f.write("{n_layers: 6}")
    r = export("bpnet-lite", "--model", sd_path, "--hparams", bad, "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["not JSON", bad]), "hparams that are not JSON: one line")
    r = export("bpnet-lite", "--model", sd_path, "--trimming", 20, "--input-length", BPNET_L,
               "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["trimming 20", "37"]), "a trimming below 37 (count window wraps): one line")
    r = export("bpnet-lite", "--model", os.path.join(tmp, "missing.pt"), "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["missing.pt", "no such file"]), "a missing model file: one line")
    seq_path = os.path.join(tmp, "sequential.pt")
    torch.save(torch.nn.Sequential(torch.nn.Conv1d(4, 2, 3)), seq_path)
    r = export("bpnet-lite", "--model", seq_path, "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["Sequential", "module"]), "a pickle of another module: one line pointing to 'module'")
    other = os.path.join(tmp, "other.pt")
    torch.save({"conv.weight": torch.zeros(2, 4, 3)}, other)
    r = export("bpnet-lite", "--model", other, "-o", os.path.join(tmp, "bad.s2fm"))
    check(one_line_error(r, ["not a bpnet-lite BPNet state_dict", "iconv.weight"]),
          "a state_dict of another model: one line instead of a size-mismatch dump")


def pickle_whole(tmp, name, hparams, seed):
    path = os.path.join(tmp, name)
    r = subprocess.run([PYTHON, "-c", PICKLE_PY, path, json.dumps(hparams), str(seed)], capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, PYTHONPATH=source_path("formats", "python")))
    if r.returncode != 0:
        print(r.stderr, file=sys.stderr)
    return path


def test_bpnet_whole_pickle(tmp):
    path = pickle_whole(tmp, "bp_whole.torch", dict(BPNET, n_control_tracks=0, trimming=75), 11)
    with open(path, "rb") as f:  # torch.save stores data.pkl uncompressed
        check(b"bpnetlite.bpnet" in f.read(), "the stand-in pickle names bpnetlite.bpnet")
    r = subprocess.run([PYTHON, "-c", "import bpnetlite"], capture_output=True, text=True)
    check(r.returncode != 0, "bpnet-lite is not installed where the exporter runs")
    out = os.path.join(tmp, "bp_whole.s2fm")
    r = export("bpnet-lite", "--model", path, "--input-length", BPNET_L, "-o", out)
    got, p, c = bpnet_predictions(tmp, "bp_whole", out, whole_state(path), 75)
    check(r.returncode == 0 and bpnet_matches(got, p, c),
          "bpnet-lite whole pickled module: exported without bpnet-lite, equals the PyTorch forward pass")


def whole_state(path):
    """The state_dict of a pickled stand-in, read the way a user with
    bpnet-lite would (its classes importable), for the reference."""
    r = subprocess.run([PYTHON, "-c", PICKLE_LOADER, path], capture_output=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=source_path("formats", "python")))
    assert r.returncode == 0, r.stderr
    return torch.load(io.BytesIO(r.stdout), map_location="cpu")


PICKLE_LOADER = '''
import io, sys, types, torch
import bpnet_lite
pkg, mod, log = (types.ModuleType(n) for n in ("bpnetlite", "bpnetlite.bpnet", "bpnetlite.logging"))
sys.modules.update({"bpnetlite": pkg, "bpnetlite.bpnet": mod, "bpnetlite.logging": log})
mod.BPNet = type("BPNet", (bpnet_lite.BPNet,), {"__module__": "bpnetlite.bpnet"})
log.Logger = type("Logger", (), {"__module__": "bpnetlite.logging"})
model = torch.load(sys.argv[1], map_location="cpu")
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
sys.stdout.buffer.write(buf.getvalue())
'''


def test_bpnet_control_tracks(tmp):
    path = pickle_whole(tmp, "bp_ctl.torch", dict(BPNET, n_control_tracks=2, trimming=70), 13)
    out = os.path.join(tmp, "bp_ctl.s2fm")
    r = export("bpnet-lite", "--model", path, "--input-length", BPNET_L, "-o", out)
    check(r.returncode == 0 and "2 control track(s)" in r.stderr and "zeros" in r.stderr,
          "control tracks: the exporter says the control input is fixed to zeros")
    got, p, c = bpnet_predictions(tmp, "bp_ctl", out, whole_state(path), 70, control_tracks=2)
    check(bpnet_matches(got, p, c), "bpnet-lite with control tracks: equals PyTorch forward(X, zeros)")
    arch = json.loads(h5py.File(out, "r").attrs["architecture"])
    check(arch["metadata"]["control_tracks"]["count"] == 2, "the model file records its folded control tracks")


def main():
    torch.set_num_threads(1)
    with temp_dir() as tmp:
        full = test_keras_fixed(tmp)
        test_keras_free(tmp)
        test_keras_json(tmp, full)
        test_torch_module(tmp)
        test_bpnet_state_dict(tmp)
        test_bpnet_whole_pickle(tmp)
        test_bpnet_control_tracks(tmp)
    finish()


if __name__ == "__main__":
    main()
