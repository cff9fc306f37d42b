#!/usr/bin/python3
"""Genome tracks end to end on the synthetic genome and the demo model
(500 bp in, a 300-bin profile head with 2 strands and a log-count head):

* tiling (s2f-sample-positions --strategy tile): the output windows cover
  every base of every chromosome exactly once except the documented edges
  (the first and last 100 bp: listed in the side file) and the last tile's
  overlap; a BED of regions in any order, with flanks, lines off the genome
  and past chromosome ends (side-file entries);
* bigWig (and bedGraph) read back with pyBigWig (Debian python3-pybigwig,
  an independent reader) equal, at every base of the genome, the stream's
  float32 values placed and stitched by the documented rules, restated here
  with numpy: profile logits, probabilities, counts-scaled coverage,
  the log-count head, average stitching, per-bin heads (bin size 8, cuts
  inside bins), scores over their window, projected ISM contributions;
* shard outputs joined equal the unsharded files byte for byte;
* s2f-call-hits on the contribution bigWig + the peaks BED + the genome finds
  the same hits as on the same contributions given as a stream; a damaged
  bigWig, one of another genome and a missing --genome are clear errors;
* bad input: a stream without a reference index, records out of genome
  order, windows without coordinates, variant windows, the wrong stream
  kind — each a clear error, and no track file left behind.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pyBigWig

import s2f_stream
from s2f_testing import PYTHON, SOURCE_DIR, check, finish, run, temp_dir, tool_path

L, OUT, CONTEXT = 500, 300, 100  # the demo model: input, profile output, context each side


def sh(cmd, cwd):
    """A pipe of stages, with the build's binaries first on PATH."""
    env = dict(os.environ, PATH=os.path.dirname(tool_path("s2f-view")) + os.pathsep + os.environ["PATH"])
    r = subprocess.run(cmd, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"{cmd} exited {r.returncode}:\n{r.stderr}")
    return r


def read(path):
    return s2f_stream.read(path).read_all()


def fasta_sizes(genome):
    """Sequence lengths read from the FASTA itself (not from s2f)."""
    sizes, name = {}, None
    for line in open(genome):
        if line.startswith(">"):
            name = line[1:].split()[0]
            sizes[name] = 0
        else:
            sizes[name] += len(line.strip())
    return sizes


def bw_track(path, sizes):
    """Every base of every chromosome as pyBigWig reads it (NaN = no data)."""
    bw = pyBigWig.open(path)
    check(bw is not None and bw.isBigWig(), f"pyBigWig opens {os.path.basename(path)}")
    check(bw.chroms() == sizes, f"{os.path.basename(path)}: chromosome sizes are the reference index")
    out = {c: np.array(bw.values(c, 0, n), dtype=np.float64) for c, n in sizes.items()}
    header = bw.header()
    bw.close()
    return out, header


def bedgraph_track(path, sizes):
    out = {c: np.full(n, np.nan) for c, n in sizes.items()}
    for line in open(path):
        c, s, e, v = line.split("\t")
        seg = out[c][int(s):int(e)]
        check_once = np.all(np.isnan(seg))
        if not check_once:
            raise AssertionError(f"{path}: overlapping lines at {c}:{s}")
        seg[:] = np.float32(float(v))
    return out


def stitched(windows, sizes, rule="midpoint"):
    """The stitching rule restated: windows (chrom, start, bin_size, values)
    -> per-base arrays. midpoint: nearest centre, ties to the earlier
    window; average: mean over covering windows (float64, then float32)."""
    val = {c: np.full(n, np.nan) for c, n in sizes.items()}
    best = {c: np.full(n, np.inf) for c, n in sizes.items()}
    total = {c: np.zeros(n) for c, n in sizes.items()}
    count = {c: np.zeros(n) for c, n in sizes.items()}
    for chrom, start, bin_size, values in windows:
        values = np.asarray(values, dtype=np.float32)
        end = start + bin_size * len(values)
        x = np.arange(start, end)
        per_base = np.repeat(values, bin_size).astype(np.float64)
        if rule == "midpoint":
            d = np.abs(2 * x + 1 - (start + end)).astype(np.float64)
            take = d < best[chrom][start:end]
            best[chrom][start:end][take] = d[take]
            val[chrom][start:end][take] = per_base[take]
        else:
            total[chrom][start:end] += per_base
            count[chrom][start:end] += 1
    if rule == "average":
        for c in sizes:
            with np.errstate(invalid="ignore"):
                val[c] = np.where(count[c] > 0, (total[c] / np.maximum(count[c], 1)).astype(np.float32), np.nan)
    return val


