"""Selene's VCF runs (seed 001, analyze variant_effect_prediction):

* several VCFs in one run (`vcf_files` is a list; each file's outputs carry
  its own prefix): `s2f-encode --vcf a.vcf --vcf b.vcf` tags each record with
  its file, and `s2f-score --tsv DIR/` writes DIR/a_*.tsv and DIR/b_*.tsv,
  with DIR/a.NA and DIR/b.NA, byte for byte what two separate runs write;
  two VCFs of one prefix are refused.
* the .NA lines of `--selene-na` name chromosome chrMT as chrM when the genome
  has no chrMT, as Selene's read_vcf_file does; compared with a transcription
  of its NA rule written here.
"""
import filecmp
import os

import numpy as np

from s2f_testing import check, finish, run, temp_dir, write_tiny_keras

L = 32
rng = np.random.default_rng(23)
BASES = np.array(list("ACGT"))


def random_bases(n):
    return "".join(BASES[rng.integers(0, 4, n)])


def write_genome(path, contigs):
    with open(path, "w") as f:
        for name, seq in contigs.items():
            f.write(f">{name}\n{seq}\n")


def write_vcf(path, records):
    with open(path, "w") as f:
        f.write("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for chrom, pos, vid, ref, alt in records:
            f.write(f"{chrom}\t{pos}\t{vid}\t{ref}\t{alt}\t.\t.\t.\n")


def selene_na_lines(records, contigs):
    """Selene's read_vcf_file with a reference and seq_context (L/2, L/2):
    the lines it writes to the .NA file."""
    lines = []
    for chrom, pos, vid, ref, alt in records:
        if chrom[:3] == "CHR":
            chrom = chrom.replace("CHR", "chr")
        elif "chr" not in chrom:
            chrom = "chr" + chrom
        if chrom == "chrMT" and chrom not in contigs:
            chrom = "chrM"
        start, end = pos + len(ref) // 2 - L // 2, pos + len(ref) // 2 + L // 2
        if chrom not in contigs or start < 0 or end > len(contigs[chrom]):
            lines.append(f"{chrom}\t{pos}\t{vid}\t{ref}\t{alt}\t+\n")
    return lines


def read(path):
    with open(path) as f:
        return f.readlines()


with temp_dir("s2f-selene-vcf-sources-") as d:
    model = os.path.join(d, "tiny.h5")
    write_tiny_keras(model, rng.normal(size=(3, 4, 2)).astype(np.float32))
    chr1, chr2 = random_bases(400), random_bases(300)
    fa = os.path.join(d, "genome.fa")
    write_genome(fa, {"chr1": chr1, "chr2": chr2})

    def snv(chrom, seq, pos, vid):
        ref = seq[pos - 1]
        return (chrom, pos, vid, ref, "ACGT"[("ACGT".index(ref) + 1) % 4])

    a_records = [snv("chr1", chr1, 100, "a1"), snv("chr2", chr2, 150, "a2"), snv("chr1", chr1, 395, "a_edge"),
                 ("chr1", 200, "a_del", chr1[199:203], chr1[199])]
    b_records = [snv("chr2", chr2, 50, "b1"), ("chr1", 300, "b_ins", chr1[299], chr1[299] + "GG"),
                 snv("chr2", chr2, 5, "b_edge"), ("chr9", 10, "b_nochrom", "A", "G")]
    os.makedirs(os.path.join(d, "in"))
    a_vcf, b_vcf = os.path.join(d, "in", "a.vcf"), os.path.join(d, "in", "b.vcf")
    write_vcf(a_vcf, a_records)
    write_vcf(b_vcf, b_records)

    def pipeline(tag, vcfs, na, out):
        windows, preds = os.path.join(d, f"{tag}.w.s2f"), os.path.join(d, f"{tag}.p.s2f")
        args = [a for v in vcfs for a in ("--vcf", v)]
        r = run("s2f-encode", "-q", "-g", fa, "-L", L, "--windows", "selene", *args, "--selene-na", na, "-o", windows)
        if r.returncode != 0:
            return r
        run("s2f-predict", "-q", "-m", model, "-o", preds, windows, check=True)
        return run("s2f-score", "-q", "--stat", "diff", "--window", 0, "--tsv", out, "-o",
                   os.path.join(d, f"{tag}.scores.s2f"), preds)

    # ---- several VCFs = separate runs ---------------------------------------
    both = os.path.join(d, "both") + "/"
    r = pipeline("ab", [a_vcf, b_vcf], os.path.join(d, "na_ab") + "/", both)
    check(r.returncode == 0, "--vcf a.vcf --vcf b.vcf, scored with --tsv DIR/" + r.stderr)
    separate = []
    for name, vcf in (("a", a_vcf), ("b", b_vcf)):
        out = os.path.join(d, f"only_{name}") + "/"
        r = pipeline(name, [vcf], os.path.join(d, f"{name}.NA"), out)
        check(r.returncode == 0, f"{name}.vcf alone, scored with --tsv DIR/" + r.stderr)
        separate += [(out, f) for f in sorted(os.listdir(out))]
    names = sorted(f for _, f in separate)
    check(names == sorted(os.listdir(both)) and "a_diffs.tsv" in names and "b.NA" in names
          and "a.ref_predictions.tsv" in names and "b.NA.skipped.tsv" in names,
          f"one run writes each VCF's files under its own prefix: {sorted(os.listdir(both))}")
    same = all(filecmp.cmp(os.path.join(out, f), os.path.join(both, f), shallow=False) for out, f in separate)
    check(same, "each file of the two-VCF run equals, byte for byte, the file of that VCF's own run")
    check(read(os.path.join(both, "a.NA")) == selene_na_lines(a_records, {"chr1": chr1, "chr2": chr2}) and
          read(os.path.join(both, "b.NA")) == selene_na_lines(b_records, {"chr1": chr1, "chr2": chr2}),
          "DIR/a.NA and DIR/b.NA hold Selene's .NA lines of their own VCF")
    with open(os.path.join(both, "a_diffs.tsv")) as f:
        ids = [line.split("\t")[2] for line in f][1:]
    check(ids == ["a1", "a2", "a_del"], f"DIR/a_diffs.tsv holds a.vcf's variants only: {ids}")

    # ---- errors -----------------------------------------------------------------
    os.makedirs(os.path.join(d, "other"))
    twin = os.path.join(d, "other", "a.vcf")
    write_vcf(twin, b_records)
    out = os.path.join(d, "twin.s2f")
    r = run("s2f-encode", "-q", "-g", fa, "-L", L, "--vcf", a_vcf, "--vcf", twin, "-o", out)
    check(r.returncode == 2 and "both have the prefix 'a'" in r.stderr and not os.path.exists(out),
          "two VCFs named a.vcf: usage error naming both, no output")
    r = run("s2f-score", "-q", "--stat", "diff", "--tsv", os.path.join(d, "flat"), "-o", out,
            os.path.join(d, "ab.p.s2f"))
    check(r.returncode == 2 and "--tsv DIR/" in r.stderr and not os.path.exists(out),
          "a two-VCF stream scored with --tsv PREFIX (not a directory): usage error")
    r = run("s2f-score", "-q", "--selene-files", "--tsv", os.path.join(d, "flat") + "/")
    check(r.returncode == 2 and "only the stream says" in r.stderr and r.stdout == "",
          "--selene-files with --tsv DIR/: usage error (the names come from the stream)")
    r = run("s2f-encode", "-q", "-g", fa, "-L", L, "--vcf", a_vcf, "--vcf", b_vcf, "--selene-na",
            os.path.join(d, "one.NA"), "-o", out)
    check(r.returncode == 2 and "DIR/<prefix>.NA" in r.stderr, "--selene-na FILE with several VCFs: usage error")

    # ---- chrMT -> chrM in .NA lines ----------------------------------------------
    mito = [("MT", 500, "mt_far", "A", "G"), ("chrMT", 3, "mt_edge", "C", "T"), ("1", 20, "one_ok", "A", "G"),
            ("CHR1", 1000, "one_far", "A", "G")]
    vcf = os.path.join(d, "mito.vcf")
    write_vcf(vcf, mito)
    for mito_name in ("chrM", "chrMT"):
        contigs = {"chr1": random_bases(200), mito_name: random_bases(100)}
        g = os.path.join(d, f"{mito_name}.fa")
        write_genome(g, contigs)
        na = os.path.join(d, f"{mito_name}.NA")
        r = run("s2f-encode", "-q", "-g", g, "-L", L, "--windows", "selene", "--vcf", vcf, "--selene-na", na,
                "-o", os.path.join(d, f"{mito_name}.s2f"))
        want = selene_na_lines(mito, contigs)
        got = read(na) if os.path.exists(na) else []
        check(r.returncode == 0 and got == want and len(want) == 3,
              f"--selene-na with a genome naming its mitochondrion {mito_name}: Selene's lines {got} {r.stderr}")

finish()
