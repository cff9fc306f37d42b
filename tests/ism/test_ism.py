#!/usr/bin/python3
"""s2f-ism end to end on the demo model (pipelines/demo):

* the ism stream: one record per mutant (C(W,k)*3^k of them) after the
  reference, diffs/abs_diffs/logits consistent with predictions;
* Selene-compatible TSV and HDF5 files with Selene's columns and rows;
* --attr: hypothetical contributions equal value(base) - mean over bases of
  the ism stream's values, projected ones keep only the sequence's base, and
  they peak on the planted motif instances of the demo grammar;
* --exec (naive ISM through a PyTorch copy of the demo model) equals the
  native fast ISM, and fast equals --naive; same data for -t 1 and -t 2 and
  for --shard slices joined;
* the real BPNet (2114 bp, ../shared/data) fast == naive to 1e-5, when present;
* bad inputs fail with a message saying what is wrong.
"""
import math
import os
import shutil
import sys
import subprocess
import tempfile

import numpy as np

import s2f_stream
from s2f_testing import BIN_DIR as BIN, DEMO_DIR as DEMO, PYTHON as PY, SHARED_DATA as SHARED, SOURCE_DIR as ROOT
from s2f_testing import check, finish, tool_path

ISM = tool_path("s2f-ism")


def ism(args, expect_ok=True):
    r = subprocess.run([ISM, "-q"] + args, capture_output=True, text=True, timeout=600)
    if expect_ok and r.returncode != 0:
        print(r.stderr)
    return r


def read_all(path):
    return s2f_stream.read(path).read_all()


def demo_sequences(tmp, n, seed):
    fa, truth = os.path.join(tmp, f"demo{seed}.fa"), os.path.join(tmp, f"truth{seed}.tsv")
    subprocess.run([PY, os.path.join(DEMO, "make_demo_sequences.py"), "-n", str(n), "--seed", str(seed),
                    "-o", fa, "--truth", truth], check=True, capture_output=True)
    rows = [line.rstrip("\n").split("\t") for line in open(truth)]
    header, rows = rows[0], rows[1:]
    return fa, [dict(zip(header, r)) for r in rows]


def test_stream_and_counts(tmp, fa):
    out = os.path.join(tmp, "ism.s2f")
    r = ism(["--model", "demo", "--fasta-records", fa, "--start", "240", "--end", "260",
             "--save", "predictions,diffs,abs_diffs,logits", "-o", out])
    check(r.returncode == 0, "ism stream run exits 0")
    d = read_all(out)
    n_seq = len(set(d["id"]))
    per_seq = 1 + 20 * 3
    check(len(d["id"]) == n_seq * per_seq, f"1 reference + C(20,1)*3 = 60 mutants per sequence ({len(d['id'])} records)")
    allele = d["allele"]
    check(all(allele[i * per_seq] == ord("R") for i in range(n_seq)), "each sequence starts with its reference record")
    ref = d["predictions.counts"][0]
    mut = d["predictions.counts"][1:per_seq]
    check(np.allclose(d["diffs.counts"][1:per_seq], mut - ref, atol=1e-6), "diffs = mutant - reference")
    check(np.allclose(d["abs_diffs.counts"][1:per_seq], np.abs(mut - ref), atol=1e-6), "abs_diffs = |diffs|")
    # Selene's logits on profile logits (values outside (0,1) clip to 1e-6 / 1-1e-6).
    def logit(p):
        p = np.clip(p.astype(np.float64), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))
    pm, pr = d["predictions.profile"][1:per_seq], d["predictions.profile"][0]
    check(np.allclose(d["logits.profile"][1:per_seq], logit(pm) - logit(pr), atol=1e-4), "logits = logit(alt) - logit(ref)")
    check(list(d["mut_pos"][1:4]) == ["240", "240", "240"] and d["ref"][1] != d["alt"][1],
          "mut_pos/ref/alt label the edits in Selene's order")

    for k, start, end in ((2, 240, 250), (3, 245, 251)):
        out = os.path.join(tmp, f"k{k}.s2f")
        r = ism(["--model", "demo", "--fasta-records", fa, "--start", str(start), "--end", str(end),
                 "--mutate-n-bases", str(k), "--save", "diffs", "--heads", "counts", "-o", out])
        d = read_all(out)
        expect = math.comb(end - start, k) * 3 ** k * n_seq
        check(r.returncode == 0 and len(d["id"]) == expect,
              f"--mutate-n-bases {k} over {end - start} positions: C(W,k)*3^k per sequence = {expect} records")
        check(all(len(p.split(";")) == k for p in d["mut_pos"]), f"k={k}: every record lists {k} positions")


