"""s2f-predict end to end: the --exec plug-in with a PyTorch model (parity
with torch run directly), --rc mean/max against a hand computation, catalog
selection, and every way a plug-in can misbehave (crash, hang, garbage,
wrong record count)."""

import os
import subprocess
import tempfile

import numpy as np

import s2f_stream
from s2f_testing import BIN_DIR as BIN, PYTHON as PY, check, finish, source_path, tool_path

PREDICT = tool_path("s2f-predict")
ADAPTER = source_path("formats", "python", "torch_adapter.py")
L = 64

MODEL_PY = '''
import torch
class Tiny(torch.nn.Module):
    """Profile head: 3 tracks (a +/- pair and one unstranded) x L bins;
    counts head: 3 tracks, one value each."""
    def __init__(self):
        super().__init__()
        torch.manual_seed(5)
        self.conv = torch.nn.Conv1d(4, 3, 5, padding=2)
    def forward(self, x):
        p = self.conv(x)
        return p, p.mean(dim=2)
'''

CATALOG = ("track_index\ttrack_name\toutput_type\tstrand\tassay_title\n"
           "0\tsignal\tprofile\t+\tchip\n1\tsignal\tprofile\t-\tchip\n2\tbias\tprofile\t.\tatac\n"
           "0\tsignal\tcounts\t+\tchip\n1\tsignal\tcounts\t-\tchip\n2\tbias\tcounts\t.\tatac\n")

def run(args, **kw):
    return subprocess.run([PREDICT] + args, capture_output=True, text=True, timeout=120, **kw)


def write_sequences(path, n=9, seed=1, length=L):
    rng = np.random.default_rng(seed)
    seq = rng.choice(np.frombuffer(b"ACGTN", dtype=np.uint8), size=(n, length), p=[.24, .24, .24, .24, .04])
    schema = [{"name": "id", "dtype": "str", "shape": []}, {"name": "chrom", "dtype": "str", "shape": []},
              {"name": "pos", "dtype": "i64", "shape": []}, {"name": "strand", "dtype": "u8", "shape": []},
              {"name": "start", "dtype": "i64", "shape": []}, {"name": "allele", "dtype": "u8", "shape": []},
              {"name": "ref", "dtype": "str", "shape": []}, {"name": "alt", "dtype": "str", "shape": []},
              {"name": "ref_match", "dtype": "u8", "shape": []},
              {"name": "contains_unk", "dtype": "u8", "shape": []},
              {"name": "seq", "dtype": "u8", "shape": [length]}]
    batch = {"id": [f"r{i}" for i in range(n)], "chrom": ["chr1"] * n,
             "pos": np.arange(n, dtype=np.int64) * 100, "strand": np.full(n, ord("+"), np.uint8),
             "start": np.arange(n, dtype=np.int64) * 100 - length // 2, "allele": np.full(n, ord("."), np.uint8),
             "ref": [""] * n, "alt": [""] * n, "ref_match": np.ones(n, np.uint8),
             "contains_unk": (seq == ord("N")).any(axis=1).astype(np.uint8), "seq": seq}
    s2f_stream.write(path, "sequences", schema, {"geometry": {"sequence_length": length}}, [batch])
    return seq


def torch_reference(seq, n_value=0.25):
    import torch
    ns = {}
    exec(MODEL_PY, ns)
    model = ns["Tiny"]().eval()
    table = {ord("A"): 0, ord("C"): 1, ord("G"): 2, ord("T"): 3}
    def onehot(s):
        x = np.full((len(s), L, 4), n_value, np.float32)
        for i, row in enumerate(s):
            for j, b in enumerate(row):
                if b in table:
                    x[i, j] = 0
                    x[i, j, table[b]] = 1
        return x
    comp = {ord("A"): ord("T"), ord("C"): ord("G"), ord("G"): ord("C"), ord("T"): ord("A"), ord("N"): ord("N")}
    rc = np.array([[comp[b] for b in row[::-1]] for row in seq], dtype=np.uint8)
    with torch.no_grad():
        f = [t.numpy() for t in model(torch.from_numpy(onehot(seq).transpose(0, 2, 1).copy()))]
        r = [t.numpy() for t in model(torch.from_numpy(onehot(rc).transpose(0, 2, 1).copy()))]
    return f, r


