"""AlphaGenome named outputs end to end (seed 000; docs/FIDELITY.md): the
built-in catalogs by name, padding stripped by default and described truly in
meta.tracks.padding, one rule for heads left without tracks, predicates,
masks, CSV and Parquet catalogs, 2-D contact-map heads and --rc on them.

The model is tests/catalog/fake_alphagenome.py (AlphaGenome's raw head widths;
each value encodes its channel and bin). Expected values come from the
shipped catalog read here with `zstd -dc` and Python's csv module, never from
s2f.
"""
import csv
import io
import json
import os
import subprocess

import numpy as np

import s2f_stream
from s2f_testing import PYTHON, check, finish, run, source_path, temp_dir, write_sequence_windows

FAKE = f"{PYTHON} {source_path('tests', 'catalog', 'fake_alphagenome.py')}"
BINS, MAP_BINS = 4, 3


def shipped_catalog(organism):
    text = subprocess.run(["zstd", "-dc", source_path("formats", "catalogs", f"alphagenome_{organism}_tracks.tsv.zst")],
                          capture_output=True, check=True).stdout.decode()
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def is_padding(row):
    return row["track_name"].lower() == "padding"


def heads_of(rows):
    out = {}
    for r in rows:
        out.setdefault(r["output_type"], []).append(r)
    return out


def expected_values(head, rows):
    """What the fake model writes for `rows` of `head`, one record."""
    ch = np.array([int(r["track_index"]) for r in rows], np.float32)
    if head == "contact_maps":
        return ch[:, None, None] + np.arange(MAP_BINS * MAP_BINS, dtype=np.float32).reshape(MAP_BINS, MAP_BINS) / 4
    return ch[:, None] + np.arange(BINS, dtype=np.float32) / 4


def read(path):
    s = s2f_stream.read(path)
    return s, s.read_all()


def predict(out, *args):
    return run("s2f-predict", "-q", "--exec", FAKE, "-o", out, "windows.s2f", *args)


def tracks_table(*args):
    r = run("s2f-view", "-q", *args)
    rows = list(csv.DictReader(io.StringIO(r.stdout), delimiter="\t")) if r.returncode == 0 else None
    return r, rows


