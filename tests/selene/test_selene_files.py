"""Selene's file conventions (seed 001) outside variant scoring:

* s2f-ism --file-names: name (use_sequence_name: True, the default), index
  (use_sequence_name: False: files prefixed with the 0-based position of
  the sequence in the input, as Selene's in_silico_mutagenesis_from_file),
  prefix (Selene's single-sequence in_silico_mutagenesis: PREFIX_<item>,
  and DIR/ism_<item> with Selene's default output_path_prefix "ism");
* output directories that do not exist are created (Selene's os.makedirs)
  for s2f-ism and s2f-score --tsv/--hdf5 prefixes;
* a features list (one name per line, Selene's load_features_list) is
  accepted wherever a track catalog is (--catalog).
"""
import os

import numpy as np

import s2f_stream
from s2f_testing import check, finish, run, source_path, temp_dir, write_tiny_keras

rng = np.random.default_rng(5)


def fasta(path, names, length=500):
    with open(path, "w") as f:
        for n in names:
            f.write(f">{n}\n" + "".join(np.array(list("ACGT"))[rng.integers(0, 4, length)]) + "\n")


def ism(*args):
    return run("s2f-ism", "-q", "--model", "demo", "--start", "245", "--end", "250", "--heads", "counts", *args)


with temp_dir("s2f-selene-files-") as d:
    fa = os.path.join(d, "seqs.fa")
    fasta(fa, ["alpha", "beta", "gamma"])

    # ---- ISM file names -------------------------------------------------------
    by_name = os.path.join(d, "by_name") + "/"
    r = ism("--fasta-records", fa, "--save", "predictions,diffs", "--tsv", by_name, "-o", os.path.join(d, "a.s2f"))
    check(r.returncode == 0 and os.path.isdir(by_name), "--tsv DIR/ that does not exist is created" + r.stderr)
    by_index = os.path.join(d, "nested", "by_index") + "/"
    r = ism("--fasta-records", fa, "--save", "predictions,diffs", "--tsv", by_index, "--file-names", "index",
            "-o", os.path.join(d, "b.s2f"))
    check(r.returncode == 0, "--file-names index runs" + r.stderr)
    same = True
    for i, name in enumerate(["alpha", "beta", "gamma"]):
        for item in ("predictions", "diffs"):
            a, b = os.path.join(by_name, f"{name}_{item}.tsv"), os.path.join(by_index, f"{i}_{item}.tsv")
            same &= os.path.exists(a) and os.path.exists(b) and open(a).read() == open(b).read()
    check(same, "--file-names index: DIR/<i>_<item>.tsv (0-based, input order) hold what DIR/<name>_<item>.tsv hold")
    check(sorted(os.listdir(by_index)) == sorted(f"{i}_{s}.tsv" for i in range(3) for s in ("predictions", "diffs")),
          "--file-names index: nothing else written")
    # shards keep the index of the whole input
    sharded = os.path.join(d, "sharded") + "/"
    windows = os.path.join(d, "windows.s2f")  # --shard needs a file to count records in
    run("s2f-encode", "-q", "--fasta-records", fa, "-L", "500", "-o", windows, check=True)
    r = ism(windows, "--save", "diffs", "--tsv", sharded, "--file-names", "index", "--shard", "2/3",
            "-o", os.path.join(d, "c.s2f"))
    check(r.returncode == 0 and os.listdir(sharded) == ["1_diffs.tsv"],
          "--file-names index with --shard 2/3: the window keeps its index in the whole input")

    one = os.path.join(d, "one.fa")
    fasta(one, ["solo"])
    default_dir = os.path.join(d, "ismdir") + "/"
    r = ism("--fasta-records", one, "--save", "logits,predictions", "--tsv", default_dir, "--file-names", "prefix",
            "-o", os.path.join(d, "d.s2f"))
    check(r.returncode == 0 and sorted(os.listdir(default_dir)) == ["ism_logits.tsv", "ism_predictions.tsv"],
          "--file-names prefix with a directory: Selene's default prefix, DIR/ism_<item>.tsv")
    prefix = os.path.join(d, "deep", "er", "run1")
    r = ism("--fasta-records", one, "--save", "diffs", "--hdf5", prefix, "--file-names", "prefix",
            "-o", os.path.join(d, "e.s2f"))
    check(r.returncode == 0 and os.path.exists(prefix + "_diffs.h5") and os.path.exists(prefix + "_row_labels.txt"),
          "--file-names prefix: PREFIX_<item>.h5 and PREFIX_row_labels.txt, directories created")
    out = os.path.join(d, "f.s2f")
    r = ism("--fasta-records", fa, "--save", "diffs", "--tsv", os.path.join(d, "many"), "--file-names", "prefix",
            "-o", out)
    check(r.returncode == 1 and "--file-names prefix names the Selene files of one window" in r.stderr
          and not os.path.exists(out), "--file-names prefix with several windows: exit 1, no output")
    r = ism("--fasta-records", one, "--save", "diffs", "--tsv", os.path.join(d, "x"), "--file-names", "number",
            "-o", out)
    check(r.returncode == 2 and "--file-names 'number' is not one of name, index, prefix" in r.stderr,
          "--file-names with an unknown value: usage error")

    # ---- s2f-score creates the directory of its prefix -------------------------
    tensors = source_path("tests", "golden", "score", "tensors.s2f")
    vep = os.path.join(d, "vep", "out", "calls")
    r = run("s2f-score", "-q", "--stat", "diff", "--window", "3", "--tsv", vep, "--save", "diffs",
            "-o", os.path.join(d, "scores.s2f"), tensors)
    check(r.returncode == 0 and os.path.exists(vep + "_diffs.tsv"),
          "s2f-score --tsv into a directory that does not exist: created" + r.stderr)
    blocker = os.path.join(d, "blocker")
    open(blocker, "w").close()
    r = run("s2f-score", "-q", "--stat", "diff", "--window", "3", "--tsv", os.path.join(blocker, "calls"),
            "--save", "diffs", "-o", os.path.join(d, "scores2.s2f"), tensors)
    check(r.returncode == 3 and "cannot create directory" in r.stderr and not os.path.exists(os.path.join(d, "scores2.s2f")),
          "a prefix under a regular file: exit 3 naming the directory, no output")

    # ---- features lists as catalogs -------------------------------------------
    model = os.path.join(d, "tiny.h5")
    write_tiny_keras(model, rng.normal(size=(3, 4, 2)).astype(np.float32))
    seqs = os.path.join(d, "seqs.txt")
    with open(seqs, "w") as f:
        f.write("".join(np.array(list("ACGT"))[rng.integers(0, 4, 32)]) + "\n")
    feats = os.path.join(d, "distinct_features.txt")
    with open(feats, "w") as f:
        f.write("K562|CTCF|None\nGM12878|DNase|None\n")
    preds = os.path.join(d, "preds.s2f")
    r = run("s2f-predict", "-q", "-m", model, "--sequences", seqs, "--catalog", feats, "-o", preds)
    ok = r.returncode == 0
    if ok:
        with s2f_stream.read(preds) as s:
            tracks = s.meta.get("tracks", {})
        text = str(tracks)
        ok = "K562|CTCF|None" in text and "GM12878|DNase|None" in text
    check(ok, "--catalog features list: its names become the tracks, in line order" + r.stderr)
    r = run("s2f-predict", "-q", "-m", model, "--sequences", seqs, "--catalog", feats, "--select",
            "track_name=GM12878|DNase|None", "-o", preds)
    ok = r.returncode == 0
    if ok:
        with s2f_stream.read(preds) as s:
            ok = "K562|CTCF|None" not in str(s.meta.get("tracks", {}))
    check(ok, "--select picks a feature of the list by name" + r.stderr)
    r = run("s2f-predict", "-q", "-m", "demo", "--sequences", seqs, "--catalog", feats, "-o", preds)
    check(r.returncode == 1 and "a features list names the tracks of one head" in r.stderr,
          "a features list for a model of two heads: exit 1 saying why")
    dup = os.path.join(d, "dup.txt")
    with open(dup, "w") as f:
        f.write("A\n\nB\n")
    r = run("s2f-predict", "-q", "-m", model, "--sequences", seqs, "--catalog", dup, "-o", preds)
    check(r.returncode == 1 and "dup.txt:2" in r.stderr and "blank line" in r.stderr,
          "a blank line in a features list: exit 1 naming file:line")

finish()
