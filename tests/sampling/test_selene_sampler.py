"""s2f-sample-positions against Selene's samplers (seed 001): the
--preset selene defaults (holdout chromosomes, mode, edge margin, random
strand, whole-chromosome proportional holdouts, window-overlap blacklist,
N runs kept), determinism, and the --targets labels and --save-dataset BED
checked against a numpy transcription of Selene's GenomicFeatures
(selene_sdk/targets: coverage of each feature over the centre bin against
int(max(0, threshold * bin - 1)) in float32; a zero-length feature marks
one base) and of OnlineSampler's window arithmetic."""
import os

import numpy as np

import s2f_stream
from s2f_testing import check, finish, run, temp_dir

L, BIN = 1000, 200
rng = np.random.default_rng(11)


def write_genome(d):
    """chr1..chr10 of random bases; chr2 holds an N run of 3 kb."""
    lengths = {f"chr{i}": 12000 + 3000 * i for i in range(1, 11)}
    path = os.path.join(d, "genome.fa")
    with open(path, "w") as f:
        for name, n in lengths.items():
            seq = np.array(list("ACGT"))[rng.integers(0, 4, n)]
            if name == "chr2":
                seq[5000:8000] = "N"
            s = "".join(seq)
            f.write(f">{name}\n" + "\n".join(s[i:i + 60] for i in range(0, n, 60)) + "\n")
    return path, lengths


def positions(path):
    with s2f_stream.read(path) as s:
        r = s.read_all()
    return [(c, int(p), chr(int(st)), part) for c, p, st, part in zip(r["chrom"], r["pos"], r["strand"], r["partition"])]


def sample(d, name, *args, ok=True):
    out = os.path.join(d, name)
    r = run("s2f-sample-positions", "-q", "-o", out, *args)
    if ok and r.returncode != 0:
        raise AssertionError(r.stderr)
    return out, r


# ---- a transcription of Selene's targets (GenomicFeatures) -----------------
def selene_targets(rows, features, thresholds, chrom, start, end):
    """rows: (chrom, start, end, strand, feature); thresholds: per feature."""
    index = {f: i for i, f in enumerate(features)}
    n = end - start
    encoding = np.zeros((n, len(features)), dtype=int)
    for c, fs, fe, _strand, feat in rows:
        # the rows a tabix query of [start, end) returns
        if c != chrom or not (fs < end and max(fe, fs + 1) > start):
            continue
        i0 = max(0, fs - start)
        i1 = min(fe - start, n)
        if i0 == i1:
            i1 += 1
        encoding[i0:i1, index[feat]] = 1
    t = (np.asarray(thresholds, dtype=np.float32) * n - 1).clip(min=0)
    return (np.sum(encoding, axis=0) > t.astype(int)).astype(int)


def selene_window(pos, seq_len=L, center_bin=BIN):
    """OnlineSampler: bin = [pos - bin_radius, pos + end_radius), window =
    bin widened by surrounding_sequence_radius on both sides."""
    bin_radius = int(center_bin / 2)
    end_radius = bin_radius if center_bin % 2 == 0 else bin_radius + 1
    surround = int((seq_len - center_bin) / 2)
    b0, b1 = pos - bin_radius, pos + end_radius
    return b0, b1, b0 - surround, b1 + surround