with temp_dir() as tmp:
    os.chdir(tmp)
    write_sequence_windows("windows.s2f", ["ACGTTGCA" * 8, "TTGACCAG" * 8])
    human = shipped_catalog("human")
    real = [r for r in human if not is_padding(r)]
    n_padding = len(human) - len(real)
    check(n_padding == 563, f"the human catalog has 563 padding rows, one spelt 'padding' ({n_padding})")

    # ---- built-in catalog by name; padding stripped by default -------------
    r = predict("p.s2f", "--catalog", "alphagenome:human")
    check(r.returncode == 0, "predict --catalog alphagenome:human runs: " + r.stderr[-300:])
    s, data = read("p.s2f")
    check(s.meta["tracks"]["padding"] == "stripped" and s.meta["tracks"]["padding_rows"] == 0,
          "meta.tracks.padding says stripped on a stream without padding rows")
    ok = True
    for head, rows in heads_of(real).items():
        got = data[head]
        ok &= got.shape[1:] == expected_values(head, rows).shape and np.array_equal(got[0], expected_values(head, rows))
    check(ok, "every head holds the real tracks' channels, in catalog order, at the seed's counts")
    counts = {f["name"]: f["shape"][0] for f in s.schema if f["name"] in heads_of(real)}
    check(counts["atac"] == 167 and counts["dnase"] == 305 and counts["chip_tf"] == 1617 and counts["contact_maps"] == 28
          and counts["splice_sites"] == 4, f"real track counts as the seed's table ({counts})")

    # ---- --include-padding: raw widths, padding_mask; the flag is "kept" ---
    r = predict("pp.s2f", "--catalog", "alphagenome:human", "--include-padding")
    s_pad, data_pad = read("pp.s2f")
    check(s_pad.meta["tracks"]["padding"] == "kept" and s_pad.meta["tracks"]["padding_rows"] == n_padding,
          "regression: meta.tracks.padding says kept, with the padding row count, when padding rows are held")
    check(data_pad["atac"].shape[1] == 256 and data_pad["chip_tf"].shape[1] == 1664, "raw widths with --include-padding")

    # ---- stripping padding from an existing stream is one flag -------------
    r = run("s2f-view", "-q", "--s2f", "--strip-padding", "-o", "stripped.s2f", "pp.s2f")
    check(r.returncode == 0, "s2f-view --strip-padding runs: " + r.stderr[-300:])
    s_str, data_str = read("stripped.s2f")
    check(s_str.meta["tracks"]["padding"] == "stripped" and s_str.meta["tracks"]["rows"] == s.meta["tracks"]["rows"],
          "--strip-padding gives the catalog predict gives without padding")
    check(all(np.array_equal(data_str[h], data[h]) for h in heads_of(real)), "--strip-padding keeps the same values")

    # ---- --tracks describes the data; --masks gives the seed's masks -------
    r, listed = tracks_table("--tracks", "pp.s2f")
    check(listed is not None and len(listed) == len(human),
          f"--tracks on a stream holding padding lists every track it holds ({len(listed or [])})")
    r, listed = tracks_table("--tracks", "--strip-padding", "pp.s2f")
    check(listed is not None and len(listed) == len(real), "--tracks --strip-padding lists the real tracks")
    r, masks = tracks_table("--masks", "--select", "biosample_name~liver", "pp.s2f")
    want_mask = ["1" if not is_padding(x) and "liver" in x["biosample_name"].lower() else "0" for x in human]
    want_pad = ["0" if is_padding(x) else "1" for x in human]
    check(masks is not None and [m["mask"] for m in masks] == want_mask, "--masks: mask is the seed's predicate")
    check(masks is not None and [m["padding_mask"] for m in masks] == want_pad, "--masks: padding_mask (1 = real)")
    check(masks is not None and [m["head_position"] for m in masks] == [x["track_index"] for x in human],
          "--masks: head_position is the channel in the raw head")

    # ---- predicates beyond exact match -------------------------------------
    def nz(x):
        try:
            return float(x["nonzero_mean"])
        except ValueError:
            return None
    want = [x["track_name"] for x in real if "liver" in x["biosample_name"].lower() and (nz(x) or 0) > 0.1]
    r, listed = tracks_table("--tracks", "--select", "biosample_name~liver", "--select", "nonzero_mean>0.1", "p.s2f")
    check(listed is not None and [x["track_name"] for x in listed] == want and want,
          f"biosample_name~liver and nonzero_mean>0.1 ({len(want)} tracks)")
    want = [x["track_name"] for x in real if x["output_type"] == "rna_seq" and x["strand"] != "+"]
    r, listed = tracks_table("--tracks", "--select", "output_type=rna_seq", "--select", "strand!=+", "p.s2f")
    check(listed is not None and [x["track_name"] for x in listed] == want, "negation: strand!=+")

    # ---- one rule for heads left without tracks (predict and view) ---------
    r = predict("cage.s2f", "--catalog", "alphagenome:human", "--select", "output_type=cage")
    heads_p = [f["name"] for f in s2f_stream.read("cage.s2f").schema if f["dtype"] == "f32"]
    r = run("s2f-view", "-q", "--s2f", "--select", "output_type=cage", "-o", "cage_view.s2f", "p.s2f")
    sv = s2f_stream.read("cage_view.s2f")
    heads_v = [f["name"] for f in sv.schema if f["dtype"] == "f32"]
    check(heads_p == ["cage"] and heads_v == ["cage"], f"heads without tracks left out by predict {heads_p} and view {heads_v}")
    check([g["name"] for g in sv.meta["geometry"]["heads"]] == ["cage"], "view drops their geometry too")
    r = run("s2f-view", "-q", "--s2f", "--allow-empty", "--select", "output_type=cage", "-o", "cage_empty.s2f", "p.s2f")
    kept = {f["name"]: f["shape"][0] for f in s2f_stream.read("cage_empty.s2f").schema if f["dtype"] == "f32"}
    check(kept.get("atac") == 0 and kept.get("cage") == 546, "--allow-empty keeps them, with no tracks")
    r = predict("mouse.s2f", "--catalog", "alphagenome:mouse")
    mouse_heads = [f["name"] for f in s2f_stream.read("mouse.s2f").schema if f["dtype"] == "f32"]
    check(r.returncode == 0 and "procap" not in mouse_heads and "atac" in mouse_heads,
          "mouse: procap (all padding) is left out, as by view")

    # ---- contact maps: a 2-D head, and --rc flips both axes ----------------
    cm = data["contact_maps"]
    check(cm.shape[1:] == (28, MAP_BINS, MAP_BINS), f"contact_maps is tracks x bins x bins ({cm.shape})")
    r = predict("rc.s2f", "--catalog", "alphagenome:human", "--heads", "contact_maps", "--rc", "mean")
    check(r.returncode == 0, "--rc mean with a contact-map head runs: " + r.stderr[-300:])
    if r.returncode == 0:
        m = expected_values("contact_maps", heads_of(real)["contact_maps"])
        check(np.allclose(read("rc.s2f")[1]["contact_maps"][0], (m + m[:, ::-1, ::-1]) / 2),
              "--rc mean on a contact map averages it with its map reversed on both axes")

    # ---- CSV catalogs; Parquet and misspelt names are clear errors ---------
    with open("human.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(human[0].keys()))
        for x in human:
            w.writerow(list(x.values()))
    r = predict("csv.s2f", "--catalog", "human.csv")
    check(r.returncode == 0 and s2f_stream.read("csv.s2f").meta["tracks"]["rows"] == s.meta["tracks"]["rows"],
          "a CSV catalog gives the TSV's tracks: " + r.stderr[-300:])
    with open("meta.parquet", "wb") as f:
        f.write(b"PAR1\x00\x00")
    r = predict("pq.s2f", "--catalog", "meta.parquet")
    check(r.returncode == 1 and "Parquet" in r.stderr and "to_csv(" in r.stderr and not os.path.exists("pq.s2f"),
          "a Parquet catalog: exit 1 with the conversion command")
    r = predict("rat.s2f", "--catalog", "alphagenome:rat")
    check(r.returncode == 2 and "alphagenome:human, alphagenome:mouse" in r.stderr, "a misspelt built-in name lists the names")

    # ---- one output type at several resolutions shares one track list ----
    r = run("s2f-predict", "-q", "--exec", FAKE + " --resolutions", "--catalog", "alphagenome:human", "--allow-empty",
            "--select", "output_type=atac", "--select", "biosample_name~liver", "-o", "res.s2f", "windows.s2f")
    ok = r.returncode == 0
    if ok:
        res_s, res = read("res.s2f")
        liver_atac = [x for x in heads_of(real)["atac"] if "liver" in x["biosample_name"].lower()]
        ch = np.array([int(x["track_index"]) for x in liver_atac], np.float32)
        ok = (res_s.meta["tracks"]["resolutions"] == {"atac": [1, 128]} and len(res_s.meta["tracks"]["rows"]) == len(ch)
              and np.array_equal(res["atac@1"][0], ch[:, None] + np.arange(8, dtype=np.float32) / 8)
              and np.array_equal(res["atac@128"][0], ch[:, None] + np.arange(BINS, dtype=np.float32) / 4))
    check(ok, "atac@1 and atac@128: one selection slices both resolutions alike; meta.tracks.resolutions " +
          r.stderr[-200:])

    # ---- per-bin arithmetic of two prediction streams, metadata of the left --
    rng = np.random.default_rng(7)
    operands = {}
    for name in ("A", "B"):
        batch = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in data.items()}
        for head in heads_of(real):
            batch[head] = rng.normal(size=data[head].shape).astype(np.float32)
        operands[name] = batch
        s2f_stream.write(f"{name}.s2f", "tensors", s.schema, s.meta, [batch])
    for op, fn in (("sub", np.subtract), ("div", np.divide), ("add", np.add), ("mul", np.multiply)):
        r = run("s2f-view", "-q", "--s2f", "--arith", op, "--with", "B.s2f", "-o", f"{op}.s2f", "A.s2f")
        ok = r.returncode == 0
        if ok:
            out_s, out = read(f"{op}.s2f")
            ok = out_s.meta["tracks"] == s.meta["tracks"] and all(
                np.array_equal(out[h], fn(operands["A"][h], operands["B"][h])) for h in heads_of(real))
            ok &= list(out["id"]) == list(operands["A"]["id"])
        check(ok, f"--arith {op}: per-bin A {op} B in float32, the catalog and ids of A: " + r.stderr[-200:])
    r = run("s2f-view", "-q", "--s2f", "--arith", "sub", "--with", "B.s2f", "--select", "biosample_name~liver",
            "-o", "sub_liver.s2f", "A.s2f")
    liver = [i for i, x in enumerate(heads_of(real)["dnase"]) if "liver" in x["biosample_name"].lower()]
    check(r.returncode == 0 and np.array_equal(read("sub_liver.s2f")[1]["dnase"],
                                               (operands["A"]["dnase"] - operands["B"]["dnase"])[:, liver]),
          "--arith with --select: the selected tracks of the difference (the seed's select() then '-')")
    run("s2f-view", "-q", "--s2f", "--select", "output_type=atac", "-o", "B_atac.s2f", "B.s2f")
    r = run("s2f-view", "-q", "--s2f", "--arith", "sub", "--with", "B_atac.s2f", "-o", "bad.s2f", "A.s2f")
    check(r.returncode == 1 and "not in B_atac.s2f" in r.stderr and not os.path.exists("bad.s2f"),
          "--arith refuses streams of other heads or tracks, leaving no output")
    s2f_stream.write("B1.s2f", "tensors", s.schema, s.meta,
                     [{k: v[:1] for k, v in operands["B"].items()}])
    r = run("s2f-view", "-q", "--s2f", "--arith", "sub", "--with", "B1.s2f", "-o", "short.s2f", "A.s2f")
    check(r.returncode == 1 and "ends after 1 records" in r.stderr and not os.path.exists("short.s2f"),
          "--arith refuses a right operand with fewer records")
    r = run("s2f-view", "-q", "--arith", "sub", "--with", "B.s2f", "--bigwig", "bw/t", "-o", "m.tsv", "A.s2f")
    check(r.returncode == 2 and "--bigwig" in r.stderr, "--arith with an output that ignores it is a usage error")

finish()