def main():
    tmp = tempfile.mkdtemp(prefix="s2f-predict-test-")
    seqs = os.path.join(tmp, "seqs.s2f")
    seq = write_sequences(seqs)
    with open(os.path.join(tmp, "tiny.py"), "w") as f:
        f.write(MODEL_PY)
    cat = os.path.join(tmp, "tiny.tracks.tsv")
    with open(cat, "w") as f:
        f.write(CATALOG)
    # The windows hold N; the stand-in "was trained" with 0.25 (torch_reference's).
    exec_cmd = (f"{PY} {ADAPTER} --module {tmp}/tiny.py --class Tiny --heads profile,counts --catalog {cat} "
                "--n-value 0.25")
    (fwd_p, fwd_c), (rev_p, rev_c) = torch_reference(seq)

    # Plain forward pass through the plug-in equals torch.
    out = os.path.join(tmp, "fwd.s2f")
    r = run(["--exec", exec_cmd, "-o", out, "-q", seqs])
    check(r.returncode == 0, f"exec forward run exits 0 ({r.stderr.strip()[-300:]})")
    if r.returncode == 0:
        got = s2f_stream.read(out).read_all()
        check(got["profile"].shape == (9, 3, L), "profile head is records x 3 tracks x L bins")
        check(np.allclose(got["profile"], fwd_p, atol=1e-6), "profile equals torch")
        check(np.allclose(got["counts"][:, :, 0], fwd_c, atol=1e-6), "counts equal torch")
        check(list(got["id"]) == [f"r{i}" for i in range(9)], "ids carried over in order")
        meta = s2f_stream.read(out).meta
        check(meta["tracks"]["columns"][:2] == ["track_index", "track_name"], "catalog travels in the header")

    # --rc mean: reverse profile flipped back and +/- tracks swapped.
    partner = [1, 0, 2]
    exp_mean = 0.5 * (fwd_p + rev_p[:, partner, ::-1])
    exp_max = np.maximum(fwd_p, rev_p[:, partner, ::-1])
    exp_counts = 0.5 * (fwd_c + rev_c[:, partner])
    for mode, expect in (("mean", exp_mean), ("max", exp_max)):
        out = os.path.join(tmp, f"rc_{mode}.s2f")
        r = run(["--exec", exec_cmd, "--rc", mode, "-o", out, "-q", seqs])
        check(r.returncode == 0, f"--rc {mode} exits 0 ({r.stderr.strip()[-300:]})")
        if r.returncode == 0:
            got = s2f_stream.read(out).read_all()
            check(np.allclose(got["profile"], expect, atol=1e-6), f"--rc {mode} profile = hand computation")
            if mode == "mean":
                check(np.allclose(got["counts"][:, :, 0], exp_counts, atol=1e-6), "--rc mean counts")

    # Selection slices tensor channels and catalog rows together.
    out = os.path.join(tmp, "sel.s2f")
    r = run(["--exec", exec_cmd, "--select", "strand=+,.", "--heads", "profile", "--crop", "4", "-o", out, "-q", seqs])
    check(r.returncode == 0, f"--select/--heads/--crop exit 0 ({r.stderr.strip()[-300:]})")
    if r.returncode == 0:
        s = s2f_stream.read(out)
        got = s.read_all()
        check(got["profile"].shape == (9, 2, L - 8), "selected 2 tracks, 8 bins cropped")
        check(np.allclose(got["profile"], fwd_p[:, [0, 2], 4:L - 4], atol=1e-6), "selected channels are the right ones")
        check("counts" not in got, "--heads drops other heads")
        rows = s2f_stream.read(out).meta["tracks"]["rows"]
        check([row[1] for row in rows] == ["signal", "bias"], "catalog rows follow the selection")
    r = run(["--exec", exec_cmd, "--select", "assay_title=dnase", "-o", os.path.join(tmp, "none.s2f"), seqs])
    check(r.returncode != 0 and "assay_title" in r.stderr, "a selection matching nothing fails naming the field")

    # The native engine on the same model, exported to an s2f model file,
    # gives the same numbers as torch and as the plug-in.
    import s2f_model_export
    ns = {}
    exec(MODEL_PY, ns)
    model_file = os.path.join(tmp, "tiny.s2fm")
    s2f_model_export.export(ns["Tiny"]().eval(), model_file, input_length=L, head_names=["profile", "counts"],
                            n_value=0.25)
    for mode, expect_p in (("none", fwd_p), ("mean", exp_mean)):
        out = os.path.join(tmp, f"native_{mode}.s2f")
        r = run(["--model", model_file, "--catalog", cat, "--rc", mode, "-b", "4", "-t", "2", "-o", out, "-q", seqs])
        check(r.returncode == 0, f"native --rc {mode} exits 0 ({r.stderr.strip()[-300:]})")
        if r.returncode == 0:
            got = s2f_stream.read(out).read_all()
            check(np.allclose(got["profile"], expect_p, atol=1e-5), f"native --rc {mode} profile equals torch")
            meta = s2f_stream.read(out).meta
            check(meta["model"]["hash"].startswith("sha256:"), "model identity (content hash) in the header")
    # Selection downstream, in s2f-view: catalog listing and tensor slicing.
    view = os.path.join(BIN, "s2f-view")
    native = os.path.join(tmp, "native_none.s2f")
    r = subprocess.run([view, "--tracks", "--select", "strand=-", "-q", native], capture_output=True, text=True)
    lines = r.stdout.strip().split("\n")
    check(r.returncode == 0 and len(lines) == 3 and all("\t-\t" in l for l in lines[1:]),
          "s2f-view --tracks --select lists the selected catalog rows")
    sliced = os.path.join(tmp, "sliced.s2f")
    r = subprocess.run([view, "--select", "strand=-", "--s2f", "-o", sliced, "-q", native], capture_output=True, text=True)
    if r.returncode == 0:
        got = s2f_stream.read(sliced).read_all()
        check(got["profile"].shape == (9, 1, L) and np.allclose(got["profile"], fwd_p[:, [1]], atol=1e-5)
              and np.allclose(got["counts"][:, :, 0], fwd_c[:, [1]], atol=1e-5),
              "s2f-view --select slices every head's channels with the catalog")
    else:
        check(False, "s2f-view --select exits 0 (" + r.stderr + ")")

    r = run(["--model", model_file, "--dtype", "f16", "-o", os.path.join(tmp, "h.s2f"), "-q", seqs])
    got = s2f_stream.read(os.path.join(tmp, "h.s2f")).read_all() if r.returncode == 0 else None
    check(got is not None and got["profile"].dtype == np.float16 and
          np.allclose(got["profile"].astype(np.float32), fwd_p, rtol=1e-3, atol=1e-3), "--dtype f16 output")
    # A window length the model does not take is refused, naming both lengths.
    long_seqs = os.path.join(tmp, "long.s2f")
    write_sequences(long_seqs, length=80)
    r = run(["--model", model_file, "-o", os.path.join(tmp, "w.s2f"), long_seqs])
    check(r.returncode == 1 and "80 bp" in r.stderr and f"takes {L} bp" in r.stderr,
          "wrong window length is refused naming both lengths")

    # Misbehaving plug-ins.
    crash = f"{PY} -c \"import sys; sys.stdin.buffer.read(100); print('CUDA out of memory', file=sys.stderr); sys.exit(3)\""
    r = run(["--exec", crash, "-o", os.path.join(tmp, "c.s2f"), seqs])
    check(r.returncode != 0 and "exited with status 3" in r.stderr and "CUDA out of memory" in r.stderr,
          "a crashing plug-in fails the run and shows its stderr")
    check(not os.path.exists(os.path.join(tmp, "c.s2f")), "no output file after a failed run")
    r = run(["--exec", "sleep 30", "--exec-timeout", "1", "-o", os.path.join(tmp, "h.s2f"), seqs])
    check(r.returncode != 0 and "killed" in r.stderr, "a hung plug-in is killed after --exec-timeout")
    r = run(["--exec", "cat >/dev/null; echo not a stream", "-o", os.path.join(tmp, "g.s2f"), seqs])
    check(r.returncode != 0 and "not an s2f stream" in r.stderr, "garbage output is refused")
    r = run(["--exec", "cat", "-o", os.path.join(tmp, "k.s2f"), seqs])
    check(r.returncode != 0 and "expected a tensors stream, got a sequences stream" in r.stderr,
          "a plug-in echoing its input is refused by kind")

    finish()


if __name__ == "__main__":
    main()
