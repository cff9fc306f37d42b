#!/usr/bin/python3
"""The model stages on every kind of window s2f-encode makes: BED (both
strands), narrowPeak, VCF REF/ALT pairs (SNVs, MNVs, insertions, deletions,
a REF mismatch, and the same on the minus strand), FASTA records and
--sequences, with the bundled demo model on the synthetic test genome.

* s2f-ism runs on each (regression: on VCF windows it stopped with
  "variable field set twice"): one reference record and 3 mutants per ACGT
  position (4 per N) for every window, in input order; each block carries its
  window's identity (id, chrom, strand, start, ref_match, contains_unk, and
  window_allele/variant_ref/variant_alt for variant windows); the reference
  record's prediction is s2f-predict's for that window; every mutant's REF
  base is the window's base at mut_pos, and its `pos` is where that base lies
  on the genome (checked against the FASTA read here, through the shift an
  indel makes in an ALT window) or its offset for windows that are not
  genomic. Selene files of a variant are <id>_ref/<id>_alt; --attr gives one
  contributions record per window with its allele; --shard slices join to
  the whole run; an --exec model (a PyTorch copy of the demo) gives the
  native run's records on variant windows.
* s2f-marginalize takes each kind's windows as backgrounds (--motif),
  shuffles them (--shuffle) and ablates them (--ablate): record counts, the
  background's id and allele carried, `before` = s2f-predict.
* --sequences and --fasta-records given to s2f-predict and s2f-ism equal
  s2f-encode | stage, value for value.
"""
import os
import subprocess

import numpy as np

import s2f_stream
from s2f_testing import PYTHON, check, finish, run, source_path, temp_dir, tool_path

L = 500
START, END = 240, 260  # covers the variant index (249) and every allele of the test VCF
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N"}


def read_all(path):
    return s2f_stream.read(path).read_all()


def read_fasta(path):
    seqs, name = {}, None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith(">"):
            name = line[1:].split()[0]
            seqs[name] = []
        else:
            seqs[name].append(line.upper())
    return {k: "".join(v) for k, v in seqs.items()}


def text(codes):
    return bytes(codes).decode()


def encode(tmp, name, args):
    out = os.path.join(tmp, name + ".s2f")
    r = run("s2f-encode", "-q", "-L", L, *args, "--skipped", out + ".skipped.tsv", "-o", out)
    check(r.returncode == 0, f"{name}: s2f-encode exits 0 ({r.stderr.strip()[:200]})")
    return out


def window_kinds(tmp):
    g = os.path.join(tmp, "g")
    subprocess.run([PYTHON, source_path("tests", "genome", "make_synthetic_genome.py"), g], check=True,
                   capture_output=True)
    genome = os.path.join(g, "genome.fa")
    # The VCF again with a strand column: every other variant on '-'.
    stranded = os.path.join(tmp, "stranded.vcf")
    with open(os.path.join(g, "variants.vcf")) as src, open(stranded, "w") as dst:
        n = 0
        for line in src:
            if line.startswith("#"):
                dst.write(line)
            else:
                n += 1
                dst.write(line.rstrip("\n") + "\t" + ("-" if n % 2 else "+") + "\n")
    fasta = os.path.join(tmp, "records.fa")
    with open(fasta, "w") as f:  # shorter than L (N-padded), longer (cropped), and exactly L
        f.write(">short one\nACGTTGCAGATTACA\n>long\n" + "ACGGT" * 140 + "\n>exact\n" + "TTGCA" * 100 + "\n")
    seqs = os.path.join(tmp, "seqs.txt")
    with open(seqs, "w") as f:
        f.write("ACGT" * 150 + "\nnamed\t" + "GGCAT" * 30 + "\n")
    kinds = {
        "bed": encode(tmp, "bed", ["-g", genome, "--bed", os.path.join(g, "peaks.bed"), "--strand-column", "6"]),
        "narrowpeak": encode(tmp, "narrowpeak", ["-g", genome, "--narrowpeak", os.path.join(g, "peaks.narrowPeak")]),
        "vcf": encode(tmp, "vcf", ["-g", genome, "--vcf", os.path.join(g, "variants.vcf")]),
        "vcf_stranded": encode(tmp, "vcf_stranded", ["-g", genome, "--vcf", stranded, "--strand-column", "9"]),
        "fasta": encode(tmp, "fasta", ["--fasta-records", fasta]),
        "sequences": encode(tmp, "sequences", ["--sequences", seqs]),
    }
    return genome, fasta, seqs, os.path.join(g, "variants.vcf"), kinds


