"""Selene's prediction-only files (seed 001, analyze `get_predictions` on a BED
or FASTA file): `s2f-encode --selene-labels` gives every record Selene's row
label and `s2f-score --stat ref --window 0 --tsv/--hdf5 DIR/` writes
DIR/<prefix>_predictions.tsv, or .h5 (matrix `data`) + DIR/<prefix>_row_labels.txt,
<prefix> the input's name without its last extension.

The expected files come from a transcription, written here, of what Selene's
AnalyzeSequences does: BED rows labelled (line index, chrom, start, end,
strand column or '.', contains_unk) with every line of the file counted and
windows [mid - L/2, mid + L/2) reverse-complemented on '-'; FASTA rows
(record index, name) with sequences padded with N on both sides
(floor/ceil) or cut to their middle L bases. The model is a one-layer Keras
convolution whose whole-head sums numpy computes directly.
"""
import os

import h5py
import numpy as np

import s2f_stream
from s2f_testing import check, finish, run, temp_dir, write_tiny_keras

L = 32
rng = np.random.default_rng(11)
BASES = np.array(list("ACGT"))


def random_bases(n):
    return "".join(BASES[rng.integers(0, 4, n)])


def one_hot(seq, n_value):
    x = np.zeros((len(seq), 4))
    for i, b in enumerate(seq):
        if b in "ACGT":
            x[i, "ACGT".index(b)] = 1
        else:
            x[i, :] = n_value
    return x


def revcomp(seq):
    return seq[::-1].translate(str.maketrans("ACGTN", "TGCAN"))


def whole_head_sums(seq, kernel, n_value):
    """The Conv1D (valid, no bias) summed over its 30 bins, per filter."""
    x = one_hot(seq, n_value)
    out = np.zeros(kernel.shape[2])
    for p in range(len(seq) - kernel.shape[0] + 1):
        out += np.einsum("kc,kcf->f", x[p:p + kernel.shape[0]], kernel)
    return out


def selene_bed_rows(bed_lines, genome, strand_index):
    """Selene's _get_sequences_from_bed_file: (label, window) of each line it keeps."""
    rows = []
    for i, line in enumerate(bed_lines):
        cols = line.strip().split("\t")
        if len(cols) < 3:
            continue
        chrom, start, end = cols[0], cols[1], cols[2]
        strand = cols[strand_index] if len(cols) > strand_index else "."
        if not start.isdigit() or not end.isdigit() or chrom not in genome:
            continue
        start, end = int(start), int(end)
        mid = start + (end - start) // 2
        s, e = mid - L // 2, mid + L // 2
        if s < 0 or e > len(genome[chrom]):
            continue
        seq = genome[chrom][s:e]
        if strand == "-":
            seq = revcomp(seq)
        rows.append(([str(i), chrom, str(start), str(end), strand, str("N" in seq)], seq))
    return rows


def selene_fasta_rows(records):
    rows = []
    for i, (name, seq) in enumerate(records):
        if len(seq) < L:
            diff = (L - len(seq)) / 2
            seq = "N" * int(np.floor(diff)) + seq + "N" * int(np.ceil(diff))
        elif len(seq) > L:
            start = (len(seq) - L) // 2
            seq = seq[start:start + L]
        rows.append(([str(i), name], seq.upper()))
    return rows


def read_tsv(path):
    with open(path) as f:
        lines = [line.rstrip("\n").split("\t") for line in f]
    return lines[0], lines[1:]


def n_value_of(preds):
    with s2f_stream.read(preds) as s:
        v = s.meta.get("model", {}).get("n_value")
    return 0.0 if v is None else float(v)


def compare(prefix, label_columns, rows, kernel, n_value, hdf5):
    """Checks PREFIX_predictions.tsv (or .h5 + PREFIX_row_labels.txt) against the rows."""
    want_values = np.array([whole_head_sums(seq, kernel, n_value) for _, seq in rows])
    want_labels = [label for label, _ in rows]
    if hdf5:
        if not (os.path.exists(prefix + "_predictions.h5") and os.path.exists(prefix + "_row_labels.txt")):
            return False, "files missing"
        with h5py.File(prefix + "_predictions.h5") as f:
            got = np.asarray(f["data"])
        header, labels = read_tsv(prefix + "_row_labels.txt")
        ok = header == label_columns and labels == want_labels and got.shape == want_values.shape and \
            np.allclose(got, want_values, rtol=1e-5, atol=1e-5)
        return ok, f"{header} {labels[:2]} {got[:2]} vs {want_labels[:2]} {want_values[:2]}"
    if not os.path.exists(prefix + "_predictions.tsv"):
        return False, "file missing"
    header, lines = read_tsv(prefix + "_predictions.tsv")
    n = len(label_columns)
    labels = [line[:n] for line in lines]
    got = np.array([[float(v) for v in line[n:]] for line in lines])
    ok = header[:n] == label_columns and len(header) == n + kernel.shape[2] and labels == want_labels and \
        got.shape == want_values.shape and np.allclose(got, want_values, rtol=1e-5, atol=1e-5)
    return ok, f"{header} {labels[:2]} {got[:2]} vs {want_labels[:2]} {want_values[:2]}"


