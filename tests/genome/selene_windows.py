#!/usr/bin/env python3
"""Selene's variant windows, transcribed from Selene's own code, compared with
what `s2f-encode --windows selene` wrote.

    selene_windows.py GENOME.fa L VCF WINDOWS.tsv SKIPPED.tsv [--strand-index I] [--require-strand]
                      [--selene-na NA_FILE]

WINDOWS.tsv is `s2f-view` output of the sequences stream, SKIPPED.tsv the
side file of the same run, NA_FILE its --selene-na list. The reference below follows selene_sdk.predict
(read_vcf_file, AnalyzeSequences.variant_effect_prediction, _process_alt,
_get_ref_idxs, _handle_standard_ref, _handle_long_ref) and
selene_sdk.sequences.Genome (get_sequence_from_coords with its padding
rules, coords_in_bounds) step by step, on strings instead of one-hot
arrays (a one-hot row and its base are the same thing for A/C/G/T/N; Python
string slicing is numpy's row slicing). It never calls s2f.

Checks: the same variants become windows (Selene's .NA variants are the
ones s2f sends to its side file), in the same order, and every REF and ALT
window and ref_match agree; the --selene-na list is Selene's .NA file line
for line. Exits 1 and prints the first differences.
"""
import math
import sys

COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N",
              "a": "T", "c": "G", "g": "C", "t": "A", "n": "N"}


def norm(s):
    return "".join(c if c in "ACGT" else "N" for c in s.upper())


def read_fasta(path):
    seqs, name = {}, None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(">"):
                name = line[1:].split()[0]
                seqs[name] = []
            else:
                seqs[name].append(line)
    return {k: "".join(v) for k, v in seqs.items()}


class Genome:
    """selene_sdk.sequences.Genome on a dict of strings."""
    UNK_BASE = "N"

    def __init__(self, seqs):
        self.seqs = seqs
        self.len_chrs = {k: len(v) for k, v in seqs.items()}

    def get_chrs(self):
        return sorted(self.seqs)

    def _genome_sequence(self, chrom, start, end, strand):
        s = self.seqs[chrom][start:end]
        if strand == "+" or strand == ".":
            return s
        return "".join(COMPLEMENT.get(c, "N") for c in reversed(s))

    def coords_in_bounds(self, chrom, start, end):
        return chrom in self.len_chrs and (
            start >= 0 and start < self.len_chrs[chrom] and end <= self.len_chrs[chrom])

    def get_sequence_from_coords(self, chrom, start, end, strand="+", pad=False):
        if chrom not in self.len_chrs:
            return ""
        if start >= self.len_chrs[chrom]:
            return ""
        if not pad and (end > self.len_chrs[chrom] or start < 0):
            return ""
        if start >= end:
            return ""
        end_pad = start_pad = 0
        if end > self.len_chrs[chrom]:
            end_pad = end - self.len_chrs[chrom]
            end = self.len_chrs[chrom]
        if start < 0:
            start_pad = -1 * start
            start = 0
        return (self.UNK_BASE * start_pad + self._genome_sequence(chrom, start, end, strand)
                + self.UNK_BASE * end_pad)


def get_reverse_complement(allele):
    if allele == "*" or allele == "-" or len(allele) == 0:
        return "*"
    return "".join(reversed([COMPLEMENT[a] for a in allele]))


