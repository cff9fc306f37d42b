#!/usr/bin/python3
"""Writes demo test sequences with planted motif sites, and their truth.

Each sequence is as long as the demo model's input (grammar.json) and is
clean background plus one layout:
  single     one planted site
  mixed      2-3 planted sites of different motifs
  pair       the spacing pair at its preferred gap
  pair_far   the spacing pair at a gap the grammar gives no bonus
  scrambled  1-2 scrambled consensus sites (same composition, no effect)
  negative   background only
Sites other than a pair's two are at least --min-sep bp apart so that hits
called on attributions can be matched to one planted site each.

Outputs (each written to a temporary name and renamed when complete):
  FASTA      >seq_id layout=... log_counts=...   (exact target log counts)
  truth TSV  seq_id motif jaspar_id start end strand kind site score
             0-based half-open [start, end) in the sequence; `site` is the
             bases of seq[start:end]; `score` the log2-odds on the site's strand.
  --targets  optional .npz: seq_id, profile (N, 2, 300), log_counts (N,)

  /usr/bin/python3 pipelines/demo/make_demo_sequences.py -n 64 --seed 1 \\
      -o demo.fa --truth demo.truth.tsv
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import demo_grammar  # noqa: E402

LAYOUTS = {"single": 0.30, "mixed": 0.25, "pair": 0.15, "pair_far": 0.05, "scrambled": 0.15, "negative": 0.10}
FAR_GAPS = (25, 40)  # a pair this far apart gets no spacing bonus


def layout_counts(n):
    """Deterministic numbers of each layout summing to n (largest remainders)."""
    raw = {k: v * n for k, v in LAYOUTS.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[:n - sum(out.values())]:
        out[k] += 1
    return out


def build(grammar, rng, layout, codes_row, min_sep, turn):
    names = sorted(grammar.motifs)
    taken, sites = [], []
    pair = grammar.pairs[0]
    if layout == "single":
        sites.append(grammar.plant(rng, codes_row, taken, names[turn % len(names)], "planted", min_sep))
    elif layout == "mixed":
        chosen = rng.permutation(names)[:int(rng.integers(2, len(names) + 1))]
        for name in chosen:
            sites.append(grammar.plant(rng, codes_row, taken, name, "planted", min_sep))
    elif layout in ("pair", "pair_far"):
        gap = pair["preferred_gap_bp"] if layout == "pair" else int(rng.integers(FAR_GAPS[0], FAR_GAPS[1] + 1))
        sites += grammar.plant_pair(rng, codes_row, taken, pair, gap, min_sep)
    elif layout == "scrambled":
        for _ in range(int(rng.integers(1, 3))):
            sites.append(grammar.plant(rng, codes_row, taken, names[int(rng.integers(len(names)))],
                                       "scrambled", min_sep))
    if any(s is None for s in sites):
        raise SystemExit("make_demo_sequences: error: planting region too crowded; lower --min-sep")
    return sorted(sites, key=lambda s: s.start)


def write_atomic(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=64, help="number of sequences")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--grammar", default=demo_grammar.DEFAULT_GRAMMAR)
    p.add_argument("--min-sep", type=int, default=20, help="bp between unrelated sites")
    p.add_argument("--prefix", default="demo_", help="sequence id prefix")
    p.add_argument("-o", "--output", required=True, help="FASTA to write")
    p.add_argument("--truth", required=True, help="truth TSV to write")
    p.add_argument("--targets", help="also write the exact targets (.npz)")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("-n must be at least 1")

    grammar = demo_grammar.Grammar(args.grammar)
    rng = np.random.default_rng(args.seed)
    codes = grammar.clean_background(rng, grammar.background_codes(rng, args.n))
    plan = [k for k, c in layout_counts(args.n).items() for _ in range(c)]
    plan = [plan[i] for i in rng.permutation(len(plan))]
    width = len(str(args.n - 1))
    fasta, truth = [], ["seq_id\tmotif\tjaspar_id\tstart\tend\tstrand\tkind\tsite\tscore\n"]
    ids, profiles, counts = [], [], []
    for i, layout in enumerate(plan):
        sid = f"{args.prefix}{i:0{width}d}"
        sites = build(grammar, rng, layout, codes[i], args.min_sep, turn=i)
        prof, log_counts = grammar.targets(sites)
        ids.append(sid)
        profiles.append(prof.astype(np.float32))
        counts.append(log_counts)
        seq = demo_grammar.codes_to_str(codes[i])
        fasta.append(f">{sid} layout={layout} log_counts={log_counts:.4f}\n")
        fasta += [seq[j:j + 60] + "\n" for j in range(0, len(seq), 60)]
        for s in sites:
            m = grammar.motifs[s.motif]
            site = codes[i, s.start:s.start + m.length]
            own = site if s.strand == "+" else demo_grammar.revcomp_codes(site)
            truth.append(f"{sid}\t{s.motif}\t{m.jaspar_id}\t{s.start}\t{s.start + m.length}\t{s.strand}\t"
                         f"{s.kind}\t{demo_grammar.codes_to_str(site)}\t{grammar.score(s.motif, own):.2f}\n")
    write_atomic(args.output, "".join(fasta))
    write_atomic(args.truth, "".join(truth))
    if args.targets:
        tmp = f"{args.targets}.tmp{os.getpid()}.npz"
        np.savez_compressed(tmp, seq_id=np.array(ids), profile=np.stack(profiles),
                            log_counts=np.array(counts, np.float32))
        os.replace(tmp, args.targets)
    n_sites = len(truth) - 1
    print(f"make_demo_sequences: wrote {args.n} sequences to {args.output}, {n_sites} sites to {args.truth}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