def predict_counts(tmp, windows):
    out = windows + ".pred.s2f"
    run("s2f-predict", "-q", "-m", "demo", "--heads", "counts", windows, "-o", out, check=True)
    return read_all(out)["counts"]


def expected_mutants(seq):
    return sum(3 if chr(b) in "ACGT" else 4 for b in seq[START:END])


def check_ism_on(kind, windows, genome_seqs, tmp):
    w = read_all(windows)
    n = len(w["id"])
    out = os.path.join(tmp, kind + ".ism.s2f")
    r = run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", END, "--heads", "counts", windows, "-o", out)
    if not check(r.returncode == 0, f"{kind}: s2f-ism exits 0 on {n} windows ({r.stderr.strip()[:300]})"):
        return
    d = read_all(out)
    blocks = [1 + expected_mutants(w["seq"][k]) for k in range(n)]
    check(len(d["id"]) == sum(blocks), f"{kind}: 1 reference + 3 mutants per ACGT base (4 per N) of each window "
                                       f"({len(d['id'])} records, {sum(blocks)} expected)")
    if len(d["id"]) != sum(blocks):
        return
    reference = predict_counts(tmp, windows)
    identity_ok = reference_ok = labels_ok = pos_ok = True
    genomic_mutants = 0
    at = 0
    for k in range(n):
        seq = text(w["seq"][k])
        rows = range(at, at + blocks[k])
        at += blocks[k]
        for i in rows:
            same = all(d[f][i] == w[f][k] for f in ("id", "chrom", "strand", "start", "ref_match", "contains_unk"))
            same = same and d["window_allele"][i] == w["allele"][k]
            same = same and d["variant_ref"][i] == w["ref"][k] and d["variant_alt"][i] == w["alt"][k]
            identity_ok = identity_ok and same
        first = rows[0]
        identity_ok = identity_ok and d["allele"][first] == ord("R") and d["mut_pos"][first] == "" \
            and d["pos"][first] == w["pos"][k]
        reference_ok = reference_ok and np.allclose(d["predictions.counts"][first], reference[k], atol=1e-5)
        strand, start = chr(w["strand"][k]), int(w["start"][k])
        allele, vpos = chr(w["allele"][k]), int(w["pos"][k])
        vref = w["ref"][k]
        contig = genome_seqs.get(w["chrom"][k])
        for i in rows[1:]:
            off = int(d["mut_pos"][i])
            ref_base, alt_base = d["ref"][i], d["alt"][i]
            labels_ok = labels_ok and d["allele"][i] == ord("A") and ref_base == seq[off] and alt_base != ref_base
            p = int(d["pos"][i])
            if start < 0:
                pos_ok = pos_ok and p == off
                continue
            # The genome's base at pos (complemented on '-') is the mutated base, except over a
            # variant's REF span: there an ALT window holds the ALT allele and a mismatching REF
            # window the VCF REF.
            if allele in "RA" and vpos <= p < vpos + len(vref) and (allele == "A" or w["ref_match"][k] == 0):
                pos_ok = pos_ok and (allele == "A" or ref_base == (vref[p - vpos] if strand != "-" else
                                                                   COMPLEMENT[vref[p - vpos]]))
                continue
            g = contig[p]
            genomic_mutants += 1
            pos_ok = pos_ok and ref_base == (COMPLEMENT[g] if strand == "-" else g)
    check(identity_ok, f"{kind}: every record carries its window's identity; each block starts with its "
                       "reference record (allele R, empty mut_pos, the window's pos)")
    check(reference_ok, f"{kind}: each reference record's prediction is s2f-predict's for the window")
    check(labels_ok, f"{kind}: mutants are labelled A with ref = the window's base at mut_pos")
    where = f"{genomic_mutants} checked on the genome" if genomic_mutants else "offsets (not genomic)"
    check(pos_ok, f"{kind}: every mutant's pos is where its base lies ({where})")
    return d