def truncate_sequence(sequence, to_length):
    start = int((len(sequence) - to_length) // 2)
    return sequence[start:int(start + to_length)].upper()


def read_vcf_file(path, strand_index, require_strand, na_out, seq_context, genome, dropped):
    """Selene's read_vcf_file: returns the variants; NA lines go to na_out
    (Selene's .NA file); lines dropped for a '.' strand are counted in
    `dropped` (Selene drops them without a word; s2f's side file names them)."""
    variants = []
    with open(path) as fh:
        lines = fh.readlines()
    index = 0
    for index, line in enumerate(lines):
        if "#" not in line:
            break
        if "#CHROM" in line:
            index += 1
            break
    for line in lines[index:]:
        cols = line.strip().split("\t")
        if len(cols) < 5:
            continue
        chrom = str(cols[0])
        if chrom[:3] == "CHR":
            chrom = chrom.replace("CHR", "chr")
        elif "chr" not in chrom:
            chrom = "chr" + chrom
        if chrom == "chrMT" and chrom not in genome.get_chrs():
            chrom = "chrM"
        pos = int(cols[1])
        name = cols[2]
        ref = cols[3]
        if ref == "-":
            ref = ""
        alt = cols[4]
        strand = "+"
        if strand_index is not None:
            if require_strand and cols[strand_index] == ".":
                dropped.append(len(cols[4].split(",")))
                continue
            elif cols[strand_index] == "-":
                strand = "-"
        lhs_radius, rhs_radius = seq_context
        start = pos + len(ref) // 2 - lhs_radius
        end = pos + len(ref) // 2 + rhs_radius
        if not genome.coords_in_bounds(chrom, start, end):
            na_out.append((chrom, pos, name, ref, alt, strand))
            continue
        for a in alt.split(","):
            variants.append((chrom, pos, name, ref, a, strand))
    return variants


def get_ref_idxs(seq_len, strand, ref_len):
    mid = math.ceil(seq_len / 2) if strand == "-" else seq_len // 2
    start_pos = mid
    if strand == "-" and ref_len > 1:
        start_pos = mid - (ref_len + 1) // 2 + 1
    elif strand == "+" and ref_len == 1:
        start_pos = mid - 1
    elif strand == "+":
        start_pos = mid - ref_len // 2 - 1
    return start_pos, start_pos + ref_len


def process_alt(chrom, pos, ref, alt, start, end, strand, wt, genome):
    if alt == "*" or alt == "-":
        alt = ""
    ref_len, alt_len = len(ref), len(alt)
    if alt_len > len(wt):
        return truncate_sequence(alt, len(wt))
    if ref_len == alt_len:
        s, e = get_ref_idxs(len(wt), strand, ref_len)
        return wt[:s] + alt + wt[e:]
    if alt_len > ref_len:
        s, e = get_ref_idxs(len(wt), strand, ref_len)
        seq = wt[:s] + alt + wt[e:]
        trunc_s = (len(seq) - len(wt)) // 2
        return seq[trunc_s:trunc_s + len(wt)]
    lhs = genome.get_sequence_from_coords(chrom, start - ref_len // 2 + alt_len // 2, pos + 1,
                                          strand=strand, pad=True)
    rhs = genome.get_sequence_from_coords(chrom, pos + 1 + ref_len,
                                          end + math.ceil(ref_len / 2.) - math.ceil(alt_len / 2.),
                                          strand=strand, pad=True)
    return rhs + alt + lhs if strand == "-" else lhs + alt + rhs


def handle_standard_ref(ref, seq, seq_length, strand):
    s, _ = get_ref_idxs(seq_length, strand, len(ref))
    at_ref = seq[s:s + len(ref)]
    match = norm(at_ref) == norm(ref)
    if not match:
        seq = seq[:s] + ref + seq[s + len(ref):]
    return match, seq


def handle_long_ref(ref, seq, start_radius, end_radius, reverse):
    ref_start = len(ref) // 2 - start_radius
    ref_end = len(ref) // 2 + end_radius
    if not reverse:
        ref_start -= 1
        ref_end -= 1
    ref = ref[ref_start:ref_end]
    match = norm(seq) == norm(ref)
    return match, (seq if match else ref)


def selene_windows(genome, L, vcf, strand_index, require_strand):
    start_radius = int(L / 2)
    end_radius = start_radius + (1 if L % 2 != 0 else 0)
    na, dropped = [], []
    variants = read_vcf_file(vcf, strand_index, require_strand, na, (start_radius, end_radius), genome, dropped)
    out = []
    for chrom, pos, name, ref, alt, strand in variants:
        center = pos + len(ref) // 2
        start = center - start_radius
        end = center + end_radius
        seq = genome.get_sequence_from_coords(chrom, start, end, strand=strand)
        if len(ref) and strand == "-":
            ref = get_reverse_complement(ref)
            alt = get_reverse_complement(alt)
        alt_seq = process_alt(chrom, pos, ref, alt, start, end, strand, seq, genome)
        match = True
        if len(ref) and len(ref) < L:
            match, seq = handle_standard_ref(ref, seq, L, strand)
        elif len(ref) >= L:
            match, seq = handle_long_ref(ref, seq, start_radius, end_radius, strand)
        kind = "SNV/MNV" if len(ref) == len(alt) else ("insertion" if len(alt) > len(ref) else "deletion")
        if alt in ("*", "-"):
            kind = "deletion"
        out.append((name, pos, norm(seq), norm(alt_seq), match, kind + (" on -" if strand == "-" else "")))
    return out, na, sum(dropped)


def main():
    genome_path, L, vcf, tsv, skipped = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    strand_index = None
    if "--strand-index" in sys.argv:
        strand_index = int(sys.argv[sys.argv.index("--strand-index") + 1])
    require_strand = "--require-strand" in sys.argv
    genome = Genome(read_fasta(genome_path))
    want, na, dropped = selene_windows(genome, L, vcf, strand_index, require_strand)

    with open(tsv) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]
    got = []
    for i in range(0, len(rows), 2):
        r, a = rows[i], rows[i + 1]
        assert r["allele"] == "R" and a["allele"] == "A" and r["id"] == a["id"], (r["id"], a["id"])
        got.append((r["id"], int(r["pos"]) + 1, r["seq"], a["seq"], r["ref_match"] == "1"))
    with open(skipped) as f:
        n_skipped = sum(1 for line in f if line.strip() and not line.startswith(("#", "record\t")))
    n_na_alleles = sum(len(v[4].split(",")) for v in na)

    bad = 0
    if len(got) != len(want):
        print("s2f wrote %d variants, Selene's code makes %d" % (len(got), len(want)))
        bad += 1
    if n_skipped != n_na_alleles + dropped:
        print("side file holds %d records; Selene's .NA has %d variant alleles and %d were dropped for strand '.'"
              % (n_skipped, n_na_alleles, dropped))
        bad += 1
    if "--selene-na" in sys.argv:
        with open(sys.argv[sys.argv.index("--selene-na") + 1]) as f:
            got_na = f.read()
        want_na = "".join("{0}\t{1}\t{2}\t{3}\t{4}\t{5}\n".format(*v) for v in na)
        if got_na != want_na:
            print("--selene-na list differs from Selene's .NA:\n s2f:\n%s Selene:\n%s" % (got_na[:500], want_na[:500]))
            bad += 1
    kinds = {}
    for g, w in zip(got, want):
        kinds[w[5]] = kinds.get(w[5], 0) + 1
        # A variant without an ID ('.') gets s2f's chrom:POS:REF:ALT id.
        if w[0] == ".":
            g = (".",) + g[1:]
        if g[:5] != w[:5]:
            bad += 1
            if bad <= 5:
                print("variant %s (POS %d, %s) differs:" % (w[0], w[1], w[5]))
                if g[0] != w[0] or g[1] != w[1]:
                    print("  s2f has %s at POS %d here" % (g[0], g[1]))
                for label, x, y in (("REF", g[2], w[2]), ("ALT", g[3], w[3])):
                    if x != y:
                        d = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
                        print("  %s window: first difference at index %d (s2f %s, Selene %s)"
                              % (label, d, x[max(0, d - 3):d + 4], y[max(0, d - 3):d + 4]))
                if g[4] != w[4]:
                    print("  ref_match s2f %s, Selene %s" % (g[4], w[4]))
    print("L=%d: %d variants compared (%s), %d lines in Selene's .NA, %d differ"
          % (L, len(want), ", ".join("%s %d" % kv for kv in sorted(kinds.items())), len(na), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