with temp_dir("s2f-selene-predictions-") as d:
    chr1 = random_bases(300)
    chr2 = random_bases(150) + "NN" + random_bases(48)
    genome = {"chr1": chr1, "chr2": chr2}
    fa = os.path.join(d, "genome.fa")
    with open(fa, "w") as f:
        for name, seq in genome.items():
            f.write(f">{name}\n{seq}\n")
    kernel = rng.normal(size=(3, 4, 2)).astype(np.float32)
    model = os.path.join(d, "tiny.h5")
    write_tiny_keras(model, kernel)

    # ---- BED ----------------------------------------------------------------
    bed_lines = ["track name=regions\n",
                 "chr1\t50\t90\tr1\t0\t+\n",
                 "chr1\t100\t101\tr2\t0\t-\n",
                 "chr2\t20\t40\tr3\t0\t.\n",
                 "chr1\t290\t300\tr4\t0\t+\n",     # its window leaves chr1: Selene's NA
                 "chr2\t140\t170\tr5\t0\t-\n"]     # holds the genome's Ns
    bed = os.path.join(d, "regions.bed")
    with open(bed, "w") as f:
        f.writelines(bed_lines)
    windows, preds = os.path.join(d, "w.s2f"), os.path.join(d, "p.s2f")
    run("s2f-encode", "-q", "-g", fa, "-L", L, "--bed", bed, "--strand-index", 5, "--selene-labels", "-o", windows,
        check=True)
    run("s2f-predict", "-q", "-m", model, "-o", preds, windows, check=True)
    n_value = n_value_of(preds)
    rows = selene_bed_rows(bed_lines, genome, 5)
    check(len(rows) == 4 and rows[-1][0][-1] == "True", "the BED case has 4 windows Selene keeps, one with N")
    bed_columns = ["index", "chrom", "start", "end", "strand", "contains_unk"]
    for fmt in ("tsv", "hdf5"):
        out = os.path.join(d, f"bed_{fmt}") + "/"
        r = run("s2f-score", "-q", "--stat", "ref", "--window", 0, f"--{fmt}", out, "-o", os.path.join(d, f"s_{fmt}.s2f"),
                preds)
        ok, why = compare(out + "regions", bed_columns, rows, kernel, n_value, fmt == "hdf5")
        check(r.returncode == 0 and ok, f"BED --{fmt} DIR/: DIR/regions_predictions with Selene's labels and the "
              f"model's values {r.stderr} {'' if ok else why}")
    check(os.path.exists(os.path.join(d, "bed_tsv", "regions.NA")),
          "BED: the region whose window leaves the chromosome is listed in DIR/regions.NA")
    prefix = os.path.join(d, "named", "calls")
    r = run("s2f-score", "-q", "--stat", "ref", "--window", 0, "--tsv", prefix, "-o", os.path.join(d, "s3.s2f"), preds)
    ok, _ = compare(prefix, bed_columns, rows, kernel, n_value, False)
    check(r.returncode == 0 and ok, "BED --tsv PREFIX: PREFIX_predictions.tsv")

    # ---- FASTA --------------------------------------------------------------
    records = [("seqA", random_bases(40)), ("seqB", random_bases(20)), ("seqC", random_bases(L)),
               ("seqD", random_bases(31))]
    example = os.path.join(d, "example.fasta")
    with open(example, "w") as f:
        for name, seq in records:
            f.write(f">{name} some description\n{seq[:25]}\n{seq[25:]}\n")
    windows, preds = os.path.join(d, "fw.s2f"), os.path.join(d, "fp.s2f")
    run("s2f-encode", "-q", "-L", L, "--fasta-records", example, "--selene-labels", "-o", windows, check=True)
    run("s2f-predict", "-q", "-m", model, "-o", preds, windows, check=True)
    rows = selene_fasta_rows(records)
    for fmt in ("tsv", "hdf5"):
        out = os.path.join(d, f"fa_{fmt}") + "/"
        r = run("s2f-score", "-q", "--stat", "ref", "--window", 0, f"--{fmt}", out, "-o", os.path.join(d, f"f_{fmt}.s2f"),
                preds)
        ok, why = compare(out + "example", ["index", "name"], rows, kernel, n_value_of(preds), fmt == "hdf5")
        check(r.returncode == 0 and ok, f"FASTA --{fmt} DIR/: example.fasta gives DIR/example_predictions "
              f"(index, name) {r.stderr} {'' if ok else why}")

    # ---- errors ---------------------------------------------------------------
    out = os.path.join(d, "err.s2f")
    r = run("s2f-score", "-q", "--stat", "ref", "--window", 0, "--tsv", os.path.join(d, "e") + "/", "--save", "diffs",
            "-o", out, preds)
    check(r.returncode == 2 and "predictions only" in r.stderr and not os.path.exists(out),
          "--save diffs on single windows with Selene labels: usage error, no output")
    r = run("s2f-encode", "-q", "-g", fa, "-L", L, "--sequences", example, "--selene-labels", "-o", out)
    check(r.returncode == 2 and "--selene-labels" in r.stderr and not os.path.exists(out),
          "--selene-labels on input other than BED/FASTA: usage error")

finish()