def same(got, want, what, rtol=0.0):
    ok = True
    for c in want:
        a, b = got[c], want[c]
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            ok = False
            i = int(np.nonzero(np.isnan(a) != np.isnan(b))[0][0])
            print(f"  {c}:{i} covered in one but not the other: got {a[i]}, want {b[i]}")
            break
        m = ~np.isnan(b)
        close = np.array_equal(a[m], b[m]) if rtol == 0 else np.allclose(a[m], b[m], rtol=rtol, atol=0)
        if not close:
            ok = False
            i = int(np.nonzero(a[m] != b[m])[0][0])
            print(f"  {c}: first difference at covered base {i}: got {a[m][i]!r}, want {b[m][i]!r}")
            break
    return check(ok, what)


def softmax(v):
    e = np.exp(v.astype(np.float64) - v.max())
    return e / e.sum()


def head_windows(d, head, track, transform=None, offset=CONTEXT, bin_size=1):
    out = []
    for i in range(len(d["id"])):
        v = d[head][i, track].astype(np.float64)
        if transform == "probabilities":
            v = softmax(v)
        elif transform == "counts":
            v = softmax(v) * np.exp(np.float64(d["counts"][i, 0, 0]))
        out.append((d["chrom"][i], int(d["start"][i]) + offset, bin_size, v.astype(np.float32)))
    return out


def test_tiling(tmp, genome, sizes):
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "tile", "--tile-length", OUT, "--input-length", L,
            "-o", f"{tmp}/tiles.s2f", cwd=tmp)
    check(r.returncode == 0, "tile the whole genome")
    d = read(f"{tmp}/tiles.s2f")
    cover = {c: np.zeros(n, dtype=int) for c, n in sizes.items()}
    for chrom, pos in zip(d["chrom"], d["pos"]):
        start = int(pos) - L // 2 + CONTEXT  # the output window of the input window s2f-encode centres on pos
        cover[chrom][start:start + OUT] += 1
    edges_ok = all(np.all(cover[c][:CONTEXT] == 0) and np.all(cover[c][n - CONTEXT:] == 0) for c, n in sizes.items())
    inner_ok = all(np.all(cover[c][CONTEXT:n - CONTEXT] >= 1) for c, n in sizes.items())
    check(edges_ok and inner_ok, "tiles cover every base except the first and last 100 bp of each chromosome")
    double = sum(int(np.sum(cover[c] > 1)) for c in sizes)
    overlap = {c: OUT - (n - 2 * CONTEXT) % OUT for c, n in sizes.items() if (n - 2 * CONTEXT) % OUT}
    check(double == sum(overlap.values()), f"only each chromosome's shifted-back last tile overlaps ({double} bp)")
    skipped = [line.rstrip("\n").split("\t") for line in open(f"{tmp}/tiles.s2f.skipped.tsv")][1:]
    want = sorted(f"{c}:{a}-{b}" for c, n in sizes.items() for a, b in ((0, CONTEXT), (n - CONTEXT, n)))
    check(sorted(s[0] for s in skipped) == want and all("no 500-bp input window fits" in s[2] for s in skipped),
          "the side file lists exactly the uncovered chromosome edges, with the reason")
    check(list(d["id"][:2]) == ["chr1:100-400", "chr1:400-700"], "tile ids are their output windows")

    # A BED of regions: unsorted, overlapping, one on an unknown chromosome,
    # one past a chromosome's end, one starting beyond it, one tiny one.
    bed = f"{tmp}/regions.bed"
    with open(bed, "w") as f:
        f.write("chr2\t5000\t5100\tb\n")
        f.write("chr1\t20000\t21000\ta\n")
        f.write("chr1\t20500\t22000\ta2\n")
        f.write("chrUn\t10\t20\tunknown\n")
        f.write("chr3\t119800\t130000\tpast_end\n")
        f.write("chr3\t200000\t200100\tbeyond\n")
        f.write("chrM\t1000\t1001\ttiny\n")
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "tile", "--tile-length", OUT, "--input-length", L,
            "--intervals", bed, "--flank", 50, "-o", f"{tmp}/regions.s2f", cwd=tmp)
    check(r.returncode == 0, "tile a BED of regions")
    t = read(f"{tmp}/regions.s2f")
    keys = [(list(sizes).index(c), int(p)) for c, p in zip(t["chrom"], t["pos"])]
    check(keys == sorted(keys) and len(set(keys)) == len(keys), "region tiles come in genome order, each once")
    cov = {c: np.zeros(n, dtype=bool) for c, n in sizes.items()}
    for chrom, pos in zip(t["chrom"], t["pos"]):
        cov[chrom][int(pos) - L // 2 + CONTEXT:int(pos) - L // 2 + CONTEXT + OUT] = True
    want_bases = [("chr1", 19950, 22050), ("chr2", 4950, 5150), ("chr3", 119750, 119900), ("chrM", 950, 1051)]
    check(all(cov[c][a:b].all() for c, a, b in want_bases), "every requested base (+- flank) inside the edges is covered")
    notes = [line.rstrip("\n").split("\t") for line in open(f"{tmp}/regions.s2f.skipped.tsv")][1:]
    text = "\n".join("\t".join(n) for n in notes)
    check("is not in the genome" in text and "regions.bed:4" in text, "a region on an unknown chromosome: side file, file:line")
    check("ends past the end of chr3" in text and "starts past the end of chr3" in text,
          "regions past a chromosome's end: side file")
    check(any(n[0] == "chr3:119900-120000" for n in notes), "the part within 100 bp of chr3's end: side file")

    r = run("s2f-sample-positions", "-g", genome, "--strategy", "tile", "--tile-length", OUT, "--input-length", L,
            "--intervals", bed, "--flank", 50, "--chromosomes", "chr1", "-o", f"{tmp}/chr1_regions.s2f", cwd=tmp)
    c1 = read(f"{tmp}/chr1_regions.s2f")
    check(r.returncode == 0 and set(c1["chrom"]) == {"chr1"} and len(c1["id"]) == sum(1 for c in t["chrom"] if c == "chr1"),
          "--intervals with --chromosomes: the regions on those chromosomes only")
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "tile", "--tile-length", OUT, "--input-length", L,
            "--chromosomes", "chr9", cwd=tmp)
    check(r.returncode == 2 and "'chr9' is not in the genome" in r.stderr, "--chromosomes with an unknown name: usage error")
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "tile", "--tile-length", OUT, cwd=tmp)
    check(r.returncode == 2 and "--input-length" in r.stderr, "tile without --input-length: usage error")
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "tile", "--tile-length", OUT, "--input-length", L,
            "--count", 5, cwd=tmp)
    check(r.returncode == 2 and "do not apply to --strategy tile" in r.stderr, "tile with --count: usage error")


