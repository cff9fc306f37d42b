#!/usr/bin/python3
"""s2f-marginalize against tangermeme's marginalize (seed 002), the parts
where a motif is more than an ACGT string, checked against the numpy/PyTorch
transcription in marginalize_reference.py (substitute_tensor: the window's
one-hot columns replaced by the motif tensor's):

* a soft (k, 4) motif from .npy, float64 and float32, equals tangermeme's
  substitute of the (1, 4, k) tensor; a row of zeros is tangermeme's N (a
  zero column, not the model's N value);
* an int8 one-hot .npy gives the same bytes as the motif's string;
* one motif per background: an (n, k, 4) .npz array, and a sequences stream
  (--motif-per-background), motif i into background i, their number checked;
* IUPAC codes are refused by default as tangermeme refuses them; --iupac
  inserts the first base of each code (the documented rule);
* --save-after writes the edited sequences: the reference's substituted
  strings, and predicting them gives the stream's `after`;
* bad matrices fail naming the file and the problem, leaving no output.

    ctest -R marginalize_seed
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

import marginalize_reference as ref  # this directory (the script's own, first on sys.path)
import s2f_stream
from s2f_testing import BIN_DIR as BIN

L = 500
AP1 = "ATGAGTCAT"
HEADS = {"profile": (2, 300), "counts": (1, 1)}
# The AP1 PWM of the demo grammar (rows: positions; columns: A C G T).
AP1_PWM = np.array([[0.592408, 0.103896, 0.265734, 0.037962], [0, 0.001, 0, 0.999], [0, 0, 0.871, 0.129],
                    [0.894, 0.091, 0, 0.015], [0.074925, 0.03996, 0.866134, 0.018981], [0, 0, 0, 1],
                    [0.029029, 0.970971, 0, 0], [1, 0, 0, 0], [0.021, 0.29, 0.077, 0.612]])


def tool(*args, check=True):
    r = subprocess.run([os.path.join(BIN, "s2f-marginalize"), "-q", "--model", "demo", *map(str, args)],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"s2f-marginalize {' '.join(map(str, args))} failed:\n{r.stderr}")
    return r


def string_one_hot(motif):
    """(k, 4) one-hot of an ACGT string, zeros for N (tangermeme's one_hot_encode, transposed)."""
    out = np.zeros((len(motif), 4), np.float32)
    for i, c in enumerate(motif):
        if c in "ACGT":
            out[i, "ACGT".index(c)] = 1
    return out


class MarginalizeSeed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="s2f_marginalize_seed_")
        cls.model = ref.load_demo_model()
        rng = np.random.default_rng(21)
        cls.inputs = ["".join(rng.choice(list("ACGT"), L)) for _ in range(6)]
        cls.inputs_s2f = cls.encode("inputs", cls.inputs, L)
        cls.X = ref.one_hot(cls.inputs)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def encode(cls, name, seqs, length):
        fa = os.path.join(cls.tmp, name + ".fa")
        with open(fa, "w") as f:
            for i, s in enumerate(seqs):
                f.write(f">{name}{i}\n{s}\n")
        out = os.path.join(cls.tmp, name + ".s2f")
        subprocess.run([os.path.join(BIN, "s2f-encode"), "-q", "--fasta-records", fa, "-L", str(length), "-o", out],
                       check=True)
        return out

    def path(self, name):
        return os.path.join(self.tmp, name)

    def read(self, name):
        return s2f_stream.read(self.path(name)).read_all()

    def assert_matches(self, got, before, after, rows=slice(None)):
        for k, head in enumerate(HEADS):
            b = before[k].reshape(len(before[k]), *HEADS[head])
            a = after[k].reshape(len(after[k]), *HEADS[head])
            self.assertLessEqual(np.abs(got[head + ".before"][rows] - b).max(), 1e-4, head)
            self.assertLessEqual(np.abs(got[head + ".after"][rows] - a).max(), 1e-4, head)
            self.assertLessEqual(np.abs(got[head + ".diff"][rows] - (a - b)).max(), 1e-4, head)

    def test_soft_motif_matches_tangermeme_substitute(self):
        soft = AP1_PWM.copy()
        soft[4] = 0  # tangermeme's N: a zero column
        np.save(self.path("soft.npy"), soft)  # float64
        np.save(self.path("soft32.npy"), soft.astype(np.float32))
        tool(self.inputs_s2f, "--motif-matrix", self.path("soft.npy"), "--motif-matrix", self.path("soft32.npy"),
             "--start", 100, "-o", self.path("soft.s2f"))
        d = self.read("soft.s2f")
        self.assertEqual(d["motif"], ["soft"] * 6 + ["soft32"] * 6)
        self.assertEqual(set(d["inserted"]), {"ATGANTCAT"})  # the largest value per column, N for zeros
        self.assertTrue((d["start"] == 100).all())
        motif = soft.astype(np.float32).T[None]  # (1, 4, k), as tangermeme takes it
        before, after = ref.marginalize_tensor(self.model, self.X, motif, start=100)
        self.assert_matches(d, before, after, slice(0, 6))
        self.assert_matches(d, before, after, slice(6, 12))
        # A soft motif is not its consensus: the after differs from the string's.
        _, after_string = ref.marginalize(self.model, self.X, "ATGANTCAT", start=100)
        self.assertGreater(np.abs(after_string[1] - after[1]).max(), 1e-3)

    def test_one_hot_matrix_equals_the_string(self):
        np.save(self.path("ap1_onehot.npy"), string_one_hot(AP1).astype(np.int8))  # tangermeme's dtype
        tool(self.inputs_s2f, "--motif-matrix", self.path("ap1_onehot.npy"), "-o", self.path("oh.s2f"))
        tool(self.inputs_s2f, "--motif", AP1, "-o", self.path("str.s2f"))
        a, b = self.read("oh.s2f"), self.read("str.s2f")
        self.assertEqual(a["inserted"], b["inserted"])
        for name in ("counts.after", "profile.after", "counts.diff"):
            self.assertTrue(np.array_equal(a[name], b[name]), name)
        self.assertTrue((a["start"] == L // 2 - 9 // 2).all())  # centred as tangermeme

    def test_one_motif_per_background_from_npz(self):
        rng = np.random.default_rng(5)
        per = rng.random((6, 7, 4)).astype(np.float32)  # soft, motif i for background i
        one = rng.random((5, 4))
        np.savez(self.path("set.npz"), per=per, one=one)
        tool(self.inputs_s2f, "--motif-matrix", self.path("set.npz"), "--save-after", self.path("set_after.s2f"),
             "-o", self.path("set.s2f"))
        d = self.read("set.s2f")
        self.assertEqual(d["motif"], ["per"] * 6 + ["one"] * 6)
        before, after = ref.marginalize_tensor(self.model, self.X, per.transpose(0, 2, 1))
        self.assert_matches(d, before, after, slice(0, 6))
        before, after = ref.marginalize_tensor(self.model, self.X, one.astype(np.float32).T[None])
        self.assert_matches(d, before, after, slice(6, 12))
        # Saved: the matrix bases of each background's own motif.
        saved = ref.read_sequences(self.path("set_after.s2f"))
        start = L // 2 - 7 // 2
        for i in range(6):
            bases = "".join("ACGT"[j] for j in per[i].argmax(1))
            self.assertEqual(saved[i], self.inputs[i][:start] + bases + self.inputs[i][start + 7:])

    def test_one_motif_per_background_from_a_stream(self):
        rng = np.random.default_rng(8)
        motifs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(6)]
        motifs[2] = AP1
        stream = self.encode("per_bg", motifs, 9)
        tool(self.inputs_s2f, "--motif-per-background", stream, "--save-after", self.path("pb_after.s2f"),
             "-o", self.path("pb.s2f"))
        d = self.read("pb.s2f")
        self.assertEqual(d["motif"], ["per_bg.s2f"] * 6)
        self.assertEqual(d["inserted"], motifs)
        tensor = np.stack([string_one_hot(m).T for m in motifs])  # (N, 4, k)
        self.assert_matches(d, *ref.marginalize_tensor(self.model, self.X, tensor))
        # The saved after sequences are what was predicted.
        saved = ref.read_sequences(self.path("pb_after.s2f"))
        start = L // 2 - 9 // 2
        self.assertEqual(saved, [s[:start] + m + s[start + 9:] for s, m in zip(self.inputs, motifs)])
        again = ref.predict(self.model, ref.one_hot(saved))
        self.assertLessEqual(np.abs(d["counts.after"][:, 0, 0] - again[1][:, 0]).max(), 1e-4)
        ids = s2f_stream.read(self.path("pb_after.s2f")).read_all()["id"]
        self.assertEqual(ids, [f"inputs{i}|per_bg.s2f" for i in range(6)])

    def test_save_after_of_motifs_and_spacing(self):
        tool("--random", "-n", 3, "--seed", 4, "--motif", AP1, "--motif", "CCCCACCC", "--spacing", "2:4:2",
             "--save-backgrounds", self.path("sp_bg.s2f"), "--save-after", self.path("sp_after.s2f"),
             "-o", self.path("sp.s2f"))
        bgs = ref.read_sequences(self.path("sp_bg.s2f"))
        saved = s2f_stream.read(self.path("sp_after.s2f")).read_all()
        d = self.read("sp.s2f")
        self.assertEqual(len(saved["id"]), len(d["motif"]))
        k = 0
        for gap in (2, 4):
            for b in range(3):
                start = L // 2 - 9 // 2
                second = start + 9 + gap
                want = bgs[b][:start] + AP1 + bgs[b][start + 9:second] + "CCCCACCC" + bgs[b][second + 8:]
                self.assertEqual(bytes(saved["seq"][k]).decode(), want)
                self.assertEqual(saved["id"][k], f"background_{b}|{AP1}+CCCCACCC|gap={gap}")
                k += 1

    def test_iupac_is_refused_unless_asked(self):
        r = tool(self.inputs_s2f, "--motif", "ATGRGTCAT", "-o", self.path("iu.s2f"), check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("has the IUPAC code 'R' at position 4", r.stderr)
        self.assertIn("add --iupac", r.stderr)
        self.assertFalse(os.path.exists(self.path("iu.s2f")))
        # --iupac: R inserts A (the first of A and G).
        tool(self.inputs_s2f, "--motif", "ATGRGTCAT", "--iupac", "-o", self.path("iu.s2f"))
        d = self.read("iu.s2f")
        self.assertEqual(set(d["inserted"]), {"ATGAGTCAT"})
        self.assert_matches(d, *ref.marginalize(self.model, self.X, "ATGAGTCAT"))

    def test_per_background_stream_count_and_n(self):
        too_few = self.encode("too_few", [AP1] * 4, 9)
        out = self.path("err.s2f")
        r = tool(self.inputs_s2f, "--motif-per-background", too_few, "-o", out, check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("holds 4 motifs but there are 6 backgrounds", r.stderr)
        self.assertIn("too_few.s2f", r.stderr)
        self.assertFalse(os.path.exists(out))
        # s2f-encode writes IUPAC codes as N; an N of a stream motif keeps the background base,
        # as it does in a --motif string.
        with_n = self.encode("with_n", ["ATGRGTCAT"] * 6, 9)
        tool(self.inputs_s2f, "--motif-per-background", with_n, "-o", self.path("with_n.s2f"))
        d = self.read("with_n.s2f")
        self.assertEqual(set(d["inserted"]), {"ATG.GTCAT"})
        self.assert_matches(d, *ref.marginalize(self.model, self.X, "ATGNGTCAT"))

    def test_bad_matrices_fail_naming_file_and_problem(self):
        np.save(self.path("wide.npy"), np.ones((4, 9)))  # tangermeme's (4, k) layout, not transposed
        nan = AP1_PWM.copy()
        nan[3, 2] = np.nan
        np.save(self.path("nan.npy"), nan)
        np.savez(self.path("three.npz"), per=np.ones((3, 5, 4)))
        np.save(self.path("text.npy"), np.array(["ACGT"]))
        cases = [
            (["--motif-matrix", self.path("wide.npy")], "motif matrix has shape (4, 9), not (k, 4) or (n, k, 4)"),
            (["--motif-matrix", self.path("nan.npy")], "value at [3, 2] is not finite"),
            (["--motif-matrix", self.path("three.npz")], "holds 3 motifs (one per background) but there are 6"),
            (["--motif-matrix", self.path("text.npy")], "text.npy"),
            (["--motif-matrix", self.path("nan.txt")], "is neither .npy nor .npz"),
            (["--motif-matrix", self.path("wide.npy"), "--sample"], "--sample and --iupac go with --motif"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                out = self.path("err.s2f")
                r = tool(self.inputs_s2f, *args, "-o", out, check=False)
                self.assertIn(r.returncode, (1, 2), r.stderr)
                self.assertTrue(r.stderr.startswith("s2f-marginalize: error: "), r.stderr)
                self.assertIn(message, r.stderr)
                self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