def check_variant_ism(windows, tmp):
    w = read_all(windows)
    n = len(w["id"])
    alleles = [chr(a) for a in w["allele"]]
    check(alleles == ["R", "A"] * (n // 2) and n % 2 == 0, "VCF windows alternate REF, ALT")
    # Selene files: one set per window, <id>_ref and <id>_alt.
    sel = os.path.join(tmp, "selene")
    os.makedirs(sel)
    r = run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", START + 2, "--heads", "counts",
            "--save", "predictions", "--tsv", sel + "/", windows, "-o", os.path.join(tmp, "sel.s2f"))
    names = sorted(os.listdir(sel)) if r.returncode == 0 else []
    want = sorted(f"{w['id'][k]}_{'ref' if alleles[k] == 'R' else 'alt'}_predictions.tsv" for k in range(n))
    check(r.returncode == 0 and names == want, f"Selene files <id>_ref and <id>_alt for each of {n // 2} variants")
    # --attr: one contributions record per window, with its allele.
    attr = os.path.join(tmp, "attr.s2f")
    r = run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", END, "--attr", windows, "-o", attr)
    ok = r.returncode == 0
    if ok:
        a = read_all(attr)
        ok = a["id"] == w["id"] and list(a["allele"]) == list(w["allele"]) and a["ref"] == w["ref"] \
            and a["alt"] == w["alt"] and np.array_equal(a["seq"], w["seq"])
    check(ok, "--attr on variant windows: one record per window carrying id, allele, ref, alt")
    # The pipe of the original report, and --shard slices joined = the whole run.
    whole = os.path.join(tmp, "whole.s2f")
    run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", START + 3, windows, "-o", whole, check=True)
    parts = []
    for k in (1, 2, 3):
        parts.append(os.path.join(tmp, f"part{k}.s2f"))
        run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", START + 3, "--shard", f"{k}/3", windows,
            "-o", parts[-1], check=True)
    joined = os.path.join(tmp, "joined.s2f")
    run("s2f-view", "-q", "--s2f", *parts, "-o", joined, check=True)
    a, b = read_all(whole), read_all(joined)
    check(all(np.array_equal(a[f], b[f]) if isinstance(a[f], np.ndarray) else a[f] == b[f] for f in a),
          "--shard 1/3..3/3 of variant windows joined = the whole run")


def check_exec_ism(genome, vcf, tmp):
    """--exec models run naive ISM through the same output: on a SNV, an
    insertion and a deletion (both windows each) it equals the native run."""
    small = os.path.join(tmp, "three.vcf")
    with open(vcf) as src, open(small, "w") as dst:
        for line in src:
            if line.startswith("#") or line.split("\t")[2] in ("snv0", "ins1", "del1"):
                dst.write(line)
    args = ["--start", START, "--end", START + 12, "-g", genome, "--vcf", small]
    native = os.path.join(tmp, "native.s2f")
    run("s2f-ism", "-q", "-m", "demo", *args, "-o", native, check=True)
    demo = source_path("pipelines", "demo")
    cmd = (f"{PYTHON} {source_path('formats', 'python', 'torch_adapter.py')} --module {demo}/demo_torch.py "
           f"--class DemoModel --heads profile,counts --catalog {demo}/model/demo.tracks.tsv")
    ex = os.path.join(tmp, "exec.s2f")
    r = run("s2f-ism", "-q", "--exec", cmd, "-L", L, *args, "-o", ex)
    ok = r.returncode == 0
    if ok:
        a, b = read_all(native), read_all(ex)
        values = [f for f in a if f.startswith("predictions.")]
        ok = len(a["id"]) == 6 * (1 + 36) and all(
            a[f] == b[f] if isinstance(a[f], list) else np.array_equal(a[f], b[f]) for f in a if f not in values)
        ok = ok and all(np.allclose(a[f], b[f], atol=1e-4) for f in values)
    check(ok, f"--exec ISM on variant windows = native ISM: identity, labels, pos, values ({r.stderr.strip()[-200:]})")


