"""s2f-score --emit with chorus's background routing (seed 003), checked
against a numpy reference written here from the rules in s2f-score --help:
  - --summary-skip ccre: the tracks of --summary-skip-tracks (default
    output_type~cage) get no summary value (NaN) for records whose
    `category` is a SCREEN cCRE category; every other track and record keeps
    the window sum; s2f-reservoir and s2f-merge-cdfs then count fewer
    summary values for those tracks (summary_counts);
  - --exons GTF: the tracks of --exon-tracks (default output_type~rna) draw
    their k per-bin values only among the bins overlapping a merged
    protein_coding (basic) exon, placed on the genome from the record's
    chrom/start/strand and the head geometry; all of them when fewer than
    k, NaN for the rest; other tracks draw exactly as without --exons;
  - the `category` field of positions travels through s2f-encode and
    s2f-predict into the tensors stream;
  - errors: a missing GTF, a malformed GTF line (file:line), a predicate
    matching no track, a stream without categories, options without the
    --emit kind they shape.
The real chr22 excerpt GTF is used too when ../shared/data is present."""

import gzip
import json
import os
import re

import numpy as np

import s2f_stream
from s2f_testing import (SHARED_DATA, WINDOW_IDENTITY_FIELDS, check, finish, run, temp_dir)

L = 200           # window length
BINS, R = 16, 8   # each profile head: 16 bins of 8 bp, centred: offset (200 - 128) // 2 = 36
K = 5             # --perbin-k
HEADS = {"cage": 2, "rna_seq": 2, "dnase": 1}  # head -> tracks (head name = output_type)
CCRE = {"PLS", "dELS", "pELS", "CA-CTCF", "CA-TF", "TF", "CA-H3K4me3", "CA"}

# Protein-coding, basic exons of the tiny annotation (1-based inclusive in
# the GTF) and ones the rules leave out; chrT only.
TINY_GTF = """##description: hand-written for the routing test
chrT\tt\tgene\t1\t3000\t.\t+\t.\tgene_id "g1"; gene_type "protein_coding";
chrT\tt\ttranscript\t101\t900\t.\t+\t.\tgene_id "g1"; transcript_id "t1"; gene_type "protein_coding"; transcript_type "protein_coding"; tag "basic";
chrT\tt\texon\t101\t130\t.\t+\t.\tgene_id "g1"; transcript_id "t1"; gene_type "protein_coding"; transcript_type "protein_coding"; tag "basic"; tag "CCDS";
chrT\tt\texon\t125\t160\t.\t+\t.\tgene_id "g1"; transcript_id "t1"; gene_type "protein_coding"; transcript_type "protein_coding"; tag "CCDS"; tag "basic";
chrT\tt\texon\t400\t420\t.\t+\t.\tgene_id "g1"; transcript_id "t2"; gene_type "protein_coding"; transcript_type "retained_intron"; tag "basic";
chrT\tt\texon\t600\t640\t.\t+\t.\tgene_id "g1"; transcript_id "t3"; gene_type "protein_coding"; transcript_type "protein_coding";
chrT\tt\texon\t800\t805\t.\t-\t.\tgene_id "g1"; transcript_id "t1"; gene_type "protein_coding"; transcript_type "protein_coding"; tag "basic";
chrT\tt\texon\t1500\t1700\t.\t+\t.\tgene_id "g2"; transcript_id "t4"; gene_type "lncRNA"; transcript_type "lncRNA"; tag "basic";
"""


def tool(name, args):
    return run(name, *args, timeout=120)


def attr(text, key):
    m = re.search(key + r' "([^"]*)"', text)
    return m.group(1) if m else None


def reference_exons(path):
    """Merged protein-coding (basic) exons per chromosome, 0-based half-open,
    from the rule in s2f-score --help."""
    opener = gzip.open if path.endswith(".gz") else open
    exons, any_basic, typed = [], False, False
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            if 'tag "basic"' in c[8]:
                any_basic = True
            if c[2] != "exon":
                continue
            ttype = attr(c[8], "transcript_type") or attr(c[8], "gene_type")
            typed = typed or ttype is not None
            exons.append((c[0], int(c[3]) - 1, int(c[4]), ttype, 'tag "basic"' in c[8]))
    merged = {}
    for chrom, b, e, ttype, basic in sorted(exons):
        if typed and ttype != "protein_coding":
            continue
        if any_basic and not basic:
            continue
        iv = merged.setdefault(chrom, [])
        if iv and b <= iv[-1][1]:
            iv[-1][1] = max(iv[-1][1], e)
        else:
            iv.append([b, e])
    return merged