def predict_tiles(tmp, genome, name, extra=""):
    sh(f"s2f-sample-positions -q -g {genome} --strategy tile --tile-length {OUT} --input-length {L} {extra} "
       f"| s2f-encode -q -g {genome} -L {L} | s2f-predict -q --model demo -o {name}", tmp)
    return read(f"{tmp}/{name}")


def test_prediction_tracks(tmp, genome, sizes):
    d = predict_tiles(tmp, genome, "preds.s2f")
    os.makedirs(f"{tmp}/bw", exist_ok=True)
    r = run("s2f-view", "--bigwig", "bw/", "--bedgraph", "bw/", "preds.s2f", cwd=tmp)
    check(r.returncode == 0, "s2f-view --bigwig --bedgraph on tiled predictions")
    names = sorted(os.listdir(f"{tmp}/bw"))
    check(names == sorted(f"{n}.{e}" for n in ["counts.demo_planted_grammar", "profile.demo_planted_grammar.+",
                                               "profile.demo_planted_grammar.-"] for e in ["bw", "bedGraph"]),
          "one bigWig and one bedGraph per track, named by track id")
    for track, strand in ((0, "+"), (1, "-")):
        want = stitched(head_windows(d, "profile", track), sizes)
        got, header = bw_track(f"{tmp}/bw/profile.demo_planted_grammar.{strand}.bw", sizes)
        same(got, want, f"profile {strand}: pyBigWig values == stream logits at every base (midpoint stitching)")
        same(bedgraph_track(f"{tmp}/bw/profile.demo_planted_grammar.{strand}.bedGraph", sizes), want,
             f"profile {strand}: bedGraph == the same values")
        check(header["nLevels"] >= 1, f"profile {strand}: the bigWig has zoom levels ({header['nLevels']})")
    counts_windows = [(c, int(s), OUT, np.array([v], dtype=np.float32))
                      for c, s, v in zip(d["chrom"], np.asarray(d["start"]) + CONTEXT, d["counts"][:, 0, 0])]
    got, _ = bw_track(f"{tmp}/bw/counts.demo_planted_grammar.bw", sizes)
    same(got, stitched(counts_windows, sizes), "log-count head: one value over each tile's output window")

    # Zoom levels (written by s2f while streaming) summarise the data: pyBigWig's
    # stats read them unless exact=True. Bins aligned to the zoom bins (40 bp x
    # 4^k from each chromosome start) make the zoom answers exact up to the
    # float32 sums stored in them.
    bw = pyBigWig.open(f"{tmp}/bw/profile.demo_planted_grammar.+.bw")
    want = stitched(head_windows(d, "profile", 0), sizes)
    zoom_ok = True
    for chrom, span, bins in (("chr1", 163840, 64), ("chr2", 10240, 16), ("chr3", 120000, 1), ("chrM", 2560, 4)):
        v = want[chrom][:span].reshape(bins, -1)
        covered = ~np.isnan(v)
        for kind, ref in (("max", np.nanmax(v, axis=1)), ("min", np.nanmin(v, axis=1)),
                          ("mean", np.nanmean(v, axis=1)), ("coverage", covered.mean(axis=1))):
            got = np.array(bw.stats(chrom, 0, span, type=kind, nBins=bins), dtype=np.float64)
            tol = 0 if kind in ("max", "min") else 1e-5
            if not np.allclose(got, ref, rtol=tol, atol=tol):
                zoom_ok = False
                print(f"  zoom {kind} {chrom}:0-{span}/{bins}: got {got[:3]}, want {ref[:3]}")
    header = bw.header()
    all_values = np.concatenate([want[c][~np.isnan(want[c])] for c in sizes])
    zoom_ok &= header["nBasesCovered"] == all_values.size and header["minVal"] == int(all_values.min()) \
        and header["maxVal"] == int(all_values.max())
    bw.close()
    check(zoom_ok, "zoom levels: max, min, mean and coverage of aligned bins == numpy's; the total summary too")

    for transform in ("probabilities", "counts"):
        r = run("s2f-view", "--bigwig", f"{transform}", "--transform", transform, "--select", "output_type=profile",
                "preds.s2f", cwd=tmp)
        check(r.returncode == 0, f"--transform {transform} with only the profile tracks selected")
        check(not os.path.exists(f"{tmp}/{transform}.counts.demo_planted_grammar.bw"), "--select: unselected tracks not written")
        for track, strand in ((0, "+"), (1, "-")):
            got, _ = bw_track(f"{tmp}/{transform}.profile.demo_planted_grammar.{strand}.bw", sizes)
            same(got, stitched(head_windows(d, "profile", track, transform), sizes),
                 f"--transform {transform} ({strand}): values == numpy's", rtol=1e-6)

    r = run("s2f-view", "--bigwig", "avg", "--stitch", "average", "--select", "strand=+", "preds.s2f", cwd=tmp)
    check(r.returncode == 0, "--stitch average")
    got, _ = bw_track(f"{tmp}/avg.profile.demo_planted_grammar.+.bw", sizes)
    same(got, stitched(head_windows(d, "profile", 0), sizes, "average"), "average: the mean over covering windows")
    return d