def check_issue_pipe(genome, vcf, tmp):
    enc = subprocess.Popen([tool_path("s2f-encode"), "-q", "-g", genome, "-L", str(L), "--vcf", vcf],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = os.path.join(tmp, "pipe.s2f")
    r = subprocess.run([tool_path("s2f-ism"), "-q", "-m", "demo", "--start", "240", "--end", "260", "-o", out],
                       stdin=enc.stdout, capture_output=True, text=True)
    enc.stdout.close()
    enc.wait()
    check(r.returncode == 0 and enc.returncode == 0,
          f"s2f-encode --vcf | s2f-ism -m demo --start 240 --end 260 exits 0 ({r.stderr.strip()[:200]})")


def check_marginalize_on(kind, windows, tmp):
    w = read_all(windows)
    n = len(w["id"])
    reference = predict_counts(tmp, windows)

    def marginalize(name, *args):
        out = os.path.join(tmp, f"{kind}.{name}.s2f")
        r = run("s2f-marginalize", "-q", "-m", "demo", "--heads", "counts", windows, *args, "-o", out)
        ok = check(r.returncode == 0, f"{kind}: s2f-marginalize {name} exits 0 ({r.stderr.strip()[:200]})")
        return read_all(out) if ok else None

    d = marginalize("motif", "--motif", "ATGAGTCAT")
    if d is not None:
        check(len(d["motif"]) == n and list(d["background"]) == list(range(n)),
              f"{kind}: --motif gives one record per window ({len(d['motif'])} of {n})")
        check(d["background_id"] == w["id"] and list(d["background_allele"]) == list(w["allele"]),
              f"{kind}: --motif records carry their window's id and allele")
        check(np.allclose(d["counts.before"], reference, atol=1e-5), f"{kind}: before = s2f-predict of the window")
    d = marginalize("shuffle", "--motif", "ATGAGTCAT", "--shuffle", "dinucleotide", "-n", 2, "--seed", 3)
    if d is not None:
        check(len(d["motif"]) == 2 * n and d["background_id"] == [i for i in w["id"] for _ in range(2)]
              and list(d["background_allele"]) == [a for a in w["allele"] for _ in range(2)],
              f"{kind}: --shuffle -n 2: two backgrounds per window, each carrying its window's id and allele")
    d = marginalize("ablate", "--ablate", f"{START}:{END}", "-n", 2, "--seed", 3)
    if d is not None:
        check(len(d["motif"]) == 2 * n and list(d["background"]) == [k for k in range(n) for _ in range(2)]
              and d["background_id"] == [i for i in w["id"] for _ in range(2)],
              f"{kind}: --ablate -n 2: two shuffles per window, labelled with the window")
        check(np.allclose(d["counts.before"], np.repeat(reference, 2, axis=0), atol=1e-5),
              f"{kind}: --ablate before = s2f-predict of the window")


def same_stream_values(a_path, b_path):
    a, b = read_all(a_path), read_all(b_path)
    if sorted(a) != sorted(b):
        return False
    return all(np.array_equal(a[f], b[f]) if isinstance(a[f], np.ndarray) else a[f] == b[f] for f in a)


def check_direct_inputs(fasta, seqs, kinds, tmp):
    for flag, path, kind in (("--sequences", seqs, "sequences"), ("--fasta-records", fasta, "fasta")):
        direct = os.path.join(tmp, f"direct{flag}.s2f")
        r = run("s2f-predict", "-q", "-m", "demo", flag, path, "-o", direct)
        piped = os.path.join(tmp, f"piped{flag}.s2f")
        run("s2f-predict", "-q", "-m", "demo", kinds[kind], "-o", piped, check=True)
        check(r.returncode == 0 and same_stream_values(direct, piped),
              f"s2f-predict {flag} = s2f-encode {flag} | s2f-predict, every field and value ({r.stderr.strip()[:200]})")
        direct = os.path.join(tmp, f"ism_direct{flag}.s2f")
        r = run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", START + 4, flag, path, "-o", direct)
        piped = os.path.join(tmp, f"ism_piped{flag}.s2f")
        run("s2f-ism", "-q", "-m", "demo", "--start", START, "--end", START + 4, kinds[kind], "-o", piped, check=True)
        check(r.returncode == 0 and same_stream_values(direct, piped),
              f"s2f-ism {flag} = s2f-encode {flag} | s2f-ism ({r.stderr.strip()[:200]})")
    r = run("s2f-predict", "-q", "-m", "demo", "--sequences", seqs, kinds["sequences"])
    check(r.returncode == 2 and "--sequences" in r.stderr, "an input stream and --sequences together are refused")


def main():
    with temp_dir() as tmp:
        genome, fasta, seqs, vcf, kinds = window_kinds(tmp)
        genome_seqs = read_fasta(genome)
        check_issue_pipe(genome, vcf, tmp)
        check_exec_ism(genome, vcf, tmp)
        for kind, windows in kinds.items():
            check_ism_on(kind, windows, genome_seqs, tmp)
        check_variant_ism(kinds["vcf"], tmp)
        for kind, windows in kinds.items():
            check_marginalize_on(kind, windows, tmp)
        check_direct_inputs(fasta, seqs, kinds, tmp)
    finish()


if __name__ == "__main__":
    main()
