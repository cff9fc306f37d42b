"""Synthetic regions with planted motif instances, for s2f-call-hits tests
and its benchmark.

Writes to --out:
  motifs.h5      tfmodisco-lite layout: pos_patterns/pattern_k/{contrib_scores,
                 hypothetical_contribs, sequence} (W x 4), seqlets/n_seqlets
  regions.npz    Fi-NeMo regions: sequences int8 (N, 4, L), contributions
                 float16 (N, 4, L) hypothetical, chr, chr_id, start,
                 peak_name, peak_id
  peaks.narrowPeak  the same regions as peaks (summit at the centre)
  truth.tsv      planted instances: peak_id, motif_name, strand,
                 start_untrimmed (genomic start of the W-wide matrix)
  regions.s2f    (with --stream) the regions as an s2f contribution stream

Each motif has a core of 6-12 informative columns in a W-wide matrix with
weak flanks (so trimming at 0.3 finds the core). Instances are planted on
both strands with random amplitudes, some overlapping their neighbour, on
random sequence with Gaussian noise in the hypothetical contributions.
"""
import argparse
import os
import shutil
import sys

import h5py
import numpy as np

BASES = "ACGT"


def make_motifs(rng, k, width):
    motifs = []
    for _ in range(k):
        core = int(rng.integers(6, 13))
        offset = (width - core) // 2
        cons = rng.integers(0, 4, size=core)
        hyp = rng.normal(0, 0.03, size=(width, 4))
        for j, b in enumerate(cons):
            strength = rng.uniform(0.6, 1.4)
            hyp[offset + j, :] = rng.normal(-0.1 * strength, 0.05, size=4)
            hyp[offset + j, b] = strength
        seq_cons = np.full(width, -1)
        seq_cons[offset:offset + core] = cons
        motifs.append({"hyp": hyp, "cons": seq_cons})
    return motifs


def motifs_from_modisco(path, trim_threshold=0.3):
    """Real tfmodisco-lite patterns: hypothetical matrix to plant, consensus
    (PFM argmax) over the CWM-trimmed span to write into the sequence."""
    motifs = []
    with h5py.File(path, "r") as f:
        names = sorted(f["pos_patterns"].keys(), key=lambda n: int(n.split("_")[-1]))
        for name in names:
            p = f["pos_patterns"][name]
            cwm = p["contrib_scores"][:]
            score = np.abs(cwm).sum(axis=1)
            keep = np.nonzero(score >= trim_threshold * score.max())[0]
            cons = np.full(cwm.shape[0], -1)
            cons[keep.min():keep.max() + 1] = p["sequence"][:].argmax(axis=1)[keep.min():keep.max() + 1]
            hyp = p["hypothetical_contribs"][:]
            motifs.append({"hyp": hyp / np.abs(hyp).max(), "cons": cons})
    return motifs