def exon_bins(merged, chrom, start, strand, length=L, bins=BINS, r=R):
    """The head's bins overlapping an exon: bin k covers [s, s + r) with
    s = start + off + k*r on +, start + L - off - (k+1)*r on -."""
    off = (length - bins * r) // 2
    out = []
    for k in range(bins):
        s = start + off + k * r if strand != "-" else start + length - off - (k + 1) * r
        if any(b < s + r and s < e for b, e in merged.get(chrom, [])):
            out.append(k)
    return out


def catalog_rows():
    rows = []
    for head, n in HEADS.items():
        for t in range(n):
            rows.append([str(t), f"{head} track {t}", head])
    return rows


def write_tensors(path, records, with_category=True, length=L):
    """records: (id, chrom, start, strand, category). Head values encode
    their bin: value = (record + 1) * (bin + 100 * track + 1), exact in f32."""
    n = len(records)
    schema = list(WINDOW_IDENTITY_FIELDS)
    if with_category:
        schema.append({"name": "category", "dtype": "str", "shape": []})
    batch = {"id": [r[0] for r in records], "chrom": [r[1] for r in records],
             "pos": np.array([r[2] + length // 2 for r in records], np.int64),
             "strand": np.array([ord(r[3]) for r in records], np.uint8),
             "start": np.array([r[2] for r in records], np.int64), "allele": np.full(n, ord("."), np.uint8),
             "ref": [""] * n, "alt": [""] * n, "ref_match": np.ones(n, np.uint8), "contains_unk": np.zeros(n, np.uint8)}
    if with_category:
        batch["category"] = [r[4] for r in records]
    heads_meta = []
    for head, nt in HEADS.items():
        schema.append({"name": head, "dtype": "f32", "shape": [nt, BINS]})
        v = np.zeros((n, nt, BINS), np.float32)
        for i in range(n):
            for t in range(nt):
                v[i, t] = (i + 1) * (np.arange(BINS) + 100 * t + 1)
        batch[head] = v
        heads_meta.append({"name": head, "output_type": head, "kind": "profile", "bins": BINS, "model_bins": BINS,
                           "bin_size": R, "crop": 0})
    meta = {"tracks": {"columns": ["track_index", "track_name", "output_type"], "rows": catalog_rows()},
            "model": {"hash": "sha256:routing"},
            "geometry": {"sequence_length": length, "heads": heads_meta}}
    s2f_stream.write(path, "tensors", schema, meta, [batch])


def track_list():
    """(head, channel) per scored track, in head order."""
    return [(head, t) for head, n in HEADS.items() for t in range(n)]


def read(path):
    s = s2f_stream.read(path)
    return s.meta, s.read_all()


def check_perbin(values, records, merged, rna_heads, label):
    """Each routed track's values are distinct exon bins (min(k, n) of
    them, NaN after); other tracks' values are bins of the whole head."""
    ok_routed, ok_other, fills = True, True, []
    for i, rec in enumerate(records):
        eligible = set(exon_bins(merged, rec[1], rec[2], rec[3]))
        for j, (head, t) in enumerate(track_list()):
            v = values[i, j]
            finite = v[np.isfinite(v)]
            bins = finite / (i + 1) - 100 * t - 1
            if head in rna_heads:
                m = min(K, len(eligible))
                fills.append(len(finite))
                if not (np.isfinite(v[:m]).all() and np.isnan(v[m:]).all() and len(set(bins)) == m
                        and set(bins) <= eligible):
                    ok_routed = False
            elif not (len(finite) == K and set(bins) <= set(range(BINS))):
                ok_other = False
    check(ok_routed, f"{label}: RNA tracks draw min(k, n) distinct bins, all inside exons, NaN after")
    check(ok_other, f"{label}: other tracks draw k bins of the whole head")
    return fills


def main():
    with temp_dir() as tmp:
        p = lambda *a: os.path.join(tmp, *a)
        gtf = p("tiny.gtf")
        with open(gtf, "w") as f:
            f.write(TINY_GTF)
        merged = reference_exons(gtf)
        check(merged == {"chrT": [[100, 160], [799, 805]]},
              f"reference: the tiny annotation's protein-coding basic exons merge to 2 intervals ({merged})")

        cats = ["PLS", "dELS", "tss", "intergenic", "gene_body", "CA-CTCF", "tss", "TF"]
        records = []
        for i in range(40):
            start = [0, 20, 40, 60, 80, 300, 560, 700, 1000, 2000][i % 10]
            records.append((f"r{i}", "chrT" if i % 7 else "chrU", start, "-" if i % 3 == 0 else "+", cats[i % len(cats)]))
        preds = p("preds.s2f")
        write_tensors(preds, records)
        common = ["-q", "--stat", "ref", "--window", "0", "--seed", "11", "--perbin-k", str(K)]

        # Without routing, then with both kinds routed.
        r = tool("s2f-score", common + ["--emit", "summary,perbin", "-o", p("plain.{kind}.s2f"), preds])
        check(r.returncode == 0, f"plain --emit summary,perbin ({r.stderr.strip()[-300:]})")
        r = run("s2f-score", *common[1:], "--emit", "summary,perbin", "--summary-skip", "ccre", "--exons", gtf,
                "-o", p("routed.{kind}.s2f"), preds, timeout=120)
        check(r.returncode == 0, f"routed --emit summary,perbin ({r.stderr.strip()[-300:]})")
        check("summary:" in r.stderr and "left out" in r.stderr and "perbin:" in r.stderr,
              f"the summary line counts what routing left out ({r.stderr.strip()[-400:]})")

        # Summary: numpy window sums; CAGE tracks NaN on cCRE records.
        meta, routed = read(p("routed.summary.s2f"))
        _, plain = read(p("plain.summary.s2f"))
        sums = np.zeros((len(records), len(track_list())), np.float32)
        for i in range(len(records)):
            for j, (head, t) in enumerate(track_list()):
                sums[i, j] = (i + 1) * sum(b + 100 * t + 1 for b in range(BINS))
        expect = sums.copy()
        for i, rec in enumerate(records):
            for j, (head, t) in enumerate(track_list()):
                if head == "cage" and rec[4] in CCRE:
                    expect[i, j] = np.nan
        got = routed["values"][:, :, 0]
        check(np.array_equal(got, expect, equal_nan=True), "summary: CAGE tracks skip cCRE records, others keep the sum")
        skipped = int(np.isnan(got).sum())
        n_ccre = sum(rec[4] in CCRE for rec in records)
        check(skipped == n_ccre * HEADS["cage"] and f"summary: {skipped} value(s)" in r.stderr,
              f"summary: {skipped} values left out and counted on stderr")
        check(np.array_equal(plain["values"][:, :, 0], sums), "summary: without --summary-skip every track keeps every record")
        vr = meta.get("value_routing", {}).get("summary_skip", {})
        check(set(vr.get("categories", [])) == CCRE and vr.get("tracks") == "output_type~cage" and vr.get("n_tracks") == 2,
              f"summary: meta.value_routing records the rule ({vr})")

        # Per-bin: RNA tracks only in exons; others as without --exons.
        pmeta, pb = read(p("routed.perbin.s2f"))
        _, pb_plain = read(p("plain.perbin.s2f"))
        fills = check_perbin(pb["values"], records, merged, {"rna_seq"}, "perbin")
        check(min(fills) == 0 and max(fills) == K and any(0 < f < K for f in fills),
              f"perbin: the fixture covers windows with no, fewer than k and k exon bins ({sorted(set(fills))})")
        others = [j for j, (h, _) in enumerate(track_list()) if h != "rna_seq"]
        check(np.array_equal(pb["values"][:, others], pb_plain["values"][:, others]),
              "perbin: tracks not matching --exon-tracks draw exactly the bins they draw without --exons")
        check(pmeta.get("value_routing", {}).get("perbin_exons", {}).get("merged_intervals") == 2,
              "perbin: meta.value_routing records the annotation and its merged intervals")
        check(pmeta["geometry"] == read(p("plain.perbin.s2f"))[0]["geometry"],
              "perbin: the geometry is unchanged (routing lives beside it)")

        # A gzipped annotation reads the same.
        with open(gtf, "rb") as f, gzip.open(p("tiny.gtf.gz"), "wb") as g:
            g.write(f.read())
        r = tool("s2f-score", common + ["--emit", "perbin", "--exons", p("tiny.gtf.gz"), "-o", p("gz.s2f"), preds])
        check(r.returncode == 0 and np.array_equal(read(p("gz.s2f"))[1]["values"], pb["values"], equal_nan=True),
              "perbin: --exons reads a gzipped GTF")

        # Draws are keyed by record id: the same in a run of its own.
        r = tool("s2f-score", common + ["--emit", "perbin", "--exons", gtf, "-o", p("again.s2f"), preds])
        check(r.returncode == 0 and np.array_equal(read(p("again.s2f"))[1]["values"], pb["values"], equal_nan=True),
              "perbin: the routed draw is the same in a run of its own")

        # Reservoirs and merged CDFs count fewer values for routed tracks.
        res = []
        for kind in ("summary", "perbin"):
            out = p(f"{kind}.res.s2f")
            r = tool("s2f-reservoir", ["-q", "-o", out, p(f"routed.{kind}.s2f")])
            check(r.returncode == 0, f"reservoir {kind} ({r.stderr.strip()[-200:]})")
            res.append(out)
        r = tool("s2f-merge-cdfs", ["-q", "--name", "routed", "--out-dir", tmp] + res)
        check(r.returncode == 0, f"merge-cdfs ({r.stderr.strip()[-300:]})")
        z = dict(np.load(p("routed_pertrack.npz")))
        want_summary = [len(records) - n_ccre if h == "cage" else len(records) for h, _ in track_list()]
        check(list(z["summary_counts"]) == want_summary, f"summary_counts {list(z['summary_counts'])} == {want_summary}")
        rna_cols = [j for j, (h, _) in enumerate(track_list()) if h == "rna_seq"]
        want_perbin = [int(np.isfinite(pb["values"][:, j]).sum()) for j in range(len(track_list()))]
        check(list(z["perbin_counts"]) == want_perbin and all(want_perbin[j] < len(records) * K for j in rna_cols),
              f"perbin_counts {list(z['perbin_counts'])}: RNA tracks count only exon bins")

        cfg = json.loads(str(z["build_config"]))
        check(cfg["kinds"]["summary"].get("value_routing", {}).get("summary_skip", {}).get("n_tracks") == 2,
              "build_config records each kind's routing")
        r = tool("s2f-reservoir", ["-q", "--seed", "5", "-o", p("plain.res.s2f"), p("plain.summary.s2f")])
        r = tool("s2f-merge-cdfs", ["-q", "--name", "mixed", "--out-dir", tmp, res[0], p("plain.res.s2f")])
        check(r.returncode == 1 and "value_routing differs" in r.stderr,
              f"merging a routed and an unrouted summary shard is refused ({r.stderr.strip()[-200:]})")

        # Another predicate: --exon-tracks on a field value, --summary-skip named categories.
        r = tool("s2f-score", common + ["--emit", "summary,perbin", "--summary-skip", "tss,intergenic",
                                        "--summary-skip-tracks", "output_type=dnase", "--exons", gtf,
                                        "--exon-tracks", "track_name~^cage track 1$", "-o", p("alt.{kind}.s2f"), preds])
        check(r.returncode == 0, f"named categories and other predicates ({r.stderr.strip()[-300:]})")
        got = read(p("alt.summary.s2f"))[1]["values"][:, :, 0]
        dn = [j for j, (h, _) in enumerate(track_list()) if h == "dnase"][0]
        check(all(np.isnan(got[i, dn]) == (rec[4] in ("tss", "intergenic")) for i, rec in enumerate(records))
              and np.isfinite(np.delete(got, dn, axis=1)).all(), "--summary-skip tss,intergenic on output_type=dnase")
        pv = read(p("alt.perbin.s2f"))[1]["values"]
        ok = True
        for i, rec in enumerate(records):
            eligible = set(exon_bins(merged, rec[1], rec[2], rec[3]))
            v = pv[i, 1]  # cage track 1
            fin = v[np.isfinite(v)] / (i + 1) - 100 - 1
            ok = ok and len(fin) == min(K, len(eligible)) and set(fin) <= eligible
        check(ok, "--exon-tracks track_name~...: that track draws in exons")

        # Errors.
        def fails(args, code, msg, what, stream=preds):
            r = tool("s2f-score", common + args + [stream])
            check(r.returncode == code and msg in r.stderr, f"{what} (exit {r.returncode}: {r.stderr.strip()[-300:]})")

        fails(["--emit", "perbin", "--exons", p("missing.gtf"), "-o", p("e.s2f")], 3, "missing.gtf: No such file",
              "missing GTF")
        bad = p("bad.gtf")
        with open(bad, "w") as f:
            f.write(TINY_GTF.splitlines()[0] + "\n" + TINY_GTF.splitlines()[2] + "\nchrT\tt\texon\t5\t9\t.\t+\n")
        r = tool("s2f-score", common + ["--emit", "perbin", "--exons", bad, "-o", p("e.s2f"), preds])
        check(r.returncode == 1 and "bad.gtf:3" in r.stderr and "needs 9" in r.stderr and "--skip-bad" not in r.stderr,
              f"malformed GTF line named by file:line, no option s2f-score lacks suggested ({r.stderr.strip()[-300:]})")
        fails(["--emit", "perbin", "--exons", gtf, "--exon-tracks", "output_type~nothing", "-o", p("e.s2f")], 2,
              "matches none of the 5 scored tracks", "--exon-tracks matching no track")
        fails(["--emit", "summary", "--summary-skip", "ccre", "--summary-skip-tracks", "biosample_name~liver",
               "-o", p("e.s2f")], 2, "biosample_name", "--summary-skip-tracks on an unknown field")
        fails(["--emit", "summary", "--exons", gtf, "-o", p("e.s2f")], 2, "add perbin to --emit", "--exons without perbin")
        fails(["--emit", "perbin", "--summary-skip", "ccre", "-o", p("e.s2f")], 2, "add summary to --emit",
              "--summary-skip without summary")
        fails(["--summary-skip", "ccre", "-o", p("e.s2f")], 2, "give --emit", "--summary-skip without --emit")
        nocat = p("nocat.s2f")
        write_tensors(nocat, records, with_category=False)
        fails(["--emit", "summary", "--summary-skip", "ccre", "-o", p("e.s2f")], 1, "no 'category' field",
              "a stream without categories", stream=nocat)
        check(not os.path.exists(p("e.s2f")), "failed runs write nothing")
        r = tool("s2f-score", common + ["--emit", "summary", "--summary-skip", "CCRE", "-o", p("s.s2f"), preds])
        check(r.returncode == 0 and "none of the 40 record(s) has a category in CCRE" in r.stderr,
              "--summary-skip naming no category of the stream is warned about")
        elsewhere = p("elsewhere.s2f")
        write_tensors(elsewhere, [(f"u{i}", "1", 100 * i, "+", "tss") for i in range(5)])
        r = tool("s2f-score", common + ["--emit", "perbin", "--exons", gtf, "-o", p("u.s2f"), elsewhere])
        check(r.returncode == 0 and "no record's output window overlapped an exon" in r.stderr and
              np.isnan(read(p("u.s2f"))[1]["values"][:, 2:4]).all(),
              "an annotation sharing no chromosome with the stream is warned about (its tracks get NaN)")

        # Categories travel from positions through s2f-encode and s2f-predict.
        rng = np.random.default_rng(3)
        fa = p("genome.fa")
        seq = "".join(rng.choice(list("ACGT"), 4000))
        with open(fa, "w") as f:
            f.write(">chrT\n" + "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)) + "\n")
        pos = p("positions.s2f")
        locus = WINDOW_IDENTITY_FIELDS[:4]
        s2f_stream.write(pos, "positions", locus + [{"name": "category", "dtype": "str", "shape": []},
                                                   {"name": "partition", "dtype": "str", "shape": []}],
                         {}, [{"id": ["a", "b", "c"], "chrom": ["chrT"] * 3, "pos": np.array([1000, 2000, 3000], np.int64),
                               "strand": np.full(3, ord("+"), np.uint8), "category": ["dELS", "tss", "intergenic"],
                               "partition": ["train"] * 3}])
        r = tool("s2f-encode", ["-q", "-g", fa, "-L", "500", "-o", p("seqs.s2f"), pos])
        check(r.returncode == 0, f"encode positions ({r.stderr.strip()[-300:]})")
        r = tool("s2f-predict", ["-q", "-m", "demo", "-o", p("tensors.s2f"), p("seqs.s2f")])
        check(r.returncode == 0, f"predict ({r.stderr.strip()[-300:]})")
        tmeta, t = read(p("tensors.s2f"))
        check(list(t.get("category", [])) == ["dELS", "tss", "intergenic"],
              "tensors: the positions' categories travel through encode and predict")

        # The real chr22 excerpt annotation (no types: every exon counts).
        real = os.path.join(SHARED_DATA, "genome", "hg38-chr22-excerpt", "chr22_ENST00000319363.gtf")
        if os.path.exists(real):
            rmerged = reference_exons(real)
            first = rmerged["chr22"][0][0]
            recs = [(f"x{i}", "chr22", first - 150 + 37 * i, "+-"[i % 2], "tss") for i in range(30)]
            rp = p("real.s2f")
            write_tensors(rp, recs)
            r = tool("s2f-score", common + ["--emit", "perbin", "--exons", real, "-o", p("real.perbin.s2f"), rp])
            check(r.returncode == 0 and "taken as protein-coding" in r.stderr,
                  f"real GTF without types: every exon counts, said on stderr ({r.stderr.strip()[-300:]})")
            check_perbin(read(p("real.perbin.s2f"))[1]["values"], recs, rmerged, {"rna_seq"}, "real chr22 GTF")
        else:
            print("note: ../shared/data absent; the real chr22 annotation case is skipped")
    finish()


if __name__ == "__main__":
    main()
