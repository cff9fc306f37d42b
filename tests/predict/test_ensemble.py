#!/usr/bin/python3
"""Ensembles (formats/MODELS.md, "Ensembles") on three stand-ins of one
architecture built here: the demo model and two copies whose weights are
perturbed (seeded), written with the exporter's own writer.

* s2f-predict -m A -m B -m C equals the numpy mean (in float64) of the three
  members' own s2f-predict outputs to 1e-6, for both heads, with --rc mean
  too; the same bytes at -t 1 and -t 2; a run summary naming "3 models".
* A fold directory (fold_0, fold_2, fold_10 + a README) runs its models in
  name order with digit runs as numbers, and equals the -m listing; a
  directory with two forms, or with none, is refused.
* meta.model: format ensemble, each member's path and hash (the hash of its
  own run), and the ensemble hash = SHA-256 of "s2f-ensemble\\n" + each
  member hash + "\\n", computed here; another order gives another hash.
* s2f-ism (fast and --naive) and s2f-marginalize with the ensemble equal the
  mean of the members' own runs to 1e-6.
* Members that disagree (a renamed head, another input length) are an error
  naming both models; --exec or --weights with several models a usage error.
"""
import hashlib
import json
import os
import shutil

import h5py
import numpy as np

import s2f_model_export
import s2f_stream
from s2f_testing import (DEMO_MODEL_DIR, check, finish, run, temp_dir, write_sequence_windows,
                         write_tiny_keras)

DEMO = os.path.join(DEMO_MODEL_DIR, "demo.s2fm")
L = 500


def read(path):
    s = s2f_stream.read(path)
    return s.meta, s.read_all()


def demo_variant(path, seed, rename_head=None):
    """The demo model with every weight scaled by 1 + 0.2 N(0, 1) (seeded)."""
    with h5py.File(DEMO) as f:
        arch = json.loads(f.attrs["architecture"])
        weights = {layer: {key: g[key][()] for key in g} for layer, g in f["weights"].items()}
    rng = np.random.default_rng(seed)
    for layer in weights.values():
        for key, a in layer.items():
            layer[key] = (a * (1 + 0.2 * rng.standard_normal(a.shape))).astype(np.float32)
    if rename_head:
        arch["outputs"][1]["name"] = rename_head
    return s2f_model_export.write_model(path, arch, weights)


def predict(tmp, name, models, windows, *extra):
    out = os.path.join(tmp, name + ".s2f")
    args = [a for m in models for a in ("-m", m)]
    r = run("s2f-predict", *args, *extra, windows, "-o", out)
    check(r.returncode == 0, f"{name}: s2f-predict exits 0 ({r.stderr.strip()[-300:]})")
    return out, r


def same_bytes_any_threads(tmp, stage, args):
    """-t 1 and -t 2 runs write the same bytes (same relative output name:
    the command line, minus -t, is in the provenance)."""
    outs = []
    for t in (1, 2):
        d = os.path.join(tmp, f"{stage}_threads{t}")
        os.makedirs(d)
        run(stage, "-q", "-t", t, *args, "-o", "out.s2f", cwd=d, check=True)
        outs.append(open(os.path.join(d, "out.s2f"), "rb").read())
    return len(outs[0]) > 1000 and outs[0] == outs[1]


def mean_of(arrays):
    return np.mean(np.stack([a.astype(np.float64) for a in arrays]), axis=0)


