#!/usr/bin/env python3
"""Writes a small deterministic genome with annotation for tests and the demo.

    make_synthetic_genome.py OUTDIR

OUTDIR/genome.fa        chr1 240 kb, chr2 180 kb, chr3 120 kb, chrM 16,569 bp; N runs at the
                        start of chr1, inside chr2 and at the end of chr3; soft-masked stretches
OUTDIR/genes.gtf        GENCODE-style genes/transcripts/exons on both strands with gene_type
OUTDIR/peaks.narrowPeak 40 peaks with summits
OUTDIR/peaks.bed        the same peaks as BED6
OUTDIR/ccres.bed        cCREs of the eight SCREEN categories (category in column 6)
OUTDIR/blacklist.bed    a few blacklisted regions
OUTDIR/variants.vcf     SNVs, insertions, deletions, a multi-allelic record, symbolic and
                        breakend ALTs, a REF mismatch, a variant near a contig end, an unknown
                        contig and contigs spelled without "chr"

The bytes depend only on this script (own xorshift generator, no library RNG).
"""
import os
import sys


class XorShift:
    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF or 1

    def next(self):
        x = self.s
        x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 7
        x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
        self.s = x
        return x

    def below(self, n):
        return self.next() % n


CONTIGS = [("chr1", 240_000), ("chr2", 180_000), ("chr3", 120_000), ("chrM", 16_569)]
N_RUNS = {"chr1": [(0, 10_000)], "chr2": [(90_000, 95_000)], "chr3": [(115_000, 120_000)]}
MASKED = {"chr1": [(20_000, 20_500)], "chr2": [(30_000, 30_300)]}


def make_sequences(rng):
    seqs = {}
    for name, length in CONTIGS:
        bases = bytearray(b"ACGT"[rng.below(4)] for _ in range(length))
        for b, e in N_RUNS.get(name, []):
            bases[b:e] = b"N" * (e - b)
        for b, e in MASKED.get(name, []):
            bases[b:e] = bases[b:e].lower()
        seqs[name] = bytes(bases)
    return seqs


def write_fasta(path, seqs, width=60):
    with open(path, "w") as f:
        for name, _ in CONTIGS:
            s = seqs[name].decode()
            f.write(">%s synthetic\n" % name)
            for i in range(0, len(s), width):
                f.write(s[i:i + width] + "\n")


def write_gtf(path, rng):
    types = ["protein_coding", "protein_coding", "protein_coding", "lncRNA"]
    lines = ["##description: synthetic GENCODE-style annotation"]
    n = 0
    for chrom, length in CONTIGS[:3]:
        pos = 12_000
        while pos + 30_000 < length - 6_000:
            n += 1
            glen = 2_000 + rng.below(24_000)
            strand = "+" if rng.below(2) else "-"
            gtype = types[rng.below(len(types))]
            gid, tid = "ENSGSYN%05d" % n, "ENSTSYN%05d" % n
            start, end = pos + 1, pos + glen
            attrs = 'gene_id "%s"; gene_type "%s"; gene_name "SYN%d";' % (gid, gtype, n)
            lines.append("\t".join([chrom, "SYN", "gene", str(start), str(end), ".", strand, ".", attrs]))
            tattrs = attrs + ' transcript_id "%s"; transcript_type "%s";' % (tid, gtype)
            lines.append("\t".join([chrom, "SYN", "transcript", str(start), str(end), ".", strand, ".", tattrs]))
            for k, (eb, ee) in enumerate([(start, start + 299), (end - 399, end)]):
                lines.append("\t".join([chrom, "SYN", "exon", str(eb), str(ee), ".", strand, ".",
                                        tattrs + ' exon_number "%d";' % (k + 1)]))
            pos = end + 3_000 + rng.below(8_000)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_peaks(dir_, rng):
    peaks = []
    for i in range(40):
        chrom, length = CONTIGS[i % 3]
        start = 12_000 + rng.below(length - 30_000)
        width = 200 + rng.below(600)
        summit = rng.below(width)
        peaks.append((chrom, start, start + width, "peak%d" % (i + 1), summit, "+-."[i % 3]))
    peaks.sort(key=lambda p: ([c for c, _ in CONTIGS].index(p[0]), p[1]))
    with open(os.path.join(dir_, "peaks.narrowPeak"), "w") as f:
        for c, s, e, name, summit, _ in peaks:
            f.write("%s\t%d\t%d\t%s\t1000\t.\t12.5\t-1\t4.2\t%d\n" % (c, s, e, name, summit))
    with open(os.path.join(dir_, "peaks.bed"), "w") as f:
        for c, s, e, name, _, strand in peaks:
            f.write("%s\t%d\t%d\t%s\t0\t%s\n" % (c, s, e, name, strand))