def test_shards_join(tmp, genome):
    parts = []
    for k in (1, 2, 3):
        predict_tiles(tmp, genome, f"part{k}.s2f", f"--shard {k}/3")
        parts.append(f"part{k}.s2f")
    os.makedirs(f"{tmp}/joined", exist_ok=True)
    r = run("s2f-view", "--bigwig", "joined/", "--bedgraph", "joined/", *parts, cwd=tmp)
    check(r.returncode == 0, "one bigWig from three shard streams")
    same_bytes = all(open(f"{tmp}/joined/{n}", "rb").read() == open(f"{tmp}/bw/{n}", "rb").read()
                     for n in os.listdir(f"{tmp}/bw"))
    check(same_bytes and len(os.listdir(f"{tmp}/joined")) == 6, "shards joined == unsharded, byte for byte")
    r = run("s2f-view", "--bigwig", "wrong", parts[1], parts[0], cwd=tmp)
    check(r.returncode == 1 and "not in genome order" in r.stderr and "comes after" in r.stderr,
          "shards joined in the wrong order: error naming both records")
    check(not any(n.startswith("wrong") for n in os.listdir(tmp)), "a failed run leaves no track file")


def test_binned_head(tmp, d, sizes):
    """A stream written with numpy: a 40-bin head of 8 bp (320 bp, offset 90),
    windows with overlaps that cut inside bins, repeats and gaps."""
    src = s2f_stream.read(f"{tmp}/preds.s2f")
    meta = json.loads(json.dumps(src.meta))
    meta["geometry"]["heads"] = [{"name": "coarse", "output_type": "coarse", "kind": "profile", "bins": 40,
                                  "model_bins": 40, "bin_size": 8, "crop": 0, "track_ids": ["coarse/a"]}]
    meta["tracks"]["rows"] = [["0", "a", "coarse", "."] + [None] * (len(meta["tracks"]["columns"]) - 4)]
    meta["tracks"]["resolutions"] = {"coarse": [8]}
    # The positions' labels (category, partition) that predict carries are
    # not part of this hand-built stream.
    schema = [f for f in src.schema if f["name"] not in ("profile", "counts", "category", "partition")]
    schema.append({"name": "coarse", "dtype": "f32", "shape": [1, 40]})
    rng = np.random.default_rng(3)
    starts = np.sort(rng.choice(np.arange(0, 30000, 7), 120, replace=False))
    starts = np.concatenate([starts, starts[-1:]])  # one repeated window
    values = rng.normal(size=(len(starts), 1, 40)).astype(np.float32)
    batch = {"id": [f"w{i}" for i in range(len(starts))], "chrom": ["chr2"] * len(starts),
             "pos": starts + L // 2, "strand": np.full(len(starts), ord("."), np.uint8), "start": starts,
             "allele": np.full(len(starts), ord("."), np.uint8), "ref": [""] * len(starts), "alt": [""] * len(starts),
             "ref_match": np.ones(len(starts), np.uint8), "contains_unk": np.zeros(len(starts), np.uint8),
             "coarse": values}
    with s2f_stream.Writer(f"{tmp}/binned.s2f", "tensors", schema, meta) as w:
        w.write_batch(batch)
    r = run("s2f-view", "--bigwig", "binned", "--bedgraph", "binned", "binned.s2f", cwd=tmp)
    check(r.returncode == 0 and "repeat the position" in r.stderr, "a binned head; the repeated window is reported")
    want = stitched([("chr2", int(s) + 90, 8, v[0]) for s, v in zip(starts, values)], sizes)
    got, _ = bw_track(f"{tmp}/binned.coarse.a.bw", sizes)
    same(got, want, "bin size 8: every base carries its bin's value, cuts inside bins included")
    same(bedgraph_track(f"{tmp}/binned.coarse.a.bedGraph", sizes), want, "bin size 8: bedGraph the same")


