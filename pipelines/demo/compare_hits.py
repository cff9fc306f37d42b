#!/usr/bin/python3
"""Hits called on demo sequences against the planted truth
(make_demo_sequences.py --truth). A planted instance is recovered when a hit
of the same motif and strand in the same sequence starts within TOLERANCE bp
of it; a hit is true when it recovers a planted instance. Scrambled controls
are not instances. Standard library only (the demo needs nothing else).

    compare_hits.py hits.tsv truth.tsv [--min-recall 0.9] [--json out.json]
"""
import argparse
import json
import sys

TOLERANCE = 2


def read_tsv(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def compare(hits, truth, tolerance=TOLERANCE):
    planted = [t for t in truth if t["kind"] == "planted"]
    found = [False] * len(planted)
    true_hits = 0
    for h in hits:
        match = False
        for i, t in enumerate(planted):
            if (h["peak_name"] == t["seq_id"] and h["motif_name"] == t["motif"] and h["strand"] == t["strand"]
                    and abs(int(h["start"]) - int(t["start"])) <= tolerance):
                found[i] = True
                match = True
        true_hits += match
    per_motif = {}
    for t, f in zip(planted, found):
        m = per_motif.setdefault(t["motif"], [0, 0])
        m[0] += f
        m[1] += 1
    return {
        "planted": len(planted),
        "recovered": sum(found),
        "hits": len(hits),
        "true_hits": true_hits,
        "recall": sum(found) / len(planted) if planted else 0.0,
        "precision": true_hits / len(hits) if hits else 0.0,
        "per_motif": {k: {"recovered": v[0], "planted": v[1]} for k, v in sorted(per_motif.items())},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hits")
    ap.add_argument("truth")
    ap.add_argument("--min-recall", type=float, default=None, help="exit 1 below this recall")
    ap.add_argument("--json", help="also write the numbers here")
    a = ap.parse_args()
    r = compare(read_tsv(a.hits), read_tsv(a.truth))
    motifs = ", ".join(f"{k} {v['recovered']}/{v['planted']}" for k, v in r["per_motif"].items())
    print(f"hits vs planted: {r['recovered']}/{r['planted']} planted instances recovered "
          f"(recall {r['recall']:.2f}; {motifs}); {r['true_hits']}/{r['hits']} hits on planted instances "
          f"(precision {r['precision']:.2f})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    if a.min_recall is not None and r["recall"] < a.min_recall:
        print(f"recall {r['recall']:.2f} is below {a.min_recall}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