def check_predict(tmp, members, windows):
    singles = [read(predict(tmp, f"single{i}", [m], windows, "-q")[0]) for i, m in enumerate(members)]
    ens_path, r = predict(tmp, "ensemble", members, windows)
    meta, ens = read(ens_path)
    for head in ("profile", "counts"):
        err = np.abs(ens[head] - mean_of([s[1][head] for s in singles])).max()
        check(err <= 1e-6, f"ensemble {head} = numpy mean of the members' own predictions (max diff {err:.2e})")
    spread = np.abs(singles[1][1]["counts"] - singles[0][1]["counts"]).max()
    check(spread > 1e-2, f"the perturbed members predict differently (counts differ by {spread:.3f})")
    check("3 models" in r.stderr.splitlines()[-1], f"the summary line says 3 models ({r.stderr.splitlines()[-1]})")
    check("3x the compute" in r.stderr, "the run says an ensemble costs 3x the compute")

    # Provenance.
    m = meta["model"]
    hashes = [s[0]["model"]["hash"] for s in singles]
    check(m.get("format") == "ensemble" and m.get("combine") == "mean", "meta.model: format ensemble, combine mean")
    check([x["path"] for x in m.get("members", [])] == members, "meta.model.members lists each member's path in order")
    check([x["hash"] for x in m.get("members", [])] == hashes, "each member's hash is the one its own run records")
    expected = "sha256:" + hashlib.sha256(("s2f-ensemble\n" + "".join(h + "\n" for h in hashes)).encode()).hexdigest()
    check(m.get("hash") == expected, "meta.model.hash = SHA-256 over the members' hashes in order")
    reordered, _ = predict(tmp, "reordered", members[::-1], windows, "-q")
    check(read(reordered)[0]["model"]["hash"] != expected, "another member order is another ensemble hash")

    # Thread invariance and --rc.
    check(same_bytes_any_threads(tmp, "s2f-predict", [a for x in members for a in ("-m", x)] + [windows]),
          "the ensemble's predictions: the same bytes at -t 1 and -t 2")
    rc_singles = [read(predict(tmp, f"rc{i}", [x], windows, "-q", "--rc", "mean")[0])[1] for i, x in enumerate(members)]
    rc_ens = read(predict(tmp, "rc_ens", members, windows, "-q", "--rc", "mean")[0])[1]
    err = max(np.abs(rc_ens[h] - mean_of([s[h] for s in rc_singles])).max() for h in ("profile", "counts"))
    check(err <= 1e-6, f"--rc mean: the ensemble = the mean of the members' --rc mean runs ({err:.2e})")
    return ens


def check_fold_directory(tmp, members, windows, ens):
    folds = os.path.join(tmp, "folds")
    os.makedirs(folds)
    for name, src in zip(("fold_0.s2fm", "fold_2.s2fm", "fold_10.s2fm"), members):
        shutil.copy(src, os.path.join(folds, name))
    open(os.path.join(folds, "README.txt"), "w").write("three folds\n")
    out, _ = predict(tmp, "folds", [folds], windows, "-q")
    meta, d = read(out)
    names = [os.path.basename(x["path"]) for x in meta["model"].get("members", [])]
    check(names == ["fold_0.s2fm", "fold_2.s2fm", "fold_10.s2fm"],
          f"a fold directory runs its models in name order, fold_2 before fold_10 ({names})")
    check(all(np.array_equal(d[h], ens[h]) for h in ("profile", "counts")),
          "the fold directory's predictions equal -m fold_0 -m fold_2 -m fold_10")

    mixed = os.path.join(tmp, "mixed")
    os.makedirs(mixed)
    shutil.copy(members[0], os.path.join(mixed, "fold_0.s2fm"))
    write_tiny_keras(os.path.join(mixed, "fold_1.h5"), np.zeros((3, 4, 2), np.float32))
    r = run("s2f-predict", "-m", mixed, windows, "-o", os.path.join(tmp, "mixed.s2f"))
    check(r.returncode == 1 and "two forms" in r.stderr and "fold_1.h5" in r.stderr,
          f"a directory of two model forms is refused, naming them ({r.stderr.strip()[:200]})")
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    open(os.path.join(empty, "notes.txt"), "w").write("x\n")
    r = run("s2f-predict", "-m", empty, windows, "-o", os.path.join(tmp, "empty.s2f"))
    check(r.returncode == 1 and "no model file" in r.stderr,
          f"a directory with no model file is refused ({r.stderr.strip()[:200]})")
    check(not os.path.exists(os.path.join(tmp, "mixed.s2f")) and not os.path.exists(os.path.join(tmp, "empty.s2f")),
          "refused runs write no output")