def test_large_track(tmp):
    """4 Mb of 1-bp values on one chromosome (a stream written with numpy and
    a made-up reference index): zoom levels with hundreds of blocks, so their
    R-tree indexes have several levels."""
    src = s2f_stream.read(f"{tmp}/binned.s2f")
    meta = json.loads(json.dumps(src.meta))
    length = 4_000_000
    meta["reference"]["index"] = [["big", length], ["small", 5000]]
    meta["geometry"]["heads"][0].update({"bins": 1000, "model_bins": 1000, "bin_size": 1})
    meta["geometry"]["sequence_length"] = 1000
    schema = [f if f["name"] != "coarse" else {"name": "coarse", "dtype": "f32", "shape": [1, 1000]} for f in src.schema]
    rng = np.random.default_rng(7)
    n = length // 1000
    starts = np.arange(n) * 1000
    values = (rng.normal(size=(n, 1, 1000)) * np.linspace(1, 50, n)[:, None, None]).astype(np.float32)
    with s2f_stream.Writer(f"{tmp}/large.s2f", "tensors", schema, meta) as w:
        for lo in range(0, n, 500):
            hi = min(n, lo + 500)
            k = hi - lo
            w.write_batch({"id": [f"t{i}" for i in range(lo, hi)], "chrom": ["big"] * k, "pos": starts[lo:hi] + 500,
                           "strand": np.full(k, ord("."), np.uint8), "start": starts[lo:hi],
                           "allele": np.full(k, ord("."), np.uint8), "ref": [""] * k, "alt": [""] * k,
                           "ref_match": np.ones(k, np.uint8), "contains_unk": np.zeros(k, np.uint8),
                           "coarse": values[lo:hi]})
    r = run("s2f-view", "--bigwig", "large", "large.s2f", cwd=tmp)
    check(r.returncode == 0, "a 4-Mb track")
    bw = pyBigWig.open(f"{tmp}/large.coarse.a.bw")
    flat = values[:, 0, :].reshape(-1).astype(np.float64)
    got = np.array(bw.values("big", 0, length), dtype=np.float64)
    check(np.array_equal(got, flat), "4 Mb: every value reads back")
    ok = True
    # Query bins that are multiples of a zoom bin (40 bp x 4^k): pyBigWig then
    # answers from a zoom level whose bins it covers whole.
    for span, bins in ((40 * 4 ** 7 * 6, 6), (40 * 4 ** 5 * 24, 24), (40 * 4 ** 3 * 97, 97), (40 * 4 * 6000, 6000)):
        v = flat[:span].reshape(bins, -1)
        for kind, ref in (("max", v.max(axis=1)), ("min", v.min(axis=1)), ("mean", v.mean(axis=1))):
            z = np.array(bw.stats("big", 0, span, type=kind, nBins=bins), dtype=np.float64)
            tol = 0 if kind != "mean" else 1e-4 * np.abs(v).mean()
            if not np.allclose(z, ref, rtol=0, atol=tol):
                ok = False
                print(f"  {kind} over {bins} bins: got {z[:3]}, want {ref[:3]}")
    check(ok and bw.header()["nLevels"] >= 5, f"zoom levels of 4 Mb ({bw.header()['nLevels']} levels) == numpy's")
    bw.close()