def test_selene_files(tmp, fa):
    one = os.path.join(tmp, "one.fa")
    records = open(fa).read().split(">")[1:]
    with open(one, "w") as o:
        o.write(">" + records[0])  # the first record, wrapped as in the file
    name = records[0].split()[0]
    tsv_dir = os.path.join(tmp, "selene_tsv")
    os.makedirs(tsv_dir)
    r = ism(["--model", "demo", "--fasta-records", one, "--start", "100", "--end", "110", "--heads", "counts",
             "--save", "predictions,diffs", "--tsv", tsv_dir + "/", "-o", os.path.join(tmp, "x.s2f")])
    check(r.returncode == 0, "--tsv run exits 0")
    pred = os.path.join(tsv_dir, f"{name}_predictions.tsv")
    diffs = os.path.join(tsv_dir, f"{name}_diffs.tsv")
    check(os.path.exists(pred) and os.path.exists(diffs), "Selene TSVs named DIR/<id>_<stat>.tsv")
    rows = [line.rstrip("\n").split("\t") for line in open(pred)]
    check(rows[0][:3] == ["pos", "ref", "alt"] and len(rows[0]) == 4, f"columns pos ref alt + 1 track ({rows[0]})")
    check(rows[1][:3] == ["input_sequence", "NA", "NA"], "the predictions file starts with the reference row")
    check(len(rows) == 1 + 1 + 30, "header + reference + 30 mutants")
    drows = [line.rstrip("\n").split("\t") for line in open(diffs)][1:]
    ok = all(abs(float(d[3]) - (float(p[3]) - float(rows[1][3]))) < 1e-5 for d, p in zip(drows, rows[2:]))
    check(len(drows) == 30 and ok, "diffs rows = prediction rows - reference row")
    check(rows[2][:3] == ["100", rows[2][1], rows[2][2]] and rows[2][1] != rows[2][2], "pos is the 0-based offset")

    import h5py
    prefix = os.path.join(tmp, "sel")
    r = ism(["--model", "demo", "--fasta-records", one, "--start", "100", "--end", "110",
             "--save", "predictions,abs_diffs", "--hdf5", prefix, "-o", os.path.join(tmp, "y.s2f")])
    base = f"{prefix}_{name}"
    check(r.returncode == 0 and os.path.exists(base + "_predictions.h5"), "--hdf5 writes PREFIX_<id>_<stat>.h5")
    with h5py.File(base + "_predictions.h5") as f:
        data = f["data"][()]
    with h5py.File(base + "_ref_predictions.h5") as f:
        refp = f["data"][()]
    labels = [line.rstrip("\n").split("\t") for line in open(base + "_row_labels.txt")]
    check(data.shape == (30, 2 * 300 + 1), f"HDF5 data is mutants x features ({data.shape})")
    check(refp.shape == (1, 601), "reference predictions in their own file")
    check(labels[0] == ["pos", "ref", "alt"] and len(labels) == 31, "row labels file: header + one per mutant")
    tsv_first = [float(x) for x in rows[2][3:]]
    check(abs(data[0, -1] - tsv_first[0]) < 1e-6, "HDF5 and TSV agree on the counts of the first mutant")