def check_disagreement(tmp, members, windows):
    renamed = os.path.join(tmp, "renamed.s2fm")
    demo_variant(renamed, 9, rename_head="total")
    r = run("s2f-predict", "-m", members[0], "-m", renamed, windows, "-o", os.path.join(tmp, "bad.s2f"))
    check(r.returncode == 1 and members[0] in r.stderr and renamed in r.stderr and "'total'" in r.stderr,
          f"members with different heads: an error naming both models and the heads ({r.stderr.strip()[:300]})")
    tiny = os.path.join(tmp, "tiny.h5")
    write_tiny_keras(tiny, np.zeros((3, 4, 2), np.float32))
    r = run("s2f-predict", "-m", members[0], "-m", tiny, windows, "-o", os.path.join(tmp, "bad.s2f"))
    check(r.returncode == 1 and "500-bp" in r.stderr and "32-bp" in r.stderr and tiny in r.stderr,
          f"members with different input lengths: an error naming both ({r.stderr.strip()[:300]})")
    r = run("s2f-predict", "-m", members[0], "-m", members[1], "--exec", "cat", windows)
    check(r.returncode == 2 and "--exec" in r.stderr, f"--exec with several models: a usage error ({r.stderr.strip()})")
    r = run("s2f-predict", "-m", members[0], "-m", members[1], "--weights", tiny, windows)
    check(r.returncode == 2 and "--weights" in r.stderr, f"--weights with an ensemble: a usage error ({r.stderr.strip()})")
    check(not os.path.exists(os.path.join(tmp, "bad.s2f")), "refused runs write no output")


def check_ism(tmp, members, windows):
    for mode in ([], ["--naive"]):
        label = "naive" if mode else "fast"
        outs = []
        for i, m in enumerate(members + [None]):
            out = os.path.join(tmp, f"ism_{label}_{i}.s2f")
            models = [a for x in (members if m is None else [m]) for a in ("-m", x)]
            r = run("s2f-ism", "-q", *models, *mode, "--start", 245, "--end", 255, "--save", "predictions,diffs",
                    windows, "-o", out)
            check(r.returncode == 0, f"s2f-ism {label} exits 0 ({r.stderr.strip()[-200:]})")
            outs.append(read(out)[1])
        for field in ("predictions.profile", "predictions.counts"):
            err = np.abs(outs[-1][field] - mean_of([o[field] for o in outs[:-1]])).max()
            check(err <= 1e-6, f"{label} ISM {field}: the ensemble = the mean of the members' ISM ({err:.2e})")
    fast = read(os.path.join(tmp, "ism_fast_3.s2f"))[1]
    naive = read(os.path.join(tmp, "ism_naive_3.s2f"))[1]
    err = np.abs(fast["predictions.counts"] - naive["predictions.counts"]).max()
    check(err <= 1e-4, f"the ensemble's fast ISM = its naive ISM ({err:.2e})")
    check(same_bytes_any_threads(tmp, "s2f-ism", [a for x in members for a in ("-m", x)] +
                                 ["--start", 245, "--end", 255, "--save", "predictions,diffs", windows]),
          "the ensemble's ISM: the same bytes at -t 1 and -t 2")


def check_marginalize(tmp, members):
    outs = []
    for i, m in enumerate(members + [None]):
        out = os.path.join(tmp, f"marg{i}.s2f")
        models = [a for x in (members if m is None else [m]) for a in ("-m", x)]
        r = run("s2f-marginalize", *models, "--random", "-n", 6, "--seed", 4, "--motif", "ATGAGTCAT", "-o", out)
        check(r.returncode == 0, f"s2f-marginalize exits 0 ({r.stderr.strip()[-200:]})")
        outs.append(read(out)[1])
    check("3 models" in r.stderr, "s2f-marginalize's summary line says 3 models")
    for field in ("profile.before", "profile.after", "counts.before", "counts.after"):
        err = np.abs(outs[-1][field] - mean_of([o[field] for o in outs[:-1]])).max()
        check(err <= 1e-6, f"marginalize {field}: the ensemble = the mean of the members' runs ({err:.2e})")
    d = outs[-1]
    check(np.allclose(d["counts.diff"], d["counts.after"] - d["counts.before"], atol=1e-6),
          "marginalize diff = after - before of the ensemble")


def main():
    with temp_dir() as tmp:
        members = [os.path.join(tmp, f"member{i}.s2fm") for i in range(3)]
        shutil.copy(DEMO, members[0])
        demo_variant(members[1], 1)
        demo_variant(members[2], 2)
        rng = np.random.default_rng(5)
        seqs = ["".join(rng.choice(list("ACGT"), L)) for _ in range(5)]
        windows = os.path.join(tmp, "windows.s2f")
        write_sequence_windows(windows, seqs)
        ens = check_predict(tmp, members, windows)
        check_fold_directory(tmp, members, windows, ens)
        check_disagreement(tmp, members, windows)
        check_ism(tmp, members, windows)
        check_marginalize(tmp, members)
    finish()


if __name__ == "__main__":
    main()
