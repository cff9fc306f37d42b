"""The planted motif grammar of the demo model (grammar.json), in code.

One place turns the grammar file into sequences and exact targets, so the
training script, the test-sequence generator and the tests cannot disagree
about what was planted or what the model should predict. numpy only.

Sequences are held as uint8 codes, A=0 C=1 G=2 T=3, so the reverse
complement of a code is 3 - code.
"""
import json
import math
import os
from dataclasses import dataclass

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GRAMMAR = os.path.join(HERE, "grammar.json")
BASES = "ACGT"
# Keeps log-odds finite where JASPAR has zero counts; the same value is
# stated in grammar.json ("log2, pseudocount 0.001 per cell").
PSEUDOCOUNT = 0.001


@dataclass
class Motif:
    name: str
    jaspar_id: str
    consensus: str
    pwm: np.ndarray          # (length, 4) probabilities, A C G T
    effect: float            # log-count effect of one site alone in background
    shift: float             # footprint: '+' reads peak shift bp left of the centre, '-' reads right
    sigma: float
    log_odds: np.ndarray     # (length, 4) log2(p / background)
    max_score: float

    @property
    def length(self):
        return self.pwm.shape[0]


@dataclass
class Site:
    """A site in a sequence: `start` is its leftmost base whatever the strand."""
    motif: str
    start: int
    strand: str               # '+' or '-'
    kind: str = "planted"     # 'planted' (has its effect) or 'scrambled' (none)