def write_modisco(path, motifs, rng):
    with h5py.File(path, "w") as f:
        g = f.create_group("pos_patterns")
        for k, m in enumerate(motifs):
            p = g.create_group(f"pattern_{k}")
            hyp = m["hyp"]
            onehot = np.zeros_like(hyp)
            for w, b in enumerate(m["cons"]):
                if b >= 0:
                    onehot[w, b] = 1.0
                else:
                    onehot[w, rng.integers(0, 4)] = 1.0
            p.create_dataset("contrib_scores", data=hyp * onehot)
            p.create_dataset("hypothetical_contribs", data=hyp)
            p.create_dataset("sequence", data=0.7 * onehot + 0.075)
            p.create_group("seqlets").create_dataset("n_seqlets", data=np.array([100]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--regions", type=int, default=200)
    ap.add_argument("--length", type=int, default=1000)
    ap.add_argument("--motifs", type=int, default=6)
    ap.add_argument("--width", type=int, default=30)
    ap.add_argument("--per-region", type=float, default=4.0, help="mean planted instances per region")
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stream", action="store_true", help="also write regions.s2f (needs formats/python)")
    ap.add_argument("--modisco", help="plant this tfmodisco-lite file's patterns (copied to motifs.h5) "
                                      "instead of generated ones")
    a = ap.parse_args(argv)
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    if a.modisco:
        motifs = motifs_from_modisco(a.modisco)
        a.motifs, a.width = len(motifs), motifs[0]["hyp"].shape[0]
        shutil.copyfile(a.modisco, os.path.join(a.out, "motifs.h5"))
    else:
        motifs = make_motifs(rng, a.motifs, a.width)
        write_modisco(os.path.join(a.out, "motifs.h5"), motifs, rng)

    N, L, W = a.regions, a.length, a.width
    seq_idx = rng.integers(0, 4, size=(N, L))
    hyp = rng.normal(0, a.noise, size=(N, 4, L)).astype(np.float32)
    chroms = np.array(["chr1", "chr2", "chr3"])
    chrom_of = chroms[np.sort(rng.integers(0, 3, size=N))]
    starts = np.zeros(N, dtype=np.int64)
    pos_by_chrom = {c: 10_000 for c in chroms}
    truth = []
    for r in range(N):
        c = chrom_of[r]
        starts[r] = pos_by_chrom[c]
        pos_by_chrom[c] += L + int(rng.integers(0, 3000))
        n_inst = rng.poisson(a.per_region)
        pos = int(rng.integers(0, 40))
        for _ in range(n_inst):
            k = int(rng.integers(0, a.motifs))
            strand = "+" if rng.random() < 0.5 else "-"
            if rng.random() < 0.3:
                pos += int(rng.integers(W // 2 - 6, W // 2))   # cores overlap or abut
            else:
                pos += int(rng.integers(W // 2 + 10, W + 120))
            if pos + W > L:
                break
            m = motifs[k]
            mat, cons = m["hyp"], m["cons"]
            if strand == "-":
                mat = mat[::-1, ::-1]
                cons = np.where(cons[::-1] >= 0, 3 - cons[::-1], -1)
            amp = rng.uniform(0.6, 2.0)
            for w in range(W):
                if cons[w] >= 0:
                    seq_idx[r, pos + w] = cons[w]
                hyp[r, :, pos + w] += amp * mat[w]
            truth.append((r, f"pos_patterns.pattern_{k}", strand, int(starts[r] + pos)))

    seqs = np.zeros((N, 4, L), dtype=np.int8)
    np.put_along_axis(seqs, seq_idx[:, None, :], 1, axis=1)
    contribs = hyp.astype(np.float16)
    chr_id = np.array([int(c[3:]) - 1 for c in chrom_of], dtype=np.uint32)
    names = np.array([f"peak{r}" for r in range(N)])
    np.savez_compressed(os.path.join(a.out, "regions.npz"), sequences=seqs, contributions=contribs,
                        chr=chrom_of.astype("U"), chr_id=chr_id, start=starts,
                        peak_id=np.arange(N, dtype=np.uint32), peak_name=names.astype("U"))
    with open(os.path.join(a.out, "peaks.narrowPeak"), "w") as f:
        for r in range(N):
            s = int(starts[r]) + L // 2 - 100
            f.write(f"{chrom_of[r]}\t{s}\t{s + 200}\t{names[r]}\t0\t.\t1\t1\t1\t100\n")
    with open(os.path.join(a.out, "truth.tsv"), "w") as f:
        f.write("peak_id\tmotif_name\tstrand\tstart_untrimmed\n")
        for t in truth:
            f.write("\t".join(map(str, t)) + "\n")
    if a.stream:
        write_stream(os.path.join(a.out, "regions.s2f"), seq_idx, contribs, chrom_of, starts, names)
    print(f"{N} regions, {len(truth)} planted instances -> {a.out}", file=sys.stderr)


def write_stream(path, seq_idx, contribs, chrom_of, starts, names):
    import s2f_stream  # formats/python, on PYTHONPATH
    N, L = seq_idx.shape
    ascii_seq = np.frombuffer(b"ACGT", dtype=np.uint8)[seq_idx]
    records = {
        "id": list(names), "chrom": list(chrom_of), "pos": starts + L // 2,
        "strand": np.full(N, ord("."), dtype=np.uint8), "start": starts,
        "seq": ascii_seq, "contrib": contribs.astype(np.float32).transpose(0, 2, 1).copy(),
    }
    schema = [{"name": "id", "dtype": "str", "shape": []}, {"name": "chrom", "dtype": "str", "shape": []},
              {"name": "pos", "dtype": "i64", "shape": []}, {"name": "strand", "dtype": "u8", "shape": []},
              {"name": "start", "dtype": "i64", "shape": []}, {"name": "seq", "dtype": "u8", "shape": [L]},
              {"name": "contrib", "dtype": "f32", "shape": [L, 4]}]
    s2f_stream.write(path, "contributions", schema, {"provenance": [{"tool": "make_regions.py"}]}, records)


if __name__ == "__main__":
    main()
