#!/usr/bin/python3
"""Writes the committed inputs of the s2f-call-hits golden cases with numpy
and h5py (no torch, no model, no ../shared/data):

    PYTHONPATH=../../../formats/python /usr/bin/python3 make_inputs.py

motifs.h5         tfmodisco-lite layout (libcommon/src/hits/modisco_file.cpp):
                  pos_patterns/pattern_{0,1}/{contrib_scores, hypothetical_contribs,
                  sequence} (8 x 4), seqlets/n_seqlets; pattern_0 core TGACTCAT,
                  pattern_1 core CCCCACCC, flanks of 1 weak column each side (width 10)
regions.npz       Fi-NeMo regions: 3 regions of 60 bp, sequences int8 (N, 4, L),
                  hypothetical contributions float16 (N, 4, L), chr, chr_id, start,
                  peak_name, peak_id
regions.s2f       the same regions as an s2f contributions stream (as s2f-ism --attr writes)
peaks.narrowPeak  the regions as peaks (summit at the centre)
truth.tsv         the planted instances (what the hits must find)

Planted (0-based offsets of the 10-wide matrix in the region):
  peak0: pattern_0 '+' at 5, pattern_1 '-' at 35      peak1: pattern_0 '-' at 22
  peak2: nothing (weak noise only; the negative control region)
"""
import numpy as np
import h5py

W, L, N = 10, 60, 3
BASES = "ACGT"


def motif(core):
    """Hypothetical contributions W x 4: the core base +1, others -0.2; flanks weak."""
    hyp = np.full((W, 4), -0.02, np.float32)
    cons = [-1] + [BASES.index(c) for c in core] + [-1]
    for w, b in enumerate(cons):
        if b >= 0:
            hyp[w] = -0.2
            hyp[w, b] = 1.0
        else:
            hyp[w, 0] = 0.05
    return hyp, np.array(cons)


def main():
    motifs = [motif("TGACTCAT"), motif("CCCCACCC")]
    with h5py.File("motifs.h5", "w") as f:
        g = f.create_group("pos_patterns")
        for k, (hyp, cons) in enumerate(motifs):
            onehot = np.zeros_like(hyp)
            for w, b in enumerate(cons):
                onehot[w, b if b >= 0 else 0] = 1.0
            p = g.create_group(f"pattern_{k}")
            p.create_dataset("contrib_scores", data=hyp * onehot)
            p.create_dataset("hypothetical_contribs", data=hyp)
            p.create_dataset("sequence", data=0.7 * onehot + 0.075)
            p.create_group("seqlets").create_dataset("n_seqlets", data=np.array([50 + 10 * k]))

    rng = np.random.default_rng(8)
    seq_idx = rng.integers(0, 4, size=(N, L))
    hyp = (rng.standard_normal((N, 4, L)) * 0.01).astype(np.float32)
    planted = [(0, 0, "+", 5, 1.0), (0, 1, "-", 35, 0.8), (1, 0, "-", 22, 1.5)]
    starts = np.array([1000, 2000, 3000], np.int64)
    truth = []
    for r, k, strand, pos, amp in planted:
        mat, cons = motifs[k]
        if strand == "-":
            mat = mat[::-1, ::-1]
            cons = np.where(cons[::-1] >= 0, 3 - cons[::-1], -1)
        for w in range(W):
            if cons[w] >= 0:
                seq_idx[r, pos + w] = cons[w]
            hyp[r, :, pos + w] += amp * mat[w]
        truth.append((r, f"pos_patterns.pattern_{k}", strand, int(starts[r] + pos)))
    seqs = np.zeros((N, 4, L), np.int8)
    np.put_along_axis(seqs, seq_idx[:, None, :], 1, axis=1)
    names = np.array([f"peak{r}" for r in range(N)])
    chrom = np.array(["chr1", "chr1", "chr2"])
    np.savez_compressed("regions.npz", sequences=seqs, contributions=hyp.astype(np.float16), chr=chrom,
                        chr_id=np.array([0, 0, 1], np.uint32), start=starts,
                        peak_id=np.arange(N, dtype=np.uint32), peak_name=names)
    with open("peaks.narrowPeak", "w") as f:
        for r in range(N):
            f.write(f"{chrom[r]}\t{starts[r]}\t{starts[r] + L}\t{names[r]}\t0\t.\t1\t1\t1\t{L // 2}\n")
    with open("truth.tsv", "w") as f:
        f.write("peak_id\tmotif_name\tstrand\tstart_untrimmed\n")
        for t in truth:
            f.write("\t".join(map(str, t)) + "\n")
    write_stream("regions.s2f", seq_idx, hyp.astype(np.float16).astype(np.float32), chrom, starts, names)


def write_stream(path, seq_idx, contribs, chrom, starts, names):
    """The contributions stream layout of tests/hits/make_regions.py (s2f-ism --attr)."""
    import s2f_stream
    n, length = seq_idx.shape
    ascii_seq = np.frombuffer(b"ACGT", np.uint8)[seq_idx]
    batch = {"id": list(names), "chrom": list(chrom), "pos": starts + length // 2,
             "strand": np.full(n, ord("."), np.uint8), "start": starts,
             "seq": ascii_seq, "contrib": contribs.transpose(0, 2, 1).copy()}
    schema = [{"name": "id", "dtype": "str", "shape": []}, {"name": "chrom", "dtype": "str", "shape": []},
              {"name": "pos", "dtype": "i64", "shape": []}, {"name": "strand", "dtype": "u8", "shape": []},
              {"name": "start", "dtype": "i64", "shape": []}, {"name": "seq", "dtype": "u8", "shape": [length]},
              {"name": "contrib", "dtype": "f32", "shape": [length, 4]}]
    s2f_stream.write(path, "contributions", schema, {"provenance": [{"tool": "make_inputs.py"}]}, [batch])


if __name__ == "__main__":
    main()
