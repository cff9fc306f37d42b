"""s2f-score --emit with several kinds and the background edge cases:
  - one pass with --emit effect,summary,perbin writes the same values, byte
    for byte in the arrays, as one run per kind; -o names each with {kind};
  - perbin leaves out tracks of one-bin (scalar) heads (NaN, which reservoirs
    do not count) and is refused for a stream with scalar heads only;
  - a track with zero (or fewer than --min-samples) background values gets a
    NaN percentile and is named on stderr and in the header, never 1.0;
  - effect_pct works without summary_cdfs and activity_pct without
    effect_cdfs; an archive with neither is refused;
  - --percentile-rule searchsorted is chorus's lookup (numpy searchsorted
    over the point count), checked against numpy;
  - --cdf NAME finds NAME_pertrack.npz in the background directory.
Reference values are computed here with numpy from the published rules."""

import json
import os

import numpy as np

import s2f_stream
from s2f_testing import WINDOW_IDENTITY_FIELDS, check, finish, run, temp_dir

BINS, TRACKS = 24, 3
CATALOG = {"columns": ["track_index", "track_name", "output_type"],
           "rows": [[str(t), f"assay{t}", "profile"] for t in range(TRACKS)] +
                   [[str(t), f"assay{t}", "counts"] for t in range(TRACKS)]}
HEADS = [{"name": "profile", "output_type": "profile", "kind": "profile", "bin_size": 1},
         {"name": "counts", "output_type": "counts", "kind": "scalar", "bin_size": 1}]


def tool(name, args):
    return run(name, *args, timeout=120)


def write_tensors(path, n_variants, n_positions, seed, heads=("profile", "counts")):
    """Variants (ref then alt record) followed by single windows."""
    rng = np.random.default_rng(seed)
    ids, allele, profile, counts = [], [], [], []
    for v in range(n_variants):
        base = rng.gamma(2.0, 1.0, size=(TRACKS, BINS)).astype(np.float32)
        for a in "RA":
            ids.append(f"v{v}")
            allele.append(ord(a))
            profile.append(base if a == "R" else (base * rng.uniform(0.5, 2.0, (TRACKS, 1))).astype(np.float32))
            counts.append(rng.uniform(0.5, 5.0, (TRACKS, 1)).astype(np.float32))
    for p in range(n_positions):
        ids.append(f"p{p}")
        allele.append(ord("."))
        profile.append(rng.gamma(2.0, 1.0, size=(TRACKS, BINS)).astype(np.float32))
        counts.append(rng.uniform(0.5, 5.0, (TRACKS, 1)).astype(np.float32))
    n = len(ids)
    fields = {"profile": [TRACKS, BINS], "counts": [TRACKS, 1]}
    schema = WINDOW_IDENTITY_FIELDS + [{"name": h, "dtype": "f32", "shape": fields[h]} for h in heads]
    rows = [r for r in CATALOG["rows"] if r[2] in heads]
    meta = {"tracks": {"columns": CATALOG["columns"], "rows": rows}, "model": {"hash": "sha256:emit"},
            "geometry": {"heads": [h for h in HEADS if h["name"] in heads]}}
    batch = {"id": ids, "chrom": ["chr1"] * n, "pos": np.arange(n, dtype=np.int64), "strand": np.full(n, 43, np.uint8),
             "start": np.zeros(n, np.int64), "allele": np.array(allele, np.uint8),
             "ref": ["A" if a != ord(".") else "" for a in allele], "alt": ["G" if a != ord(".") else "" for a in allele],
             "ref_match": np.ones(n, np.uint8), "contains_unk": np.zeros(n, np.uint8)}
    if "profile" in heads:
        batch["profile"] = np.stack(profile)
    if "counts" in heads:
        batch["counts"] = np.stack(counts)
    s2f_stream.write(path, "tensors", schema, meta, [batch])


def read(path):
    s = s2f_stream.read(path)
    return s.meta, s.read_all()