def test_attributions(tmp, fa, truth):
    full = os.path.join(tmp, "full.s2f")
    attr = os.path.join(tmp, "attr.s2f")
    proj = os.path.join(tmp, "proj.s2f")
    r1 = ism(["--model", "demo", "--fasta-records", fa, "--heads", "counts", "--save", "predictions", "-o", full])
    r2 = ism(["--model", "demo", "--fasta-records", fa, "--attr", "--target", "counts", "-o", attr])
    r3 = ism(["--model", "demo", "--fasta-records", fa, "--attr", "--target", "counts:0", "--project", "-o", proj])
    check(r1.returncode == 0 and r2.returncode == 0 and r3.returncode == 0, "--attr runs exit 0")
    d, a, p = read_all(full), read_all(attr), read_all(proj)
    check(s2f_stream.read(attr).kind == "contributions", "--attr writes a contributions stream")
    L = 500
    n = len(a["id"])
    per_seq = 1 + 3 * L
    seqs = a["seq"]
    ok = True
    for s in range(n):
        block = d["predictions.counts"][s * per_seq:(s + 1) * per_seq, 0, 0].astype(np.float64)
        y = np.empty((L, 4))
        idx = {ord("A"): 0, ord("C"): 1, ord("G"): 2, ord("T"): 3}
        y[np.arange(L), [idx[b] for b in seqs[s]]] = block[0]
        pos = np.array([int(x) for x in d["mut_pos"][s * per_seq + 1:(s + 1) * per_seq]])
        alt = [idx[ord(x)] for x in d["alt"][s * per_seq + 1:(s + 1) * per_seq]]
        y[pos, alt] = block[1:]
        hyp = y - y.mean(axis=1, keepdims=True)
        ok &= np.allclose(a["contrib"][s], hyp, atol=1e-5)
        onehot = np.zeros((L, 4))
        onehot[np.arange(L), [idx[b] for b in seqs[s]]] = 1
        ok &= np.allclose(p["contrib"][s], hyp * onehot, atol=1e-5)
    check(bool(ok), "hypothetical contributions = value(base) - mean over bases; projected = that x one-hot")

    # They peak on the planted instances.
    ids = list(a["id"])
    inside, outside, hit = [], [], 0
    planted = [t for t in truth if t["kind"] == "planted"]
    for t in planted:
        s = ids.index(t["seq_id"])
        score = np.abs(p["contrib"][s]).sum(axis=1)
        lo, hi = int(t["start"]), int(t["end"])
        inside.append(score[lo:hi].mean())
        # The site holds a top-20 position of its sequence's projected contributions.
        top = set(np.argsort(-score)[:20])
        hit += any(q in top for q in range(lo, hi))
    for s in range(n):
        score = np.abs(p["contrib"][s]).sum(axis=1)
        mask = np.ones(L, bool)
        for t in planted:
            if t["seq_id"] == ids[s]:
                mask[int(t["start"]) - 5:int(t["end"]) + 5] = False
        outside.append(score[mask].mean())
    ratio = np.mean(inside) / np.mean(outside)
    print(f"     mean |contribution| inside planted sites / outside = {ratio:.1f}; "
          f"{hit}/{len(planted)} sites hold a top-20 position")
    check(ratio > 5, "ISM contributions are >5x larger on planted sites than elsewhere")
    check(hit >= 0.9 * len(planted), ">= 90% of planted sites hold one of their sequence's top-20 positions")


def test_engines_agree(tmp, fa):
    base = ["--model", "demo", "--fasta-records", fa, "--start", "200", "--end", "300", "--save", "predictions"]
    outs = {}
    for name, extra in (("fast1", ["-t", "1"]), ("fast2", ["-t", "2"]), ("naive", ["--naive", "-t", "2"])):
        outs[name] = os.path.join(tmp, name + ".s2f")
        r = ism(base + extra + ["-o", outs[name]])
        check(r.returncode == 0, f"{name} run exits 0")
    f1, f2, nv = read_all(outs["fast1"]), read_all(outs["fast2"]), read_all(outs["naive"])
    for head in ("predictions.profile", "predictions.counts"):
        check(np.array_equal(f1[head], f2[head]), f"{head}: identical for -t 1 and -t 2")
        diff = float(np.abs(f1[head] - nv[head]).max())
        check(diff <= 1e-5, f"{head}: fast ISM = naive ISM (max |diff| {diff:.2e} <= 1e-5)")

    # --shard: slices of the sequences that join to the whole run.
    enc = os.path.join(tmp, "windows.s2f")
    subprocess.run([os.path.join(BIN, "s2f-encode"), "-q", "-L", "500", "--fasta-records", fa, "-o", enc], check=True)
    parts = []
    for k in (1, 2, 3):
        parts.append(os.path.join(tmp, f"shard{k}.s2f"))
        r = ism(["--model", "demo", enc, "--start", "200", "--end", "300", "--shard", f"{k}/3", "-o", parts[-1]])
        check(r.returncode == 0, f"--shard {k}/3 exits 0")
    joined = {k: np.concatenate([read_all(p)[k] for p in parts]) for k in ("predictions.counts",)}
    ids = sum((list(read_all(p)["id"]) for p in parts), [])
    check(ids == list(f1["id"]) and np.array_equal(joined["predictions.counts"], f1["predictions.counts"]),
          "--shard 1/3, 2/3, 3/3 joined equal the unsharded run")

    # --exec: naive ISM through the PyTorch copy of the demo model.
    adapter = os.path.join(ROOT, "formats", "python", "torch_adapter.py")
    cmd = (f"{PY} {adapter} --module {os.path.join(DEMO, 'demo_torch.py')} --class DemoModel "
           f"--heads profile,counts --catalog {os.path.join(DEMO, 'model', 'demo.tracks.tsv')}")
    ex = os.path.join(tmp, "exec.s2f")
    r = ism(["--exec", cmd, "-L", "500", "--fasta-records", fa, "--start", "200", "--end", "300",
             "--save", "predictions", "-o", ex])
    check(r.returncode == 0, "--exec run exits 0" + ("" if r.returncode == 0 else ": " + r.stderr[-400:]))
    if r.returncode == 0:
        e = read_all(ex)
        check(list(e["mut_pos"]) == list(f1["mut_pos"]), "--exec visits the same mutants in the same order")
        for head in ("predictions.profile", "predictions.counts"):
            diff = float(np.abs(e[head] - f1[head]).max())
            check(diff <= 1e-4, f"{head}: --exec (PyTorch, naive) = native fast ISM (max |diff| {diff:.2e})")


