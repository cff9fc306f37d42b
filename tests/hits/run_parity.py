"""Parity and recovery test of s2f-call-hits (ctest label: slow).

Generates synthetic regions with planted instances, calls hits with
s2f-call-hits (from the regions .npz and from the same regions as an s2f
contribution stream, which must give identical files), runs the PyTorch
transcription of the seed's fit_contribs on the same inputs, and checks:
>= 99 % identical hits, coefficients within 1e-3 relative, QC agreement,
and recall of the planted instances (precision and recall are printed).

  run_parity.py --bin BUILD/bin --work DIR [--regions 48] [--length 500] [--mode pp]
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    print("+ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("S2F_BIN_DIR", ""))
    ap.add_argument("--work", required=True)
    ap.add_argument("--regions", type=int, default=48)
    ap.add_argument("--length", type=int, default=500)
    ap.add_argument("--motifs", type=int, default=5)
    ap.add_argument("--mode", default="pp")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sqrt-transform", action="store_true")
    ap.add_argument("--eps", type=float, help="Fi-NeMo's eps (default: the tool's, 1.0)")
    ap.add_argument("--modisco", help="plant this real tfmodisco-lite file's patterns (exit 77 = skip if absent)")
    ap.add_argument("--min-precision", default="0.9",
                    help="palindromic real motifs (CACGTG) are called on both strands, which lowers it")
    a = ap.parse_args(argv)
    py = sys.executable
    extra = ["--sqrt-transform"] if a.sqrt_transform else []
    if a.eps is not None:
        extra += ["--eps", repr(a.eps)]
    data = os.path.join(a.work, "data")
    source = []
    if a.modisco:
        if not os.path.exists(a.modisco):
            print(f"SKIP real data absent: {a.modisco}")
            return 77
        source = ["--modisco", a.modisco]
    run([py, os.path.join(HERE, "make_regions.py"), "--out", data, "--regions", str(a.regions), "--length",
         str(a.length), "--motifs", str(a.motifs), "--seed", str(a.seed), "--stream"] + source)
    tool = os.path.join(a.bin, "s2f-call-hits")
    ours = os.path.join(a.work, "ours")
    run([tool, "-q", "-r", os.path.join(data, "regions.npz"), "-m", os.path.join(data, "motifs.h5"), "-o", ours,
         "--mode", a.mode, "-t", "2"] + extra)
    if a.mode[1] == "p":
        from_stream = os.path.join(a.work, "ours_stream")
        run([tool, "-q", "-r", os.path.join(data, "regions.s2f"), "-m", os.path.join(data, "motifs.h5"), "-o",
             from_stream, "--mode", a.mode, "-t", "1"] + extra)
        for name in ["hits.tsv", "hits_unique.tsv", "hits.bed", "peaks_qc.tsv", "motif_data.tsv"]:
            if not filecmp.cmp(os.path.join(ours, name), os.path.join(from_stream, name), shallow=False):
                print(f"FAIL {name} differs between the .npz and the stream input")
                return 1
    if a.eps is not None and a.eps != 1.0:
        # eps enters the importance scale (sum + eps)^-1/2 of every (motif,
        # position), hence the coefficients: a run at the default must differ.
        default_eps = os.path.join(a.work, "ours_default_eps")
        run([tool, "-q", "-r", os.path.join(data, "regions.npz"), "-m", os.path.join(data, "motifs.h5"), "-o",
             default_eps, "--mode", a.mode, "-t", "2"] + [x for x in extra if x not in ("--eps", repr(a.eps))])
        if filecmp.cmp(os.path.join(ours, "hits.tsv"), os.path.join(default_eps, "hits.tsv"), shallow=False):
            print(f"FAIL --eps {a.eps} gave the same hits.tsv as the default eps 1.0")
            return 1
        with open(os.path.join(ours, "parameters.json")) as f:
            if json.load(f)["eps"] != a.eps:
                print("FAIL parameters.json does not record --eps")
                return 1
    ref = os.path.join(a.work, "ref")
    run([py, os.path.join(HERE, "finemo_reference.py"), "--regions", os.path.join(data, "regions.npz"), "--modisco",
         os.path.join(data, "motifs.h5"), "--out", ref, "--mode", a.mode, "--threads", "2", "--batch-size",
         str(a.regions)] + extra)
    return subprocess.run([py, os.path.join(HERE, "compare_with_reference.py"), "--ours", ours, "--ref", ref, "--regions",
                           os.path.join(data, "regions.npz"), "--truth", os.path.join(data, "truth.tsv"),
                           "--min-recall", "0.9", "--min-precision", a.min_precision,
                           "--json", os.path.join(a.work, "summary.json")]).returncode


if __name__ == "__main__":
    sys.exit(main())