def test_score_tracks(tmp, d, sizes):
    sh("s2f-score -q --stat ref --window 101 -o scores.s2f preds.s2f", tmp)
    s = read(f"{tmp}/scores.s2f")
    r = run("s2f-view", "--bigwig", "score", "scores.s2f", cwd=tmp)
    check(r.returncode == 0, "s2f-view --bigwig on a scores stream")
    # Window 101 around the centre bin 150 of 300: bins 100..200, from the output start.
    want = stitched([(c, int(st) + CONTEXT + 100, 101, np.array([v], np.float32))
                     for c, st, v in zip(s["chrom"], s["start"], s["ref_pred"][:, 0])], sizes)
    got, _ = bw_track(f"{tmp}/score.ref_pred.profile.demo_planted_grammar.+.bw", sizes)
    same(got, want, "scores: each window sum over the 101 bp it summed")
    got, _ = bw_track(f"{tmp}/score.ref_pred.counts.demo_planted_grammar.bw", sizes)
    want = stitched([(c, int(st) + CONTEXT, OUT, np.array([v], np.float32))
                     for c, st, v in zip(s["chrom"], s["start"], s["ref_pred"][:, 2])], sizes)
    same(got, want, "scores of the log-count head: over the output window")
    r = run("s2f-view", "--bigwig", "x", "--transform", "counts", "scores.s2f", cwd=tmp)
    check(r.returncode == 2 and "--transform applies to the profile heads" in r.stderr, "--transform on scores: usage error")


def test_contribution_tracks(tmp, genome, sizes):
    sh(f"s2f-sample-positions -q -g {genome} --strategy tile --tile-length {OUT} --input-length {L} "
       f"--chromosomes chrM | s2f-encode -q -g {genome} -L {L} -o chrM.windows.s2f", tmp)
    sh(f"s2f-ism -q --model demo --attr --target counts --start {CONTEXT} --end {CONTEXT + OUT} "
       f"-o contrib.s2f chrM.windows.s2f", tmp)
    c = read(f"{tmp}/contrib.s2f")
    r = run("s2f-view", "--bigwig", "ism", "contrib.s2f", cwd=tmp)
    check(r.returncode == 0, "s2f-view --bigwig on s2f-ism --attr contributions")
    windows = []
    for i in range(len(c["id"])):
        seq = np.frombuffer(bytes(c["seq"][i]), dtype=np.uint8)
        onehot = np.stack([seq == ord(b) for b in "ACGT"], axis=1)
        projected = (c["contrib"][i] * onehot).sum(axis=1).astype(np.float32)
        windows.append((c["chrom"][i], int(c["start"][i]) + CONTEXT, 1, projected[CONTEXT:CONTEXT + OUT]))
    got, _ = bw_track(f"{tmp}/ism.contrib.bw", sizes)
    same(got, stitched(windows, sizes), "contributions: projected ISM scores at every base of chrM's tiles")
    r = run("s2f-view", "--bigwig", "x", "--select", "strand=+", "contrib.s2f", cwd=tmp)
    check(r.returncode == 2, "--select on contributions (no track catalog): usage error")


