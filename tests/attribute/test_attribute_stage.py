#!/usr/bin/python3
"""s2f-attribute as a stage, on the demo model:
* memory stays flat in the number of records (peak RSS of 8 and of 96
  records within 15%);
* -t 1 and -t 2 write the same bytes, and --shard 1/3..3/3 joined equal the
  unsharded stream;
* the stream's projected contributions sum to the mean of t(x) - t(r_i)
  (summation to delta, with t read from s2f-predict's counts for x and for
  each reference of --reference-file);
* an ensemble of two copies of a model gives that model's contributions
  (the members' mean of equal values);
* each bad request fails with a message naming the problem and the fix.
"""
import os
import re

import numpy as np

import s2f_stream
from s2f_testing import check, expect_failure, finish, run, temp_dir

L = 500


def fasta(path, n, seed):
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        for i in range(n):
            f.write(f">r{i}\n" + "".join(np.array(list("ACGT"))[rng.integers(0, 4, L)]) + "\n")


def peak_rss(stderr):
    m = re.search(r"peak RSS ([0-9.]+) MB", stderr)
    return float(m.group(1)) if m else None


def main():
    with temp_dir("s2f-attribute-") as tmp:
        p = lambda name: os.path.join(tmp, name)
        fasta(p("few.fa"), 8, 1)
        fasta(p("many.fa"), 96, 2)
        rss = []
        for name in ("few", "many"):
            r = run("s2f-attribute", "--model", "demo", "--fasta-records", p(name + ".fa"), "--references", 4,
                    "-t", 2, "-o", p(name + ".s2f"), check=True)
            rss.append(peak_rss(r.stderr))
        if "ASAN_OPTIONS" in os.environ:  # AddressSanitizer's quarantine keeps freed memory: RSS says nothing here
            print(f"note: peak RSS not compared under the sanitizers ({rss[0]} MB, {rss[1]} MB)")
        else:
            check(None not in rss and rss[1] <= 1.15 * rss[0],
                  f"peak RSS flat in the records: {rss[0]} MB, {rss[1]} MB")

        run("s2f-encode", "-q", "--fasta-records", p("few.fa"), "-L", L, "-o", p("few.win.s2f"), check=True)
        outs = {}
        for t in (1, 2):
            run("s2f-attribute", "-q", "--model", "demo", p("few.win.s2f"), "--references", 6, "-t", t,
                "-o", p(f"t{t}.s2f"), check=True)
            outs[t] = run("s2f-view", "-q", "--no-header-line", p(f"t{t}.s2f"), check=True).stdout
        check(outs[1] == outs[2] and len(outs[1]) > 0, "-t 1 and -t 2 write the same records")
        parts = []
        for k in (1, 2, 3):
            run("s2f-attribute", "-q", "--model", "demo", p("few.win.s2f"), "--references", 6, "--shard", f"{k}/3",
                "-o", p(f"shard{k}.s2f"), check=True)
            parts.append(p(f"shard{k}.s2f"))
        run("s2f-view", "-q", "--s2f", "-o", p("joined.s2f"), *parts, check=True)
        joined = run("s2f-view", "-q", "--no-header-line", p("joined.s2f"), check=True).stdout
        check(joined == outs[1], "--shard 1/3..3/3 joined equal the unsharded run")

        # Summation to delta through the stage: references from a file, t from s2f-predict.
        rng = np.random.default_rng(5)
        refs = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (3, L))]
        np.save(p("refs.npy"), refs)
        with open(p("refs.fa"), "w") as f:
            for i, r in enumerate(refs):
                f.write(f">ref{i}\n" + "".join("ACGT"[j] for j in r.argmax(axis=1)) + "\n")
        run("s2f-attribute", "-q", "--model", "demo", p("few.win.s2f"), "--reference-file", p("refs.npy"),
            "--target", "counts", "--project", "-o", p("proj.s2f"), check=True)
        proj = s2f_stream.read(p("proj.s2f")).read_all()["contrib"].astype(np.float64)
        counts = {}
        for name, src in (("x", p("few.fa")), ("r", p("refs.fa"))):
            run("s2f-predict", "-q", "--model", "demo", "--heads", "counts", "--fasta-records", src,
                "-o", p(name + ".pred.s2f"), check=True)
            counts[name] = s2f_stream.read(p(name + ".pred.s2f")).read_all()["counts"].reshape(-1).astype(np.float64)
        expected = counts["x"] - counts["r"].mean()
        got = proj.sum(axis=(1, 2))
        scale = max(np.abs(counts["x"]).max(), np.abs(counts["r"]).max())
        check(np.abs(got - expected).max() <= 1e-4 * scale,
              f"projected contributions sum to mean(t(x) - t(r)) (largest gap {np.abs(got - expected).max():.2e})")

        run("s2f-attribute", "-q", "--model", "demo", "--model", "demo", p("few.win.s2f"), "--references", 6,
            "-o", p("ensemble.s2f"), check=True)
        two = s2f_stream.read(p("ensemble.s2f")).read_all()["contrib"]
        one = s2f_stream.read(p("t1.s2f")).read_all()["contrib"]
        check(np.array_equal(two, one), "an ensemble of two copies of the demo model gives its contributions")

        win = p("few.win.s2f")
        for args, message in (
                (["--method", "ism"], "s2f-ism --attr"),
                (["--method", "lime"], "unknown --method"),
                (["--objective", "max"], "unknown --objective"),
                (["--references", 0], "--references must be at least 1"),
                (["--background", "gc"], "unknown --background"),
                (["--method", "grad", "--background", "zero"], "for --method deepshap"),
                (["--reference-file", p("refs.npy"), "--background", "zero"], "not both"),
                (["--target", "nohead"], "nohead"),
                (["--reference-file", p("few.fa")], "few.fa"),
                (["--exec", "cat"], "--exec"),
        ):
            ok, r = expect_failure("s2f-attribute", ["--model", "demo", win, *map(str, args), "-o", p("bad.s2f")],
                                   2, message)
            if not ok:
                ok, r = expect_failure("s2f-attribute", ["--model", "demo", win, *map(str, args), "-o", p("bad.s2f")],
                                       1, message)
            check(ok and not os.path.exists(p("bad.s2f")),
                  f"{' '.join(map(str, args))}: fails naming '{message}' ({r.returncode}: {r.stderr.strip()[:120]})")
        np.save(p("short.npy"), refs[:, :100])
        ok, r = expect_failure("s2f-attribute", ["--model", "demo", win, "--reference-file", p("short.npy"),
                                                 "-o", p("bad.s2f")], 1, "shape (N, 500, 4)")
        check(ok, f"references of the wrong length fail naming the shape ({r.stderr.strip()[:120]})")
        r = run("s2f-attribute", "--help")
        check(r.returncode == 0 and "s2f-attribute -m" in r.stdout and "summation" in r.stdout,
              "--help shows examples and the convergence check")
    finish()


if __name__ == "__main__":
    main()
