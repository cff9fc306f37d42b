#!/usr/bin/python3
"""Joins the Selene-compatible files of VEP shards, in shard order.

    merge_selene.py --format tsv|hdf5 [--save diffs,...] --na ENCODE.skipped.tsv \\
        -o OUT/NAME  SHARD1_PREFIX SHARD2_PREFIX ...

Each shard prefix is what `s2f-score --tsv PREFIX` (or `--hdf5 PREFIX`) was
given for one slice of whole variants. The shards are consecutive slices of
one variant stream, so their rows concatenated in shard order are the rows an
unsharded run writes:
  tsv   PREFIX_diffs.tsv, ...: one header line (must be equal in every shard), rows
  hdf5  PREFIX_diffs.h5, ...: dataset 'data' stacked by rows;
        PREFIX_row_labels.txt: one header line, rows
and Selene's NA file (OUT/NAME.NA) is the side file of the single s2f-encode
run over the whole VCF (--na), which names each variant's VCF line.
The file names are s2f-score's: `s2f-score --selene-files` lists them for a
prefix (without --save, s2f-score's default items).
Every output is written under a temporary name and renamed when complete.
"""
import argparse
import os
import shutil
import subprocess
import sys


def fail(msg):
    sys.stderr.write("merge_selene.py: error: %s\n" % msg)
    sys.exit(1)


def temp_name(path):
    d, b = os.path.split(path)
    return os.path.join(d or ".", ".%s.tmp.%d" % (b, os.getpid()))


def selene_files(s2f_score, fmt, save, prefix):
    """The files `s2f-score --tsv|--hdf5 PREFIX --save SAVE` writes, in order."""
    cmd = [s2f_score, "-q", "--selene-files", "--" + fmt, prefix] + (["--save", save] if save else [])
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        fail("%s not found (give --s2f-score PATH, or put the s2f tools on PATH)" % s2f_score)
    if r.returncode != 0:
        fail("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout.splitlines()


def join_text(parts, out):
    tmp = temp_name(out)
    header = None
    with open(tmp, "w") as w:
        for p in parts:
            if not os.path.exists(p):
                fail("missing shard output %s" % p)
            with open(p) as f:
                h = f.readline()
                if header is None:
                    header = h
                    w.write(h)
                elif h != header:
                    fail("%s has a different header line from %s" % (p, parts[0]))
                shutil.copyfileobj(f, w)
    os.replace(tmp, out)


def join_hdf5(parts, out):
    import h5py
    import numpy as np
    blocks = []
    for p in parts:
        if not os.path.exists(p):
            fail("missing shard output %s" % p)
        with h5py.File(p, "r") as f:
            blocks.append(f["data"][:])
    widths = {b.shape[1] for b in blocks}
    if len(widths) != 1:
        fail("shards have different numbers of tracks: %s" % sorted(widths))
    data = np.concatenate(blocks, axis=0)
    tmp = temp_name(out)
    with h5py.File(tmp, "w") as f:
        f.create_dataset("data", data=data)
    os.replace(tmp, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--format", choices=["tsv", "hdf5"], required=True)
    ap.add_argument("--save", help="Selene items, as given to s2f-score (default: s2f-score's)")
    ap.add_argument("--na", required=True, help="side file of the s2f-encode run over the whole VCF")
    ap.add_argument("--s2f-score", default="s2f-score", help="the s2f-score that names the files")
    ap.add_argument("-o", "--output", required=True, help="output prefix OUT/NAME")
    ap.add_argument("shards", nargs="+", help="shard prefixes, in shard order")
    a = ap.parse_args()

    outputs = selene_files(a.s2f_score, a.format, a.save, a.output)
    inputs = [selene_files(a.s2f_score, a.format, a.save, p) for p in a.shards]
    for i, out in enumerate(outputs):
        parts = [files[i] for files in inputs]
        if out.endswith(".h5"):
            join_hdf5(parts, out)
        else:  # TSV matrices and row labels: one header line, then rows
            join_text(parts, out)
    tmp = temp_name(a.output + ".NA")
    shutil.copyfile(a.na, tmp)
    os.replace(tmp, a.output + ".NA")


if __name__ == "__main__":
    main()