def main():
    with temp_dir() as tmp:
        p = lambda *a: os.path.join(tmp, *a)
        preds = p("preds.s2f")
        write_tensors(preds, 40, 60, seed=5)
        common = ["-q", "--stat", "log2fc", "--window", "5", "--seed", "7"]

        # One pass == one run per kind.
        r = tool("s2f-score", common + ["--emit", "perbin,effect,summary", "-o", p("all.{kind}.s2f"), preds])
        check(r.returncode == 0, f"--emit perbin,effect,summary ({r.stderr.strip()[-300:]})")
        for kind in ("effect", "summary", "perbin"):
            r = tool("s2f-score", common + ["--emit", kind, "-o", p(f"one.{kind}.s2f"), preds])
            check(r.returncode == 0, f"--emit {kind} alone")
            m1, a1 = read(p(f"all.{kind}.s2f"))
            m2, a2 = read(p(f"one.{kind}.s2f"))
            check(list(a1["id"]) == list(a2["id"]) and np.array_equal(a1["values"], a2["values"], equal_nan=True),
                  f"{kind}: one pass writes the values of a run of its own")
            check(m1["value_kind"] == kind and m1["geometry"] == m2["geometry"] and m1["tracks"] == m2["tracks"],
                  f"{kind}: same value kind, geometry and tracks in the header")
        _, eff = read(p("all.effect.s2f"))
        check(len(eff["id"]) == 40, "effect: one record per variant (single windows are not variants)")
        _, summ = read(p("all.summary.s2f"))
        check(len(summ["id"]) == 100, "summary: every ref window, variants' and positions'")

        # Scalar heads have no per-bin values.
        _, pb = read(p("all.perbin.s2f"))
        v = pb["values"]
        check(v.shape == (100, 2 * TRACKS, 32), "perbin: [records, tracks, 32]")
        check(np.isnan(v[:, TRACKS:, :]).all(), "perbin: the scalar head's tracks are NaN (omitted), not 32 copies")
        check(np.isfinite(v[:, :TRACKS, :]).all(), "perbin: the profile head's tracks hold values")
        src = s2f_stream.read(preds).read_all()
        ok = all(set(np.round(v[i, t], 6)) <= set(np.round(src["profile"][2 * min(i, 40) if i < 40 else 80 + (i - 40)][t], 6))
                 for i in range(100) for t in range(TRACKS))
        check(ok, "perbin: every value is a bin of the record's ref profile")
        only_scalar = p("scalar.s2f")
        write_tensors(only_scalar, 0, 10, seed=6, heads=("counts",))
        r = tool("s2f-score", common + ["--emit", "perbin", "-o", p("x.s2f"), only_scalar])
        check(r.returncode == 1 and "one-bin (scalar) head" in r.stderr and not os.path.exists(p("x.s2f")),
              "--emit perbin on a scalar-only stream is refused, nothing written")

        # Usage errors.
        for args, msg in ((["--emit", "summary,perbin", "-o", p("both.s2f")], "has no {kind}"),
                          (["--emit", "summary,summary", "-o", p("{kind}.s2f")], "names 'summary' twice"),
                          (["--emit", "summary,bogus", "-o", p("{kind}.s2f")], "--emit 'bogus' is not one of"),
                          (["--emit", "summary,perbin"], "has no {kind}")):
            r = tool("s2f-score", common + args + [preds])
            check(r.returncode == 2 and msg in r.stderr, f"usage error: {msg}")

        # Reservoirs and a merge with every kind.
        res = []
        for kind in ("effect", "summary", "perbin"):
            out = p(f"{kind}.res.s2f")
            r = tool("s2f-reservoir", ["-q", "-o", out, p(f"all.{kind}.s2f")])
            check(r.returncode == 0, f"reservoir {kind}")
            res.append(out)
        r = tool("s2f-merge-cdfs", ["-q", "--name", "bg", "--out-dir", tmp] + res)
        check(r.returncode == 0, f"merge-cdfs ({r.stderr.strip()[-300:]})")
        z = dict(np.load(p("bg_pertrack.npz")))
        check((z["perbin_counts"][TRACKS:] == 0).all() and (z["perbin_counts"][:TRACKS] == 100 * 32).all(),
              "perbin counts: 0 for scalar tracks, 32 per record otherwise")
        check(np.isnan(z["perbin_cdfs"][TRACKS:]).all(), "perbin rows of scalar tracks are NaN")
        cfg = json.loads(str(z["build_config"]))
        ids = [str(t) for t in z["track_ids"]]
        check(cfg["kinds"]["perbin"]["summary"]["too_few_samples"] == ids[TRACKS:],
              "build_config lists the tracks without per-bin values")

        # --min-samples in the merge: thinner kinds get NaN rows, listed.
        r = tool("s2f-merge-cdfs", ["-q", "--name", "thin", "--out-dir", tmp, "--min-samples", "41"] + res[:2])
        zt = dict(np.load(p("thin_pertrack.npz")))
        cfg = json.loads(str(zt["build_config"]))
        check(r.returncode == 0 and np.isnan(zt["effect_cdfs"]).all() and (zt["effect_counts"] == 40).all()
              and cfg["kinds"]["effect"]["summary"]["too_few_samples"] == ids and "fewer than 41 effect" in r.stderr,
              "merge --min-samples 41: 40 effects per track -> NaN rows, counts kept, tracks named")
        check(np.isfinite(zt["summary_cdfs"]).all(), "merge --min-samples 41: summary (100 values) keeps its rows")

        # Percentiles: reference lookups in numpy.
        def effect_ref(row, x, rule):
            x = abs(x)
            if rule == "searchsorted":
                return np.searchsorted(row, x, "left") / len(row)
            lo, hi = np.searchsorted(row, x, "left"), np.searchsorted(row, x, "right")
            if x < row[0]: return 0.0
            if x > row[-1]: return 1.0
            if lo != hi: return (lo + hi - 1) / 2 / (len(row) - 1)
            i = lo - 1
            return (i + (x - row[i]) / (row[i + 1] - row[i])) / (len(row) - 1)

        test = p("test.s2f")
        write_tensors(test, 12, 0, seed=8)

        def score(npz, *extra):
            out = p("pct.s2f")
            if os.path.exists(out):
                os.remove(out)
            r = tool("s2f-score", ["-q", "--stat", "log2fc", "--window", "5", "--cdf", npz, "-o", out, test, *extra])
            return r, (read(out) if r.returncode == 0 else (None, None))

        for rule in ("interpolate", "searchsorted"):
            r, (meta, got) = score(p("bg_pertrack.npz"), "--percentile-rule", rule)
            check(r.returncode == 0, f"--percentile-rule {rule} ({r.stderr.strip()[-200:]})")
            want = np.array([[effect_ref(z["effect_cdfs"][t], got["log2fc"][i, t], rule) for t in range(2 * TRACKS)]
                             for i in range(12)])
            check(np.allclose(got["effect_pct"], want, atol=1e-5), f"{rule}: effect_pct equals the numpy lookup")
            check(meta["score"]["cdf_flags"]["rule"] == rule, f"{rule}: the rule is recorded in the header")

        # A chorus-style archive: track 1 has zero samples (a row of zeros).
        rows = np.sort(np.random.default_rng(9).gamma(1.0, 1.0, (2 * TRACKS, 100)), axis=1).astype(np.float32)
        counts = np.full(2 * TRACKS, 500, np.int64)
        zero = rows.copy()
        zero[1] = 0.0
        zc = counts.copy()
        zc[1] = 0

        def archive(name, **arrays):
            path = p(name)
            np.savez(path, track_ids=np.array(ids), signed_flags=np.zeros(2 * TRACKS, bool), **arrays)
            return path

        chorus = archive("chorus_pertrack.npz", effect_cdfs=zero, effect_counts=zc, summary_cdfs=rows,
                         summary_counts=counts)
        r, (meta, got) = score(chorus)
        pct = got["effect_pct"] if got is not None else None
        check(r.returncode == 0 and np.isnan(pct[:, 1]).all() and np.isfinite(pct[:, [0, 2, 3, 4, 5]]).all(),
              "a zero-sample track gets NaN effect_pct, the others numbers")
        check(r.returncode == 0 and ids[1] in r.stderr and "fewer than 1 effect" in r.stderr,
              "the zero-sample track is named on stderr")
        check(meta is not None and meta["score"]["cdf_flags"]["effect"]["too_few_samples"] == [ids[1] + " (0)"],
              "the zero-sample track is flagged in the output header")
        r, (meta, got) = score(chorus, "--percentile-rule", "searchsorted")
        check(r.returncode == 0 and np.isnan(got["effect_pct"][:, 1]).all(),
              "searchsorted: the zero-sample track is NaN, not chorus's 1.0")
        # Negative control: the same row with a count is ranked (zeros row: every |effect| > 0 -> 1.0).
        ok_zero = archive("counted_pertrack.npz", effect_cdfs=zero, effect_counts=counts, summary_cdfs=rows,
                          summary_counts=counts)
        r, (meta, got) = score(ok_zero, "--percentile-rule", "searchsorted")
        check(r.returncode == 0 and (got["effect_pct"][:, 1] == 1.0).all(),
              "control: with a sample count the same row is used (1.0 above every point)")
        r, (meta, got) = score(archive("few_pertrack.npz", effect_cdfs=rows, effect_counts=counts, summary_cdfs=rows,
                                       summary_counts=counts), "--min-samples", "501")
        check(r.returncode == 0 and np.isnan(got["effect_pct"]).all() and np.isnan(got["activity_pct"]).all(),
              "--min-samples 501 against 500 samples: every percentile NaN")

        # Each matrix is optional.
        r, (meta, got) = score(archive("effect_only_pertrack.npz", effect_cdfs=rows, effect_counts=counts))
        check(r.returncode == 0 and np.isfinite(got["effect_pct"]).all() and np.isnan(got["activity_pct"]).all()
              and "no summary_cdfs" in r.stderr and meta["score"]["cdf_flags"]["summary"]["matrix"] is False,
              "effect percentiles without summary_cdfs; activity_pct NaN, said on stderr and in the header")
        r, (meta, got) = score(archive("summary_only_pertrack.npz", summary_cdfs=rows, summary_counts=counts))
        check(r.returncode == 0 and np.isnan(got["effect_pct"]).all() and np.isfinite(got["activity_pct"]).all()
              and "no effect_cdfs" in r.stderr, "activity percentiles without effect_cdfs")
        r, _ = score(archive("none_pertrack.npz"))
        check(r.returncode == 1 and "neither effect_cdfs nor summary_cdfs" in r.stderr,
              "an archive with neither matrix is refused")
        # A background by name, from the background directory.
        env = dict(os.environ, S2F_BACKGROUNDS=tmp)
        r = run("s2f-score", "-q", "--stat", "log2fc", "--window", "5", "--cdf", "chorus", "-o", p("named.s2f"), test,
                env=env)
        meta = read(p("named.s2f"))[0] if r.returncode == 0 else {}
        check(r.returncode == 0 and meta["score"]["cdf"] == p("chorus_pertrack.npz"),
              "--cdf NAME reads $S2F_BACKGROUNDS/NAME_pertrack.npz and records the path")
        r = run("s2f-score", "-q", "--cdf", "absent", "-o", p("named2.s2f"), test, env=env)
        check(r.returncode == 1 and p("absent_pertrack.npz") in r.stderr and "--name absent" in r.stderr,
              "--cdf with an unknown name names the path looked at and how to build it")
        r = tool("s2f-score", ["-q", "--cdf", chorus, "--percentile-rule", "nearest", "-o", p("y.s2f"), test])
        check(r.returncode == 2 and "--percentile-rule 'nearest' is not one of" in r.stderr, "unknown rule: usage error")
    finish()


if __name__ == "__main__":
    main()
