"""s2f-call-hits reads the same regions from every input layout and gives
the same hit tables: Fi-NeMo .npz, s2f contribution stream, ChromBPNet
attribution HDF5 (raw/seq, shap/seq: N x 4 x L) and BPNet HDF5
(input_seqs, hyp_scores: N x L x 4), the HDF5 ones wider than the region
and cropped to it, with coordinates from a narrowPeak file.

  run_layouts.py --bin BUILD/bin --work DIR
"""
import argparse
import filecmp
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    print("+ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("S2F_BIN_DIR", ""))
    ap.add_argument("--work", required=True)
    a = ap.parse_args(argv)
    data = os.path.join(a.work, "data")
    run([sys.executable, os.path.join(HERE, "make_regions.py"), "--out", data, "--regions", "30", "--length", "400",
         "--motifs", "4", "--seed", "11", "--stream"])
    npz = np.load(os.path.join(data, "regions.npz"))
    seqs, contribs = npz["sequences"], npz["contributions"].astype(np.float32)
    pad = 50  # attribution files cover a wider window than the region
    seqs_w = np.pad(seqs, ((0, 0), (0, 0), (pad, pad)))
    con_w = np.pad(contribs, ((0, 0), (0, 0), (pad, pad)))
    chrombpnet = os.path.join(data, "chrombpnet.h5")
    with h5py.File(chrombpnet, "w") as f:
        f.create_dataset("raw/seq", data=seqs_w)
        f.create_dataset("shap/seq", data=con_w)
    bpnet = os.path.join(data, "bpnet.h5")
    with h5py.File(bpnet, "w") as f:
        f.create_dataset("input_seqs", data=seqs_w.transpose(0, 2, 1))
        f.create_dataset("hyp_scores", data=con_w.transpose(0, 2, 1))
    tool = os.path.join(a.bin, "s2f-call-hits")
    motifs, peaks = os.path.join(data, "motifs.h5"), os.path.join(data, "peaks.narrowPeak")
    outs = {}
    for name, args in [("npz", ["-r", os.path.join(data, "regions.npz")]),
                       ("stream", ["-r", os.path.join(data, "regions.s2f")]),
                       ("chrombpnet", ["-r", chrombpnet, "--format", "chrombpnet", "--region-width", "400",
                                       "-p", peaks]),
                       ("bpnet", ["-r", bpnet, "--format", "bpnet", "--region-width", "400", "-p", peaks])]:
        outs[name] = os.path.join(a.work, name)
        run([tool, "-q", "-m", motifs, "-o", outs[name]] + args)
    failed = 0
    for name in ["chrombpnet", "bpnet", "stream"]:
        for f in ["hits.tsv", "hits_unique.tsv", "hits.bed", "peaks_qc.tsv"]:
            if not filecmp.cmp(os.path.join(outs["npz"], f), os.path.join(outs[name], f), shallow=False):
                print(f"FAIL {f} from {name} differs from the .npz input")
                failed = 1
    with open(os.path.join(outs["npz"], "hits.tsv")) as f:
        n = sum(1 for _ in f) - 1
    print(("FAIL" if failed or n == 0 else "PASS") + f": {n} hits, identical across npz, stream, chrombpnet, bpnet")
    return 1 if failed or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