class Grammar:
    def __init__(self, path=DEFAULT_GRAMMAR):
        with open(path) as f:
            self.spec = json.load(f)
        s = self.spec
        seq = s["sequence"]
        self.length = int(seq["length"])
        probs = seq["background"]["probabilities"]
        self.background = np.array([probs[b] for b in BASES], np.float64)
        self.plant_start = int(seq["planting_region"]["start"])
        self.plant_end = int(seq["planting_region"]["end"])
        prof = s["output"]["profile"]
        self.out_start, self.out_end = int(prof["start"]), int(prof["end"])
        self.out_length = self.out_end - self.out_start
        self.motifs = {}
        for m in s["motifs"]:
            pwm = np.array(m["pwm"], np.float64)
            lo = np.log2((pwm + PSEUDOCOUNT) / (1 + 4 * PSEUDOCOUNT) / self.background)
            self.motifs[m["name"]] = Motif(m["name"], m["jaspar_id"], m["consensus"], pwm,
                                           float(m["effect_log_counts"]),
                                           float(m["footprint"]["strand_shift_bp"]),
                                           float(m["footprint"]["sigma_bp"]), lo, float(lo.max(axis=1).sum()))
        self.min_score_fraction = float(s["instances"]["min_score_fraction"])
        self.scrambled_max_fraction = float(s["scrambled_controls"]["max_score_fraction"])
        self.pairs = s.get("spacing_pairs", [])
        self.base_log_counts = float(s["target"]["base_log_counts"])

    # --- sequences -------------------------------------------------------

    def background_codes(self, rng, n):
        return rng.choice(4, size=(n, self.length), p=self.background).astype(np.uint8)

    def score(self, name, codes):
        """Log-odds of `codes` read on the motif's own strand."""
        m = self.motifs[name]
        return float(m.log_odds[np.arange(m.length), codes].sum())

    def sample_site(self, rng, name):
        """A PWM draw scoring at least min_score_fraction of the consensus (+ strand codes)."""
        m = self.motifs[name]
        cum = np.cumsum(m.pwm / m.pwm.sum(axis=1, keepdims=True), axis=1)
        while True:
            u = rng.random(m.length)
            codes = np.minimum((u[:, None] > cum).sum(axis=1), 3).astype(np.uint8)
            if self.score(name, codes) >= self.min_score_fraction * m.max_score:
                return codes

    def scan(self, name, codes):
        """Log-odds at every offset of (n, L) codes: (n, 2, L - w + 1), strand '+' then '-'."""
        m = self.motifs[name]
        w = m.length
        rc = m.log_odds[::-1, ::-1]  # scores the reverse complement read on the + strand
        n_off = codes.shape[1] - w + 1
        out = np.zeros((codes.shape[0], 2, n_off))
        for k in range(w):
            col = codes[:, k:k + n_off]
            out[:, 0] += m.log_odds[k][col]
            out[:, 1] += rc[k][col]
        return out

    def clean_background(self, rng, codes, max_rounds=100):
        """Redraws background bases wherever a motif scores at least the
        scrambled-control threshold, so the only sites are planted ones and a
        scrambled control can only fail by what it creates itself."""
        for _ in range(max_rounds):
            hit = np.zeros(codes.shape, bool)
            for name, m in self.motifs.items():
                sc = self.scan(name, codes).max(axis=1) >= self.scrambled_max_fraction * m.max_score
                for k in range(m.length):
                    hit[:, k:k + sc.shape[1]] |= sc
            if not hit.any():
                return codes
            codes[hit] = rng.choice(4, size=int(hit.sum()), p=self.background)
        raise RuntimeError("background still holds motif matches after %d rounds" % max_rounds)

    def looks_like_a_motif(self, codes_row, start, end, fraction):
        """True when any motif, on either strand, scores >= fraction of its
        consensus in a window overlapping [start, end) of codes_row."""
        for name, m in self.motifs.items():
            lo, hi = max(0, start - m.length + 1), min(len(codes_row), end + m.length - 1)
            if hi - lo < m.length:
                continue
            if self.scan(name, codes_row[None, lo:hi]).max() >= fraction * m.max_score:
                return True
        return False

    def scrambled_site(self, rng, name):
        """The consensus with its bases shuffled (same composition)."""
        m = self.motifs[name]
        return rng.permutation(np.array([BASES.index(b) for b in m.consensus], np.uint8))

    def write_site(self, codes_row, site, plus_codes):
        c = plus_codes if site.strand == "+" else 3 - plus_codes[::-1]
        codes_row[site.start:site.start + len(c)] = c

    # --- targets ---------------------------------------------------------

    def pair_gaps(self, sites):
        """(pair spec, first-motif site, second-motif site, gap) for every two
        planted sites in a spacing pair's arrangement: the second motif on the
        + strand after the first, or (reverse complement) on the - strand before it."""
        planted = [s for s in sites if s.kind == "planted"]
        out = []
        for pair in self.pairs:
            a_name, b_name = pair["motifs"]
            for a in planted:
                if a.motif != a_name:
                    continue
                a_end = a.start + self.motifs[a_name].length
                for b in planted:
                    if b.motif != b_name or b is a:
                        continue
                    b_end = b.start + self.motifs[b_name].length
                    if b.strand == "+" and b.start >= a_end:
                        out.append((pair, a, b, b.start - a_end))
                    elif b.strand == "-" and b_end <= a.start:
                        out.append((pair, a, b, a.start - b_end))
        return out

    @staticmethod
    def pair_kernel(pair, gap):
        d = gap - pair["preferred_gap_bp"]
        return math.exp(-d * d / (2 * pair["sigma_bp"] ** 2))

    def targets(self, sites):
        """(profile (2, out_length) summing to 1, log expected total reads) for one sequence."""
        planted = [s for s in sites if s.kind == "planted"]
        log_counts = self.base_log_counts + sum(self.motifs[s.motif].effect for s in planted)
        k = {id(s): 0.0 for s in planted}
        for pair, a, b, gap in self.pair_gaps(planted):
            bonus = pair["bonus_log"] * self.pair_kernel(pair, gap)
            log_counts += bonus
            k[id(a)] = max(k[id(a)], bonus)
            k[id(b)] = max(k[id(b)], bonus)
        pos = np.arange(self.out_start, self.out_end, dtype=np.float64)
        prof = np.full((2, self.out_length), 1.0 / (2 * self.out_length))
        total = 1.0
        for s in planted:
            m = self.motifs[s.motif]
            mass = (math.exp(m.effect) - 1) * math.exp(k[id(s)])
            centre = s.start + (m.length - 1) / 2
            for strand, mu in ((0, centre - m.shift), (1, centre + m.shift)):
                g = np.exp(-(pos - mu) ** 2 / (2 * m.sigma ** 2))
                prof[strand] += mass * 0.5 * g / g.sum()
            total += mass
        return prof / total, log_counts

    # --- layouts ---------------------------------------------------------

    def place(self, rng, taken, length, min_sep, tries=200):
        """A random start for a `length`-bp block inside the planting region,
        at least min_sep bp from every taken interval; None when crowded."""
        for _ in range(tries):
            start = int(rng.integers(self.plant_start, self.plant_end - length + 1))
            if all(start + length + min_sep <= a or b + min_sep <= start for a, b in taken):
                taken.append((start, start + length))
                return start
        return None

    def plant(self, rng, codes_row, taken, name, kind, min_sep, strand=None, tries=200):
        """Writes one site into codes_row; None when the region is too crowded.
        A scrambled site is redrawn (sequence and place) until no motif matches
        it, its flanks included, above the scrambled_controls threshold."""
        for _ in range(tries):
            plus = self.sample_site(rng, name) if kind == "planted" else self.scrambled_site(rng, name)
            start = self.place(rng, taken, len(plus), min_sep)
            if start is None:
                return None
            site = Site(name, start, strand or ("+" if rng.random() < 0.5 else "-"), kind)
            saved = codes_row[start:start + len(plus)].copy()
            self.write_site(codes_row, site, plus)
            if kind == "planted" or not self.looks_like_a_motif(
                    codes_row, start, start + len(plus), self.scrambled_max_fraction):
                return site
            codes_row[start:start + len(plus)] = saved
            taken.pop()
        return None

    def plant_pair(self, rng, codes_row, taken, pair, gap, min_sep, arranged=True):
        """Both motifs of a spacing pair `gap` bp apart: in the pair's
        arrangement (either of its two strand-symmetric forms) when `arranged`,
        else in one of the orders/orientations that earn no bonus."""
        a_name, b_name = pair["motifs"]
        a_strand = "+" if rng.random() < 0.5 else "-"
        if arranged:
            layout = [(a_name, a_strand), (b_name, "+")] if rng.random() < 0.5 else [(b_name, "-"), (a_name, a_strand)]
        else:
            layout = [[(a_name, a_strand), (b_name, "-")], [(b_name, "+"), (a_name, a_strand)]][int(rng.integers(2))]
        plus = [self.sample_site(rng, n) for n, _ in layout]
        span = len(plus[0]) + gap + len(plus[1])
        start = self.place(rng, taken, span, min_sep)
        if start is None:
            return []
        sites = [Site(layout[0][0], start, layout[0][1]),
                 Site(layout[1][0], start + len(plus[0]) + gap, layout[1][1])]
        for s, p in zip(sites, plus):
            self.write_site(codes_row, s, p)
        return sites


def revcomp_codes(codes):
    return (3 - codes[..., ::-1]).astype(np.uint8)


def codes_to_str(codes):
    return "".join(BASES[c] for c in codes)


def read_meme(path):
    """{jaspar_id: (name, (w, 4) array)} from a MEME motif file."""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            t = line.split()
            if not t:
                continue
            if t[0] == "MOTIF":
                cur = t[1]
                out[cur] = (t[2] if len(t) > 2 else t[1], [])
            elif cur and len(t) == 4 and all(x.replace(".", "", 1).replace("e-", "").isdigit() for x in t):
                out[cur][1].append([float(x) for x in t])
    return {k: (n, np.array(rows)) for k, (n, rows) in out.items()}
