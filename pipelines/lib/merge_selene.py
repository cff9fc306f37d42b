#!/usr/bin/python3
"""Joins the Selene-compatible files of VEP shards, in shard order.

    merge_selene.py --format tsv|hdf5 --save diffs,... --na ENCODE.skipped.tsv \\
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
Every output is written under a temporary name and renamed when complete.
"""
import argparse
import os
import shutil
import sys

FILES = {  # --save item -> s2f-score's file suffixes (score/selene_files.cpp)
    "diffs": ["_diffs"],
    "abs_diffs": ["_abs_diffs"],
    "logits": ["_logits"],
    "predictions": [".ref_predictions", ".alt_predictions"],
}


def fail(msg):
    sys.stderr.write("merge_selene.py: error: %s\n" % msg)
    sys.exit(1)


def temp_name(path):
    d, b = os.path.split(path)
    return os.path.join(d or ".", ".%s.tmp.%d" % (b, os.getpid()))


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
    ap.add_argument("--save", default="diffs,abs_diffs,logits,predictions")
    ap.add_argument("--na", required=True, help="side file of the s2f-encode run over the whole VCF")
    ap.add_argument("-o", "--output", required=True, help="output prefix OUT/NAME")
    ap.add_argument("shards", nargs="+", help="shard prefixes, in shard order")
    a = ap.parse_args()

    ext = ".h5" if a.format == "hdf5" else ".tsv"
    for item in [s for s in a.save.split(",") if s]:
        if item not in FILES:
            fail("--save '%s' is not one of %s" % (item, ", ".join(FILES)))
        for suffix in FILES[item]:
            parts = [p + suffix + ext for p in a.shards]
            if a.format == "hdf5":
                join_hdf5(parts, a.output + suffix + ext)
            else:
                join_text(parts, a.output + suffix + ext)
    if a.format == "hdf5":
        join_text([p + "_row_labels.txt" for p in a.shards], a.output + "_row_labels.txt")
    tmp = temp_name(a.output + ".NA")
    shutil.copyfile(a.na, tmp)
    os.replace(tmp, a.output + ".NA")


if __name__ == "__main__":
    main()
