#!/usr/bin/env python3
"""Recomputes every window of an s2f-encode run from first principles and
compares it with what s2f-encode wrote.

    check_windows.py GENOME.fa L WINDOWS.tsv [--variant-index I]

WINDOWS.tsv is `s2f-view` output of the sequences stream. Genome bases come
from `samtools faidx` (one call for all regions), and the window arithmetic
is written here again, independently of the C++ (see WINDOWS.md):
  position p:  start = p - L//2
  variant:     I = (L+1)//2 - 1 - len(REF)//2 unless given; REF window
               genome[p-I, p-I+L) with REF written at I; ALT window keeps L by
               cropping insertions d//2 left / rest right and refilling
               deletions k//2 left / rest right from the genome.
Exits 1 and prints the first differences when any window disagrees.
"""
import subprocess
import sys

COMP = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N"}


def revcomp(s):
    return "".join(COMP[c] for c in reversed(s))


def norm(s):
    return "".join(c if c in "ACGT" else "N" for c in s.upper())


def main():
    genome, L, tsv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    vindex = None
    if "--variant-index" in sys.argv:
        vindex = int(sys.argv[sys.argv.index("--variant-index") + 1])
    rows = []
    with open(tsv) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))

    # Every genome span any window needs, fetched in one samtools call.
    spans = []
    for r in rows:
        p, start = int(r["pos"]), int(r["start"])
        if start < 0:
            continue
        if r["allele"] == ".":
            spans.append((r["chrom"], start, start + L))
        else:
            ref, alt = r["ref"], r["alt"]
            k = max(0, len(ref) - len(alt))
            spans.append((r["chrom"], start - k // 2, start + L + (k - k // 2)))
    regions = sorted(set(spans))
    fetched = {}
    if regions:
        args = ["samtools", "faidx", genome] + ["%s:%d-%d" % (c, b + 1, e) for c, b, e in regions]
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
        seqs = []
        for line in out.splitlines():
            if line.startswith(">"):
                seqs.append("")
            else:
                seqs[-1] += line
        for key, s in zip(regions, seqs):
            fetched[key] = norm(s)

    bad = 0
    for r in rows:
        p, start = int(r["pos"]), int(r["start"])
        if start < 0:
            continue
        strand = r["strand"]
        if r["allele"] == ".":
            if start != p - L // 2:
                print("start %d != pos - L//2 for %s" % (start, r["id"]))
                bad += 1
            want = fetched[(r["chrom"], start, start + L)]
        else:
            ref, alt = r["ref"], r["alt"]
            i = vindex if vindex is not None else (L + 1) // 2 - 1 - len(ref) // 2
            if start != p - i:
                print("start %d != pos - I for %s" % (start, r["id"]))
                bad += 1
            k = max(0, len(ref) - len(alt))
            left = k // 2
            g = fetched[(r["chrom"], start - left, start + L + (k - left))]
            base = g[left:left + L]  # genome[start, start+L)
            if r["allele"] == "R":
                want = base[:i] + ref + base[i + len(ref):]
                match = base[i:i + len(ref)] == ref
                if int(r["ref_match"]) != int(match):
                    print("ref_match %s != %d for %s" % (r["ref_match"], match, r["id"]))
                    bad += 1
            else:
                d = len(alt) - len(ref)
                if d >= 0:
                    hap = base[:i] + alt + base[i + len(ref):]
                    want = hap[d // 2:d // 2 + L]
                else:
                    want = g[:left + i] + alt + g[left + i + len(ref):]
                    want = want[:L]
        if strand == "-":
            want = revcomp(want)
        got = r["seq"].replace(",", "")
        if len(got) != L or got != want:
            print("window differs for %s %s:%d allele %s strand %s\n  got  %s\n  want %s"
                  % (r["id"], r["chrom"], p, r["allele"], strand, got[:120], want[:120]))
            bad += 1
        if int(r["contains_unk"]) != int("N" in want):
            print("contains_unk wrong for %s" % r["id"])
            bad += 1
        if bad > 10:
            break
    print("checked %d windows, %d differ" % (len(rows), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
