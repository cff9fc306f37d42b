"""s2f-score against a numpy reference: every statistic over a centred
window, layer tables, Selene-compatible TSV/HDF5 files, value emission for
reservoirs, and percentiles from a background built by s2f-reservoir and
s2f-merge-cdfs (with a geometry mismatch refused)."""

import json
import os
import tempfile

import numpy as np

import s2f_stream
from s2f_testing import WINDOW_IDENTITY_FIELDS, check, finish, run

BINS, TRACKS = 21, 3


def tool(name, args):
    return run(name, *args, timeout=120)


IDENTITY = WINDOW_IDENTITY_FIELDS
CATALOG = {"columns": ["track_index", "track_name", "output_type", "strand", "layer"],
           "rows": [["0", "dnase", "profile", ".", "ACC"], ["1", "h3k27ac", "profile", ".", "HIST"],
                    ["2", "rna", "profile", ".", "RNA"],
                    ["0", "dnase", "counts", ".", "ACC"], ["1", "h3k27ac", "counts", ".", "HIST"],
                    ["2", "rna", "counts", ".", "RNA"]]}


def write_tensors(path, n_variants, n_positions, seed, model_hash="sha256:abc"):
    rng = np.random.default_rng(seed)
    ids, allele, profile, counts = [], [], [], []
    for v in range(n_variants):
        base = rng.gamma(2.0, 1.0, size=(TRACKS, BINS)).astype(np.float32)
        for a in "RA":
            ids.append(f"var{seed}_{v}")
            allele.append(ord(a))
            p = base if a == "R" else (base * rng.uniform(0.5, 2.0, size=(TRACKS, 1))).astype(np.float32)
            profile.append(p)
            counts.append(rng.uniform(0.01, 0.99, size=(TRACKS, 1)).astype(np.float32))
    for p in range(n_positions):
        ids.append(f"pos{seed}_{p}")
        allele.append(ord("."))
        profile.append(rng.gamma(2.0, 1.0, size=(TRACKS, BINS)).astype(np.float32))
        counts.append(rng.uniform(0.01, 0.99, size=(TRACKS, 1)).astype(np.float32))
    n = len(ids)
    schema = IDENTITY + [{"name": "profile", "dtype": "f32", "shape": [TRACKS, BINS]},
                         {"name": "counts", "dtype": "f32", "shape": [TRACKS, 1]}]
    meta = {"tracks": CATALOG, "model": {"hash": model_hash},
            "geometry": {"heads": [{"name": "profile", "output_type": "profile", "kind": "profile", "bin_size": 1},
                                   {"name": "counts", "output_type": "counts", "kind": "scalar", "bin_size": 1}]}}
    batch = {"id": ids, "chrom": ["chr1"] * n, "pos": np.arange(n, dtype=np.int64), "strand": np.full(n, 43, np.uint8),
             "start": np.zeros(n, np.int64), "allele": np.array(allele, np.uint8),
             "ref": ["A" if a != ord(".") else "" for a in allele], "alt": ["G" if a != ord(".") else "" for a in allele],
             "ref_match": np.ones(n, np.uint8), "contains_unk": np.zeros(n, np.uint8),
             "profile": np.stack(profile), "counts": np.stack(counts)}
    s2f_stream.write(path, "tensors", schema, meta, [batch])
    return batch


def reference(stat, r, a, pc=None):
    sr, sa = r.sum(), a.sum()
    if stat == "ref": return sr
    if stat == "alt": return sa
    if stat in ("diff", "sad"): return sa - sr
    if stat == "abs_diff": return abs(sa - sr)
    if stat == "logit_diff":
        c = lambda x: np.clip(x, 1e-6, 1 - 1e-6)
        return np.log(c(sa) / (1 - c(sa))) - np.log(c(sr) / (1 - c(sr)))
    if stat == "log2fc": return np.log2((sa + (1 if pc is None else pc)) / (sr + (1 if pc is None else pc)))
    if stat == "logfc": return np.log((sa + (1e-3 if pc is None else pc)) / (sr + (1e-3 if pc is None else pc)))
    if stat == "l1": return np.abs(a - r).sum()
    if stat == "l2": return np.sqrt(((a - r) ** 2).sum())
    if stat == "max_abs_diff": return np.abs(a - r).max()
    if stat == "jsd":
        p = np.exp(r - r.max()); p /= p.sum()
        q = np.exp(a - a.max()); q /= q.sum()
        m = (p + q) / 2
        return 0.5 * (p * np.log2(p / m)).sum() + 0.5 * (q * np.log2(q / m)).sum()