def write_ccres(path, rng):
    cats = ["PLS", "dELS", "pELS", "CA-CTCF", "CA-TF", "TF", "CA-H3K4me3", "CA"]
    rows = []
    for i in range(400):
        chrom, length = CONTIGS[i % 3]
        start = 12_000 + rng.below(length - 30_000)
        cat = cats[rng.below(len(cats))]
        if cat == "dELS" and rng.below(2):
            cat += ",CTCF-bound"
        rows.append((chrom, start, start + 150 + rng.below(200), "EH38D%07d" % i, "EH38E%07d" % i, cat))
    rows.sort(key=lambda r: ([c for c, _ in CONTIGS].index(r[0]), r[1]))
    with open(path, "w") as f:
        for r in rows:
            f.write("%s\t%d\t%d\t%s\t%s\t%s\n" % r)


def write_blacklist(path):
    with open(path, "w") as f:
        f.write("chr1\t50000\t52000\nchr2\t100000\t103000\nchr3\t60000\t60500\n")


def write_vcf(path, seqs, rng):
    def ref(chrom, pos1, n=1):
        return seqs[chrom][pos1 - 1:pos1 - 1 + n].decode().upper()

    def other(b):
        return "ACGT"[("ACGT".index(b) + 1 + rng.below(3)) % 4]

    rows = []
    for i in range(30):  # SNVs away from N runs
        chrom = CONTIGS[i % 3][0]
        pos = 20_000 + 2_000 * i + rng.below(500)
        b = ref(chrom, pos)
        rows.append((chrom, pos, "snv%d" % i, b, other(b)))
    rows.append(("chr1", 150_001, "ins1", ref("chr1", 150_001), ref("chr1", 150_001) + "GATTACA"))
    rows.append(("chr1", 150_101, "ins2", ref("chr1", 150_101), ref("chr1", 150_101) + "CC"))
    rows.append(("chr1", 150_201, "del1", ref("chr1", 150_201, 6), ref("chr1", 150_201)))
    rows.append(("chr1", 150_301, "del2", ref("chr1", 150_301, 2), ref("chr1", 150_301)))
    rows.append(("chr2", 60_001, "mnp1", ref("chr2", 60_001, 3), "".join(other(b) for b in ref("chr2", 60_001, 3))))
    b = ref("chr2", 61_001)
    rows.append(("chr2", 61_001, "multi1", b, ",".join(x for x in "ACGT" if x != b)))
    rows.append(("chr2", 62_001, "sym1", ref("chr2", 62_001), "<DEL>"))
    rows.append(("chr2", 62_101, "bnd1", ref("chr2", 62_101), ref("chr2", 62_101) + "[chr3:5000["))
    b = ref("chr3", 40_001)
    rows.append(("chr3", 40_001, "mismatch1", other(b), b))
    rows.append(("chr3", 119_990, "nearend1", "N", "A"))
    rows.append(("chr1", 100, "nearstart1", "N", "C"))
    rows.append(("chrUn_x", 500, "unknown1", "A", "G"))
    b = ref("chr1", 70_001)
    rows.append(("1", 70_001, "renamed1", b, other(b)))
    rows.append(("MT", 8_001, "mito1", ref("chrM", 8_001), other(ref("chrM", 8_001))))
    with open(path, "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        for name, length in CONTIGS:
            f.write("##contig=<ID=%s,length=%d>\n" % (name, length))
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c, p, i, r, a in rows:
            f.write("%s\t%d\t%s\t%s\t%s\t.\tPASS\t.\n" % (c, p, i, r, a))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_synthetic_genome.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = XorShift(20240229)
    seqs = make_sequences(rng)
    write_fasta(os.path.join(out, "genome.fa"), seqs)
    write_gtf(os.path.join(out, "genes.gtf"), rng)
    write_peaks(out, rng)
    write_ccres(os.path.join(out, "ccres.bed"), rng)
    write_blacklist(os.path.join(out, "blacklist.bed"))
    write_vcf(os.path.join(out, "variants.vcf"), seqs, rng)


if __name__ == "__main__":
    main()