def test_real_bpnet(tmp):
    d = os.path.join(SHARED, "models", "bpnet-lite")
    if not os.path.isdir(d):
        print("skip real BPNet: ../shared/data/models/bpnet-lite is absent")
        return
    model = os.path.join(tmp, "bpnet.s2fm")
    subprocess.run([PY, "-B", os.path.join(ROOT, "formats", "python", "s2f_model_export.py"), "bpnet-lite",
                    "--state-dict", os.path.join(d, "bpnet_example.state_dict.pt"),
                    "--hparams", os.path.join(d, "bpnet_example.hparams.json"), "-o", model],
                   check=True, capture_output=True)
    rng = np.random.default_rng(4)
    fa = os.path.join(tmp, "bpnet.fa")
    with open(fa, "w") as f:
        f.write(">r0\n" + "".join(rng.choice(list("ACGT"), 2114)) + "\n")
    outs = []
    for extra in ([], ["--naive"]):
        outs.append(os.path.join(tmp, f"bpnet{len(outs)}.s2f"))
        r = ism(["-m", model, "--fasta-records", fa, "--start", "1007", "--end", "1107", "-t", "2", "-o", outs[-1]] + extra)
        check(r.returncode == 0, "real BPNet ISM exits 0 " + " ".join(extra))
    a, b = read_all(outs[0]), read_all(outs[1])
    for head in ("predictions.profile", "predictions.counts"):
        diff = float(np.abs(a[head] - b[head]).max())
        check(diff <= 1e-5, f"real BPNet {head}: fast = naive over the central 100 bp (max |diff| {diff:.2e})")


def test_errors(tmp, fa):
    cases = [
        (["--model", "demo", "--fasta-records", fa, "--attr", "--mutate-n-bases", "2"], "single-base"),
        (["--model", "demo", "--fasta-records", fa, "--start", "10", "--end", "600"], "inside the sequence"),
        (["--model", "demo", "--fasta-records", fa, "--start", "20", "--end", "10"], "greater than --start"),
        (["--model", "demo", "--fasta-records", fa, "--save", "bogus"], "unknown --save"),
        (["--model", "demo", "--fasta-records", fa, "--attr", "--target", "nohead"], "does not have"),
        (["--model", "demo", "--fasta-records", fa, "--attr", "--target", "profile:7"], "channels 0..1"),
        (["--model", "demo", "--fasta-records", fa, "--target", "counts"], "go with --attr"),
        (["--fasta-records", fa], "give a model"),
    ]
    for args, msg in cases:
        r = ism(args + ["-o", os.path.join(tmp, "err.s2f")], expect_ok=False)
        check(r.returncode != 0 and msg in r.stderr, f"error '{msg}' ({r.stderr.strip()[:120]})")
    check(not os.path.exists(os.path.join(tmp, "err.s2f")), "failed runs leave no output file")
    # A stream of the wrong kind.
    r = ism(["--model", "demo", os.path.join(tmp, "attr.s2f"), "-o", os.path.join(tmp, "err.s2f")], expect_ok=False)
    check(r.returncode == 1 and "sequences" in r.stderr, "a contributions stream as input is refused naming the kind")
    # Windows of the wrong length for the model.
    short = os.path.join(tmp, "short.s2f")
    subprocess.run([os.path.join(BIN, "s2f-encode"), "-q", "-L", "300", "--fasta-records", fa, "-o", short], check=True)
    r = ism(["--model", "demo", short, "-o", os.path.join(tmp, "err.s2f")], expect_ok=False)
    check(r.returncode == 1 and "300 bp" in r.stderr, "windows of the wrong length are refused")


def main():
    # --part demo: the demo model's checks; --part real: the real BPNet
    # (Release only: a 2114-bp model under the sanitizers is slow); default both.
    part = sys.argv[sys.argv.index("--part") + 1] if "--part" in sys.argv else "all"
    tmp = tempfile.mkdtemp(prefix="s2f-ism-test-")
    try:
        if part in ("all", "demo"):
            fa, truth = demo_sequences(tmp, 6, 21)
            test_stream_and_counts(tmp, fa)
            test_selene_files(tmp, fa)
            test_attributions(tmp, fa, truth)
            test_engines_agree(tmp, fa)
            test_errors(tmp, fa)
        if part == "real" and not os.path.isdir(os.path.join(SHARED, "models", "bpnet-lite")):
            print("skipped: ../shared/data/models/bpnet-lite is absent")
            sys.exit(77)
        if part in ("all", "real"):
            test_real_bpnet(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