def main():
    tmp = tempfile.mkdtemp(prefix="s2f-score-test-")
    preds = os.path.join(tmp, "preds.s2f")
    data = write_tensors(preds, 6, 2, seed=1)
    stats = ["ref", "alt", "diff", "abs_diff", "logit_diff", "log2fc", "logfc", "sad", "l1", "l2", "jsd", "max_abs_diff"]
    out = os.path.join(tmp, "scores.s2f")
    window = 5  # bins c-2 .. c+2 around c = 21 // 2 = 10
    r = tool("s2f-score", ["--stat", ",".join(stats), "--window", str(window), "-o", out, "-q", preds])
    check(r.returncode == 0, f"score runs ({r.stderr.strip()[-300:]})")
    got = s2f_stream.read(out).read_all()
    check(len(got["id"]) == 8, "6 variant pairs + 2 positions -> 8 scored records")
    lo, hi = BINS // 2 - window // 2, BINS // 2 + window // 2
    worst = 0.0
    for v in range(6):
        ref_p, alt_p = data["profile"][2 * v], data["profile"][2 * v + 1]
        ref_c, alt_c = data["counts"][2 * v], data["counts"][2 * v + 1]
        for s in stats:
            field = {"ref": "ref_pred", "alt": "alt_pred"}.get(s, s)
            for t in range(TRACKS):
                e = reference(s, ref_p[t, lo:hi + 1].astype(np.float64), alt_p[t, lo:hi + 1].astype(np.float64))
                worst = max(worst, abs(got[field][v, t] - e) / max(1.0, abs(e)))
                e = reference(s, ref_c[t].astype(np.float64), alt_c[t].astype(np.float64))
                worst = max(worst, abs(got[field][v, TRACKS + t] - e) / max(1.0, abs(e)))
    check(worst < 1e-5, f"every statistic equals the numpy reference (worst rel. error {worst:.2e})")
    check(np.isnan(got["diff"][6]).all() and np.allclose(got["ref_pred"][6, :TRACKS], data["profile"][12, :, lo:hi + 1].sum(1), rtol=1e-5),
          "a position record gets ref values and NaN for paired statistics")
    check(got["id"][0] == "var1_0" and got["alt"][0] == "G", "scores keep the variant id and alleles")
    meta = s2f_stream.read(out).meta
    check(meta["score"]["track_ids"] == ["profile/dnase", "profile/h3k27ac", "profile/rna", "counts/dnase",
                                         "counts/h3k27ac", "counts/rna"], "scored tracks are every head's channels, in order")

    # Layer table: per-track statistics joined through the catalog.
    layers = os.path.join(tmp, "layers.tsv")
    with open(layers, "w") as f:
        f.write("layer\tstatistic\twindow\tpseudocount\tsigned\nACC\tlog2fc\t3\t1\tfalse\n"
                "HIST\tsad\t9\t0\tfalse\nRNA\tlogfc\t0\t0.001\ttrue\n")
    out = os.path.join(tmp, "layered.s2f")
    r = tool("s2f-score", ["--layers", layers, "--layer-column", "layer", "-o", out, "-q", preds])
    check(r.returncode == 0, f"layer-table run ({r.stderr.strip()[-300:]})")
    got = s2f_stream.read(out).read_all()
    spec = {0: ("log2fc", 3), 1: ("sad", 9), 2: ("logfc", 0)}
    ok = True
    for v in range(6):
        for t, (s, w) in spec.items():
            a, b = (BINS // 2 - w // 2, BINS // 2 + w // 2) if w else (0, BINS - 1)
            e = reference(s, data["profile"][2 * v][t, a:b + 1].astype(np.float64),
                          data["profile"][2 * v + 1][t, a:b + 1].astype(np.float64))
            ok &= abs(got["effect"][v, t] - e) < 1e-5 * max(1, abs(e))
    check(ok, "layer table: accessibility log2fc/3 bins, histone sad/9 bins, RNA logfc/whole head")
    check(s2f_stream.read(out).meta["score"]["signed_flags"][2] is True, "RNA layer is signed")

    # Selene-compatible files.
    prefix = os.path.join(tmp, "vep")
    r = tool("s2f-score", ["--stat", "diff", "--tsv", prefix, "-o", os.path.join(tmp, "x.s2f"), "-q", preds])
    check(r.returncode == 0, "--tsv run")
    with open(prefix + "_diffs.tsv") as f:
        lines = f.read().splitlines()
    head = lines[0].split("\t")
    check(head[:8] == ["chrom", "pos", "name", "ref", "alt", "strand", "ref_match", "contains_unk"] and len(head) == 14,
          "Selene TSV columns: row labels then one column per track")
    row = lines[1].split("\t")
    check(row[1] == "1" and row[2] == "var1_0" and row[6] == "True" and abs(float(row[8]) - (data["profile"][1][0].sum() - data["profile"][0][0].sum())) < 1e-4,
          "Selene TSV row: 1-based pos, name, ref_match, full-head diff")
    for f in ("_abs_diffs.tsv", "_logits.tsv", ".ref_predictions.tsv", ".alt_predictions.tsv"):
        check(os.path.exists(prefix + f), f"PREFIX{f} written")
    r = tool("s2f-score", ["--hdf5", prefix, "--save", "diffs", "-o", os.path.join(tmp, "y.s2f"), "-q", preds])
    import h5py
    with h5py.File(prefix + "_diffs.h5") as h:
        check(h["data"].shape == (8, 6) and h["data"].dtype == np.float32, "Selene HDF5 `data` is rows x tracks float32")
    check(open(prefix + "_row_labels.txt").readline().startswith("chrom\tpos\tname"), "row labels file")

    # --selene-files names exactly the files a run writes (what the workflows ask).
    for fmt, save in (("--tsv", []), ("--hdf5", ["--save", "logits,predictions"])):
        d = tempfile.mkdtemp(dir=tmp)
        p = os.path.join(d, "sel")
        listed = tool("s2f-score", ["-q", "--selene-files", fmt, p] + save)
        r = tool("s2f-score", ["--stat", "diff", fmt, p] + save + ["-o", os.path.join(tmp, "sel.s2f"), "-q", preds])
        written = sorted(os.path.join(d, f) for f in os.listdir(d))
        check(listed.returncode == 0 and r.returncode == 0 and sorted(listed.stdout.splitlines()) == written,
              f"--selene-files {fmt} {' '.join(save)} lists the files written ({listed.stdout.split()})")
    expected = [prefix + s for s in ("_logits.h5", ".ref_predictions.h5", ".alt_predictions.h5", "_row_labels.txt")]
    listed = tool("s2f-score", ["-q", "--selene-files", "--hdf5", prefix, "--save", "logits,predictions"])
    check(listed.stdout.splitlines() == expected, "--selene-files: Selene's names, in the order written")
    r = tool("s2f-score", ["-q", "--selene-files", "--save", "diffs"])
    check(r.returncode == 2 and "--selene-files lists the files of --tsv PREFIX or --hdf5 PREFIX" in r.stderr,
          "--selene-files without --tsv/--hdf5 is a usage error")
    r = tool("s2f-score", ["-q", "--selene-files", "--tsv", prefix, "--save", "diffs,bogus"])
    check(r.returncode == 2 and "--save 'bogus' is not one of" in r.stderr, "--selene-files checks --save")

    # Backgrounds: emit -> reservoir -> merge-cdfs -> percentiles.
    bg = os.path.join(tmp, "bg.s2f")
    write_tensors(bg, 300, 300, seed=2)
    common = ["--stat", "log2fc", "--window", "5"]
    for kind in ("effect", "summary", "perbin"):
        r = tool("s2f-score", common + ["--emit", kind, "-o", os.path.join(tmp, f"{kind}.values.s2f"), "-q", bg])
        check(r.returncode == 0, f"--emit {kind} ({r.stderr.strip()[-200:]})")
    v = s2f_stream.read(os.path.join(tmp, "perbin.values.s2f")).read_all()
    check(v["values"].shape == (600, 6, 32), "perbin: 32 bins per record per track")
    r2 = tool("s2f-score", common + ["--emit", "perbin", "-o", os.path.join(tmp, "perbin2.s2f"), "-q", bg])
    v2 = s2f_stream.read(os.path.join(tmp, "perbin2.s2f")).read_all()
    check(np.array_equal(v["values"], v2["values"], equal_nan=True), "perbin draws are deterministic")
    check(np.isnan(v["values"][:, TRACKS:]).all() and np.isfinite(v["values"][:, :TRACKS]).all(),
          "perbin: the scalar counts head has no per-bin values (NaN), the profile head does")
    eff = s2f_stream.read(os.path.join(tmp, "effect.values.s2f")).read_all()["values"][:, :, 0]
    check(eff.shape == (300, 6) and (eff >= 0).all(), "effect values: one per variant, |effect| for unsigned tracks")
    res = []
    for kind in ("effect", "summary", "perbin"):
        path = os.path.join(tmp, f"{kind}.res.s2f")
        r = tool("s2f-reservoir", ["-o", path, "-q", os.path.join(tmp, f"{kind}.values.s2f")])
        check(r.returncode == 0, f"reservoir of {kind} values ({r.stderr.strip()[-200:]})")
        res.append(path)
    npz = os.path.join(tmp, "bg_pertrack.npz")
    r = tool("s2f-merge-cdfs", ["--name", "bg", "--out-dir", tmp, "-q"] + res)
    check(r.returncode == 0, f"merge-cdfs ({r.stderr.strip()[-300:]})")
    if r.returncode == 0:
        out = os.path.join(tmp, "pct.s2f")
        r = tool("s2f-score", common + ["--cdf", npz, "-o", out, "-q", preds])
        check(r.returncode == 0, f"--cdf run ({r.stderr.strip()[-300:]})")
        got = s2f_stream.read(out).read_all()
        z = np.load(npz)
        ok = True
        for v_ in range(6):
            for t in range(6):
                row = z["effect_cdfs"][t]
                x = abs(got["log2fc"][v_, t])
                lo_, hi_ = np.searchsorted(row, x, "left"), np.searchsorted(row, x, "right")
                if x < row[0]: e = 0.0
                elif x > row[-1]: e = 1.0
                elif lo_ != hi_: e = (lo_ + hi_ - 1) / 2 / (len(row) - 1)
                else:
                    i = lo_ - 1
                    e = (i + (x - row[i]) / (row[i + 1] - row[i])) / (len(row) - 1)
                ok &= abs(got["effect_pct"][v_, t] - e) < 1e-4
        check(ok, "effect percentiles equal a numpy lookup in the merged CDF")
        check(((got["activity_pct"][:6] >= 0) & (got["activity_pct"][:6] <= 1)).all(), "activity percentiles in [0, 1]")
        r = tool("s2f-score", ["--stat", "log2fc", "--window", "7", "--cdf", npz, "-o", os.path.join(tmp, "bad.s2f"), preds])
        check(r.returncode != 0 and "window" in r.stderr, "a CDF built with another window is refused, naming the field")

    # Pairing errors.
    bad = os.path.join(tmp, "unpaired.s2f")
    d = write_tensors(bad, 1, 0, seed=3)
    dd = {k: (v[1:] if not isinstance(v, list) else v[1:]) for k, v in d.items()}
    s2f_stream.write(bad, "tensors", IDENTITY + [{"name": "profile", "dtype": "f32", "shape": [TRACKS, BINS]},
                                                 {"name": "counts", "dtype": "f32", "shape": [TRACKS, 1]}],
                     {"tracks": CATALOG}, [dd])
    r = tool("s2f-score", ["-o", os.path.join(tmp, "z.s2f"), bad])
    check(r.returncode == 1 and "alt record without its ref" in r.stderr, "an alt record without its ref is an error")
    r = tool("s2f-score", ["-o", os.path.join(tmp, "z.s2f"), os.path.join(tmp, "effect.values.s2f")])
    check(r.returncode == 1 and "expected a tensors stream" in r.stderr, "a values stream is refused by kind")

    finish()


if __name__ == "__main__":
    main()