def same_hits_from_bigwig(tmp, genome, sizes, peaks_file, kind, common):
    """Peaks whose 500-bp windows do not overlap (where windows overlap, the
    bigWig holds the stitched values, not each window's own), centred as
    s2f-encode and Fi-NeMo both centre them: BED on the midpoint, narrowPeak
    on the summit."""
    peaks = [line.split("\t") for line in open(peaks_file)]
    order = list(sizes)
    peaks.sort(key=lambda p: (order.index(p[0]), int(p[1])))
    kept, last = [], {}
    for p in peaks:
        centre = int(p[1]) + (int(p[9]) if kind == "narrowPeak" else (int(p[2]) - int(p[1])) // 2)
        if centre - L // 2 < last.get(p[0], 0) or centre + L // 2 > sizes[p[0]] or centre - L // 2 < 0:
            continue
        last[p[0]] = centre + L // 2
        kept.append(p)
    name = f"hit_peaks.{kind}"
    with open(f"{tmp}/{name}", "w") as f:
        f.writelines("\t".join(p) for p in kept)
    sh(f"s2f-encode -q -g {genome} -L {L} {name} -o {kind}.windows.s2f", tmp)
    sh(f"s2f-ism -q --model demo --attr --target counts -t 2 -o {kind}.contrib.s2f {kind}.windows.s2f", tmp)
    r = run("s2f-view", "--bigwig", kind, f"{kind}.contrib.s2f", cwd=tmp)
    check(r.returncode == 0, f"contributions of {len(kept)} peaks ({kind}) as a bigWig")
    a = run("s2f-call-hits", "-q", "-r", f"{kind}.contrib.s2f", "-o", f"{kind}_hits_stream", *common, cwd=tmp)
    b = run("s2f-call-hits", "-q", "-r", f"{kind}.contrib.bw", "-p", name, "-g", genome, "--region-width", L,
            "-o", f"{kind}_hits_bigwig", *common, cwd=tmp)
    check(a.returncode == 0 and b.returncode == 0, f"s2f-call-hits on the stream and on the bigWig + {kind} + genome")
    hits_a = open(f"{tmp}/{kind}_hits_stream/hits.tsv").read()
    hits_b = open(f"{tmp}/{kind}_hits_bigwig/hits.tsv").read()
    n_hits = hits_a.count("\n") - 1
    check(n_hits > 5 and hits_a == hits_b, f"{kind}: the same hits, byte for byte ({n_hits} hits)")
    check(open(f"{tmp}/{kind}_hits_stream/peaks_qc.tsv").read() == open(f"{tmp}/{kind}_hits_bigwig/peaks_qc.tsv").read(),
          f"{kind}: the same per-region fit statistics")


def test_call_hits_from_bigwig(tmp, genome, sizes):
    motifs = os.path.join(SOURCE_DIR, "pipelines", "demo", "model")
    common = ["-m", f"{motifs}/demo_modisco.h5", "-N", f"{motifs}/demo_motif_names.tsv", "-t", 2]
    same_hits_from_bigwig(tmp, genome, sizes, f"{tmp}/genome/peaks.bed", "bed", common)
    same_hits_from_bigwig(tmp, genome, sizes, f"{tmp}/genome/peaks.narrowPeak", "narrowPeak", common)
    os.rename(f"{tmp}/bed.contrib.bw", f"{tmp}/hits.contrib.bw")

    r = run("s2f-call-hits", "-q", "-r", "hits.contrib.bw", "-p", "hit_peaks.bed", "-o", "x", *common, cwd=tmp)
    check(r.returncode == 2 and "--genome" in r.stderr, "a bigWig without --genome: usage error")
    r = run("s2f-call-hits", "-q", "-r", "hits.contrib.bw", "-p", "hit_peaks.bed", "-g", genome, "--region-width", L,
            "-M", "ph", "-o", "x", *common, cwd=tmp)
    check(r.returncode == 2 and "hypothetical" in r.stderr, "mode ph on a bigWig (projected only): usage error")
    with open(f"{tmp}/other.bed", "w") as f:
        f.write("chr7\t1000\t1500\tp\n")
    r = run("s2f-call-hits", "-q", "-r", "hits.contrib.bw", "-p", "other.bed", "-g", genome, "-o", "x", *common, cwd=tmp)
    check(r.returncode == 1 and "'chr7' is not in the genome" in r.stderr and "other.bed:1" in r.stderr,
          "a region on a chromosome the genome lacks: error naming file:line")
    data = open(f"{tmp}/hits.contrib.bw", "rb").read()
    for name, blob in (("truncated", data[:len(data) // 2]), ("garbage", b"\x00" * 200), ("text", b"chr1\t0\t1\t3\n")):
        open(f"{tmp}/{name}.bw", "wb").write(blob)
        r = run("s2f-call-hits", "-q", "-r", f"{name}.bw", "-p", "hit_peaks.bed", "-g", genome, "-o", "x", *common, cwd=tmp)
        check(r.returncode == 1 and "not a readable bigWig file" in r.stderr and f"{name}.bw" in r.stderr,
              f"a {name} bigWig: error naming the file")


def rewrite_header(src, dst, edit):
    s = s2f_stream.read(src)
    meta = json.loads(json.dumps(s.meta))
    edit(meta)
    with s2f_stream.Writer(dst, s.kind, s.schema, meta) as w:
        for batch in s:
            w.write_batch(batch)


def test_bad_inputs(tmp, genome):
    def no_index(m):
        del m["reference"]["index"]
    rewrite_header(f"{tmp}/preds.s2f", f"{tmp}/old.s2f", no_index)
    r = run("s2f-view", "--bigwig", "bad1", "old.s2f", cwd=tmp)
    check(r.returncode == 1 and "no reference index" in r.stderr and "old.s2f" in r.stderr,
          "a stream without a reference index: error naming the stream and the fix")

    with open(f"{tmp}/unsorted.bed", "w") as f:
        f.write("chr2\t5000\t5300\n")
        f.write("chr1\t15000\t15300\n")
    sh(f"s2f-encode -q -g {genome} -L {L} unsorted.bed | s2f-predict -q --model demo -o unsorted.s2f", tmp)
    r = run("s2f-view", "--bigwig", "bad2", "unsorted.s2f", cwd=tmp)
    check(r.returncode == 1 and "not in genome order" in r.stderr and "chr1:14900" in r.stderr,
          "records out of genome order (an unsorted BED encoded as is): error naming both records")

    with open(f"{tmp}/seqs.fa", "w") as f:
        f.write(">a\n" + "ACGT" * 125 + "\n")
    sh(f"s2f-encode -q -L {L} --fasta-records seqs.fa | s2f-predict -q --model demo -o fasta.s2f", tmp)
    r = run("s2f-view", "--bigwig", "bad3", "fasta.s2f", cwd=tmp)
    check(r.returncode == 1 and "no reference genome" in r.stderr, "windows without coordinates: error")

    sh(f"s2f-encode -q -g {genome} -L {L} --vcf genome/variants.vcf --na v.tsv | s2f-predict -q --model demo -o var.s2f", tmp)
    r = run("s2f-view", "--bigwig", "bad4", "var.s2f", cwd=tmp)
    check(r.returncode == 1 and ("alt window" in r.stderr or "genome order" in r.stderr), "variant windows: error")

    r = run("s2f-view", "--bigwig", "bad5", "tiles.s2f", cwd=tmp)
    check(r.returncode == 1 and "not from a positions stream" in r.stderr, "a positions stream: error naming the kind")
    r = run("s2f-view", "--bigwig", "bad6", "--transform", "softmax", "preds.s2f", cwd=tmp)
    check(r.returncode == 2 and "--transform must be" in r.stderr, "unknown --transform: usage error")
    r = run("s2f-view", "--bigwig", "bad7", "--bed", "preds.s2f", cwd=tmp)
    check(r.returncode == 2, "--bigwig with --bed: usage error")
    r = run("s2f-view", "--bigwig", "no/such/dir/x", "preds.s2f", cwd=tmp)
    check(r.returncode == 3 and "cannot create bigWig file" in r.stderr, "an unwritable prefix: I/O error")
    check(not any(n.startswith("bad") for n in os.listdir(tmp)), "failed runs leave no track files")


def main():
    # --part tracks: tiling, prediction and score tracks, errors; --part
    # contributions: contribution tracks and hits called from them (ISM and
    # the lasso: the long part, run in the Release pass only); default both.
    part = sys.argv[sys.argv.index("--part") + 1] if "--part" in sys.argv else "all"
    with temp_dir("s2f-tracks-") as tmp:
        subprocess.run([PYTHON, os.path.join(SOURCE_DIR, "tests", "genome", "make_synthetic_genome.py"),
                        os.path.join(tmp, "genome")], check=True, capture_output=True)
        genome = os.path.join(tmp, "genome", "genome.fa")
        sizes = fasta_sizes(genome)
        if part in ("all", "tracks"):
            test_tiling(tmp, genome, sizes)
            d = test_prediction_tracks(tmp, genome, sizes)
            test_shards_join(tmp, genome)
            test_binned_head(tmp, d, sizes)
            test_large_track(tmp)
            test_score_tracks(tmp, d, sizes)
        if part in ("all", "contributions"):
            test_contribution_tracks(tmp, genome, sizes)
            test_call_hits_from_bigwig(tmp, genome, sizes)
        if part in ("all", "tracks"):
            test_bad_inputs(tmp, genome)
    finish()


if __name__ == "__main__":
    main()