with temp_dir("s2f-selene-sampler-") as d:
    genome, lengths = write_genome(d)

    # ---- the preset: holdouts, mode, margin, strands, N runs ----------------
    out, _ = sample(d, "preset.s2f", "-g", genome, "--strategy", "random", "--preset", "selene",
                    "--count", "6000", "--seed", "7")
    p = positions(out)
    check(len(p) == 6000, "preset: 6000 positions")
    check(all(part == "train" for _, _, _, part in p), "preset: mode train (every record in the training partition)")
    check(not {c for c, *_ in p} & {"chr6", "chr7", "chr8", "chr9"},
          "preset: chr6, chr7 (validation) and chr8, chr9 (test) never in training")
    check(all(L <= pos < lengths[c] - L for c, pos, *_ in p),
          "preset: positions in [sequence_length, length - sequence_length) as Selene's random sampler")
    minus = sum(st == "-" for _, _, st, _ in p)
    check(abs(minus - 3000) < 4 * np.sqrt(6000 * 0.25), f"preset: random strand ({minus} of 6000 on -)")
    check(any(c == "chr2" and 5000 <= pos < 8000 for c, pos, *_ in p), "preset: N runs sampled as Selene does")
    # uniform over the training chromosomes: weights length - 2L (chi-square, 5 dof, p < 1e-4 fails)
    train = [c for c in lengths if c not in ("chr6", "chr7", "chr8", "chr9")]
    w = np.array([lengths[c] - 2 * L for c in train], float)
    obs = np.array([sum(1 for x in p if x[0] == c) for c in train], float)
    exp = w / w.sum() * len(p)
    check(((obs - exp) ** 2 / exp).sum() < 25.7, "preset: chromosomes drawn in proportion to length - 2L")
    val, _ = sample(d, "val.s2f", "-g", genome, "--strategy", "random", "--preset", "selene", "--mode", "validate",
                    "--count", "500")
    check({c for c, *_ in positions(val)} == {"chr6", "chr7"}, "preset --mode validate: chr6 and chr7 only")
    with s2f_stream.read(val) as s:
        meta = s.meta["sampling"]
    check(meta["seed"] == 436 and meta["preset"] == "selene" and meta["strand"] == "random"
          and meta["holdout_by"] == "whole" and meta["blacklist_rule"] == "window" and meta["margin"] == L,
          "preset: Selene's seed 436 and the preset's settings recorded in the stream header")
    tst, _ = sample(d, "test.s2f", "-g", genome, "--strategy", "random", "--preset", "selene", "--mode", "test",
                    "--count", "500")
    check({c for c, *_ in positions(tst)} == {"chr8", "chr9"}, "preset --mode test: chr8 and chr9 only")

    # determinism: same seed, any thread count, same bytes; shards concatenate
    again, _ = sample(d, "preset2.s2f", "-g", genome, "--strategy", "random", "--preset", "selene",
                      "--count", "6000", "--seed", "7", "-t", "2")
    check(positions(again) == p, "preset: same seed and -t 2 give the same sample")
    other, _ = sample(d, "preset3.s2f", "-g", genome, "--strategy", "random", "--preset", "selene",
                      "--count", "6000", "--seed", "8")
    check(positions(other) != p, "preset: another seed gives another sample")

    # ---- each default on its own -------------------------------------------
    plain, _ = sample(d, "plain.s2f", "-g", genome, "--strategy", "random", "--count", "2000")
    pp = positions(plain)
    check(all(st == "+" for _, _, st, _ in pp) and not any(c == "chr2" and 5000 <= pos < 8000 for c, pos, *_ in pp),
          "s2f defaults: + strand, N runs skipped")
    own, _ = sample(d, "own.s2f", "-g", genome, "--strategy", "random", "--count", "2000", "--strand", "random",
                    "--n-runs", "keep", "--margin", "1000")
    po = positions(own)
    check(any(st == "-" for _, _, st, _ in po) and all(L <= pos < lengths[c] - L for c, pos, *_ in po),
          "--strand random and --margin 1000 on their own")

    # whole-chromosome proportional holdouts: int(10 * 0.2) = 2 chromosomes each
    prop, _ = sample(d, "prop.s2f", "-g", genome, "--strategy", "random", "--preset", "selene", "--mode", "all",
                     "--validation-holdout", "0.2", "--test-holdout", "0.2", "--count", "8000")
    pr = positions(prop)
    parts = {}
    for c, _, _, part in pr:
        parts.setdefault(c, set()).add(part)
    check(all(len(s) == 1 for s in parts.values()), "--holdout-by whole: every chromosome in one partition")
    byp = {}
    for c, s in parts.items():
        byp.setdefault(next(iter(s)), set()).add(c)
    check(len(byp.get("validate", ())) == 2 and len(byp.get("test", ())) == 2 and len(byp.get("train", ())) == 6,
          f"--holdout-by whole: 2 validation, 2 test, 6 training chromosomes ({ {k: sorted(v) for k, v in byp.items()} })")
    blocks, _ = sample(d, "blocks.s2f", "-g", genome, "--strategy", "random", "--mode", "all",
                       "--validation-holdout", "0.2", "--test-holdout", "0.2", "--count", "8000")
    split = {}
    for c, _, _, part in positions(blocks):
        split.setdefault(c, set()).add(part)
    check(any(len(s) > 1 for s in split.values()), "--holdout-by blocks (s2f default): chromosomes split in blocks")

    # blacklist: the preset refuses windows that overlap, not only positions
    bl = os.path.join(d, "blacklist.bed")
    black = [("chr1", 6000, 6100), ("chr3", 9000, 9500), ("chr10", 20000, 20001)]
    with open(bl, "w") as f:
        f.writelines(f"{c}\t{s}\t{e}\n" for c, s, e in black)
    win, _ = sample(d, "win.s2f", "-g", genome, "--strategy", "random", "--preset", "selene", "--blacklist", bl,
                    "--count", "6000")
    pw = positions(win)

    def overlaps(c, pos):
        ws, we = pos - L // 2, pos - L // 2 + L
        return any(c == bc and ws < be and we > bs for bc, bs, be in black)
    check(not any(overlaps(c, pos) for c, pos, *_ in pw), "--blacklist-rule window: no window overlaps the blacklist")
    posonly, _ = sample(d, "posonly.s2f", "-g", genome, "--strategy", "random", "--preset", "selene",
                        "--blacklist-rule", "position", "--blacklist", bl, "--count", "6000")
    ppo = positions(posonly)
    check(not any(c == bc and bs <= pos < be for c, pos, *_ in ppo for bc, bs, be in black)
          and any(overlaps(c, pos) for c, pos, *_ in ppo),
          "--blacklist-rule position: centres outside, windows may overlap")

    # ---- targets: labels, thresholds, sample_negative, saved datasets -------
    features = ["CTCF", "DNase", "H3K27ac"]
    feat_path = os.path.join(d, "features.txt")
    with open(feat_path, "w") as f:
        f.write("\n".join(features) + "\n")
    rows = []
    for c in ("chr1", "chr3", "chr6", "chr8", "chr10"):
        for _ in range(40):
            s = int(rng.integers(0, lengths[c] - 400))
            rows.append((c, s, s + int(rng.integers(0, 400)), "+-"[int(rng.integers(0, 2))], features[int(rng.integers(0, 3))]))
    rows.sort(key=lambda r: (r[0], r[1]))
    tgt = os.path.join(d, "targets.bed")
    with open(tgt, "w") as f:
        f.writelines("\t".join(map(str, r)) + "\n" for r in rows)
    ivl = os.path.join(d, "intervals.bed")
    intervals = [(c, s, s + 3000) for c in ("chr1", "chr3", "chr10", "chr6") for s in (2000, 8000)]
    with open(ivl, "w") as f:
        f.writelines(f"{c}\t{s}\t{e}\n" for c, s, e in intervals)
    thresholds = {"CTCF": 0.3, "DNase": 0.1, "H3K27ac": 0.1}
    common = ["-g", genome, "--strategy", "intervals", "--intervals", ivl, "--preset", "selene", "--targets", tgt,
              "--features", feat_path, "--feature-threshold", "default=0.1", "--feature-threshold", "CTCF=0.3"]
    ds = os.path.join(d, "train_data.bed")
    out, _ = sample(d, "labelled.s2f", *common, "--count", "400", "--save-dataset", ds)
    pl = positions(out)
    lines = [ln.rstrip("\n").split("\t") for ln in open(ds)]
    check(len(lines) == len(pl) == 400, "targets: one saved-dataset line per sample")
    th = [thresholds[f] for f in features]
    same = True
    for (c, pos, st, _), ln in zip(pl, lines):
        b0, b1, w0, w1 = selene_window(pos)
        want = selene_targets(rows, features, th, c, b0, b1)
        idx = ";".join(str(i) for i in np.nonzero(want)[0])
        if ln != [c, str(w0), str(w1), st, idx]:
            same = False
            print("  differs:", ln, "want", [c, w0, w1, st, idx])
            break
    check(same, "targets: saved dataset = [chrom, window start, window end, strand, class indices] as Selene writes")
    check(all(ln[4] != "" for ln in lines), "intervals without --sample-negative: every sample has a positive feature")
    check(all(any(c == ic and s <= pos < e for ic, s, e in intervals) for c, pos, *_ in pl),
          "intervals: positions inside the --intervals BED")
    neg_ds = os.path.join(d, "neg_data.bed")
    out, _ = sample(d, "neg.s2f", *common, "--count", "400", "--sample-negative", "--save-dataset", neg_ds)
    neg_lines = [ln.rstrip("\n").split("\t") for ln in open(neg_ds)]
    same = all(ln[4] == ";".join(str(i) for i in np.nonzero(selene_targets(
        rows, features, th, c, selene_window(pos)[0], selene_window(pos)[1]))[0])
        for (c, pos, *_), ln in zip(positions(out), neg_lines))
    check(same and any(ln[4] == "" for ln in neg_lines), "--sample-negative: negatives kept, labels match Selene's")
    # an odd window and bin (1001, 201): the extra base on the right
    odd_ds = os.path.join(d, "odd.bed")
    out, _ = sample(d, "odd.s2f", *common, "--sequence-length", "1001", "--center-bin", "201", "--count", "200",
                    "--sample-negative", "--save-dataset", odd_ds)
    same = True
    for (c, pos, st, _), ln in zip(positions(out), (x.rstrip("\n").split("\t") for x in open(odd_ds))):
        b0, b1, w0, w1 = selene_window(pos, 1001, 201)
        idx = ";".join(str(i) for i in np.nonzero(selene_targets(rows, features, th, c, b0, b1))[0])
        same &= ln == [c, str(w0), str(w1), st, idx]
    check(same, "targets: odd sequence length and bin (1001, 201) as Selene places them")
    # shards: the dataset slices concatenate to the whole
    s1, s2 = os.path.join(d, "s1.bed"), os.path.join(d, "s2.bed")
    sample(d, "sh1.s2f", *common, "--count", "400", "--save-dataset", s1, "--shard", "1/2")
    sample(d, "sh2.s2f", *common, "--count", "400", "--save-dataset", s2, "--shard", "2/2")
    check(open(s1).read() + open(s2).read() == open(ds).read(), "--shard: saved-dataset slices concatenate to the whole")

    # ---- errors: named, nothing half-written ----------------------------------
    bad_tgt = os.path.join(d, "bad_targets.bed")
    with open(bad_tgt, "w") as f:
        f.write("chr1\t10\t50\t+\tCTCF\nchr1\t60\t90\t+\tPol2\n")
    bad_out = os.path.join(d, "bad.s2f")
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "intervals", "--intervals", ivl, "--preset", "selene",
            "--targets", bad_tgt, "--features", feat_path, "-o", bad_out, "--save-dataset", os.path.join(d, "bad.bed"))
    check(r.returncode == 1 and "bad_targets.bed:2" in r.stderr and "Pol2" in r.stderr
          and not os.path.exists(bad_out) and not os.path.exists(os.path.join(d, "bad.bed")),
          "a feature missing from the features list: exit 1 naming file:line, no output")
    dup = os.path.join(d, "dup.txt")
    with open(dup, "w") as f:
        f.write("CTCF\nDNase\nCTCF\n")
    r = run("s2f-sample-positions", "-g", genome, "--strategy", "intervals", "--intervals", ivl, "--preset", "selene",
            "--targets", tgt, "--features", dup, "-o", bad_out)
    check(r.returncode == 1 and "dup.txt:3" in r.stderr and "twice" in r.stderr, "a feature listed twice: exit 1 naming file:line")
    for args, message in [
        (["--strategy", "tss", "--preset", "selene"], "--preset selene applies to --strategy random and intervals"),
        (["--strategy", "random", "--preset", "selene", "--center-bin", "201"], "both odd or both even"),
        (["--strategy", "random", "--targets", tgt, "--sequence-length", "1000"], "--targets needs --features"),
        (["--strategy", "random", "--blacklist-rule", "window"], "--blacklist-rule window needs --sequence-length"),
        (["--strategy", "random", "--preset", "selene", "--targets", tgt, "--features", feat_path,
          "--sample-negative"], "--sample-negative applies to --strategy intervals"),
        (["--strategy", "random", "--preset", "selene", "--feature-threshold", "1.5", "--targets", tgt,
          "--features", feat_path], "a threshold is a number in (0, 1]"),
        (["--strategy", "random", "--preset", "selene", "--save-dataset", os.path.join(d, "x.bed")],
         "--save-dataset needs --targets"),
        (["--strategy", "random", "--strand", "minus"], "--strand 'minus' is not one of"),
    ]:
        r = run("s2f-sample-positions", "-g", genome, *args, "-o", bad_out)
        check(r.returncode == 2 and message in r.stderr and not os.path.exists(bad_out),
              f"usage error: {message}" + ("" if r.returncode == 2 and message in r.stderr else f" (got {r.returncode}: {r.stderr.strip()})"))

finish()
