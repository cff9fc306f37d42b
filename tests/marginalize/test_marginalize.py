#!/usr/bin/python3
"""s2f-marginalize end to end on the demo model (pipelines/demo), whose
planted grammar says what a marginalization must find:

* the AP1 consensus raises the counts head by ~2 (log), a scramble of it
  (same composition) by ~0;
* the AP1 -> KLF4 spacing sweep over gaps 0..30 peaks at 12 bp (the gap is
  the bases between AP1's end and KLF4's start, as grammar.json defines it);
* every head and track is reported with its shape, and --summary agrees with
  the stream;
* annotations mode with a 2-head model and 3 annotations, and motif mode,
  match a numpy/PyTorch reference (marginalize_reference.py) to 1e-4;
* --ablate reports the drop from the original prediction;
* shuffled backgrounds keep every dinucleotide count; --random has its GC;
* each bad input fails with a message naming the problem;
* -t 1 and -t 2 write the same bytes;
* --func attribute: contrib.before/.after are what s2f-attribute gives the
  saved backgrounds and edited sequences (same references), and the AP1
  insertion's projected contributions concentrate on the inserted bases.

    ctest -R marginalize_end_to_end    (or by hand, as tests/lib/s2f_testing.py says)
"""
import collections
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

import marginalize_reference as ref  # this directory (the script's own, first on sys.path)
import s2f_stream
from s2f_testing import BIN_DIR as BIN, SHARED_DATA

MEME = os.path.join(SHARED_DATA, "motifs", "jaspar_4_pfms.meme")
L = 500
AP1, KLF4 = "ATGAGTCAT", "CCCCACCC"
AP1_SCRAMBLED = "GATTACGAT"  # same composition as ATGAGTCAT (A3 T3 G2 C1)
HEADS = {"profile": (2, 300), "counts": (1, 1)}


def tool(*args, check=True, cwd=None):
    r = subprocess.run([os.path.join(BIN, "s2f-marginalize"), "-q", "--model", "demo", *map(str, args)],
                       capture_output=True, text=True, cwd=cwd)
    if check and r.returncode != 0:
        raise AssertionError(f"s2f-marginalize {' '.join(map(str, args))} failed:\n{r.stderr}")
    return r


def read_tsv(path):
    with open(path) as f:
        lines = f.read().splitlines()
    cols = lines[0].split("\t")
    return [dict(zip(cols, l.split("\t"))) for l in lines[1:]]


def dinucleotides(s):
    return collections.Counter(s[i:i + 2] for i in range(len(s) - 1))


def random_seqs(n, seed, gc=0.41):
    rng = np.random.default_rng(seed)
    p = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    return ["".join(np.array(list("ACGT"))[rng.choice(4, L, p=p)]) for _ in range(n)]


class Marginalize(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="s2f_marginalize_")
        cls.model = ref.load_demo_model()
        cls.inputs = random_seqs(8, 1)
        cls.inputs_s2f = cls.encode("inputs", cls.inputs)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def encode(cls, name, seqs):
        fa = os.path.join(cls.tmp, name + ".fa")
        with open(fa, "w") as f:
            for i, s in enumerate(seqs):
                f.write(f">{name}{i}\n{s}\n")
        out = os.path.join(cls.tmp, name + ".s2f")
        subprocess.run([os.path.join(BIN, "s2f-encode"), "-q", "--fasta-records", fa, "-L", str(L), "-o", out],
                       check=True)
        return out

    def path(self, name):
        return os.path.join(self.tmp, name)

    def read(self, name):
        s = s2f_stream.read(self.path(name))
        return s, s.read_all()

    def assert_close_to_reference(self, got, before, after):
        for k, head in enumerate(HEADS):
            b = before[k].reshape(len(before[k]), *HEADS[head])
            a = after[k].reshape(len(after[k]), *HEADS[head])
            self.assertLessEqual(np.abs(got[head + ".before"] - b).max(), 1e-4, head)
            self.assertLessEqual(np.abs(got[head + ".after"] - a).max(), 1e-4, head)
            self.assertLessEqual(np.abs(got[head + ".diff"] - (a - b)).max(), 1e-4, head)

    # -- the planted grammar -------------------------------------------------

    def test_ap1_effect_is_clearly_larger_than_its_scramble(self):
        tool("--random", "-n", 48, "--seed", 3, "--motif", AP1, "--motif", AP1_SCRAMBLED,
             "--summary", self.path("ap1.tsv"), "-o", self.path("ap1.s2f"))
        rows = {r["label"]: r for r in read_tsv(self.path("ap1.tsv")) if r["head"] == "counts"}
        ap1, scr = float(rows[AP1]["mean_effect"]), float(rows[AP1_SCRAMBLED]["mean_effect"])
        self.assertGreater(ap1, 1.5)  # planted +2.0
        self.assertLess(abs(scr), 0.3)  # planted 0
        self.assertGreater(ap1 - scr, 1.2)
        # Shapes: every head and track, one record per (motif, background).
        s, d = self.read("ap1.s2f")
        self.assertEqual(s.kind, "marginal")
        self.assertEqual(len(d["motif"]), 96)
        self.assertEqual(d["motif"][:48], [AP1] * 48)
        self.assertEqual(list(d["background"][:48]), list(range(48)))
        self.assertTrue((d["start"] == L // 2 - 9 // 2).all())
        fields = {f["name"]: f for f in s.schema}
        for head, shape in HEADS.items():
            for part in ("before", "after", "diff"):
                self.assertEqual(tuple(fields[f"{head}.{part}"]["shape"]), shape)
                self.assertEqual(d[f"{head}.{part}"].shape, (96, *shape))
            self.assertTrue(np.array_equal(d[f"{head}.diff"], d[f"{head}.after"] - d[f"{head}.before"]))
        # The same background is predicted once: its before is identical for both motifs.
        self.assertTrue(np.array_equal(d["counts.before"][:48], d["counts.before"][48:]))
        # Summary rows: 2 motifs x (2 profile tracks + 1 counts track), named from the catalog,
        # a profile effect summed over bins.
        rows = read_tsv(self.path("ap1.tsv"))
        self.assertEqual(len(rows), 6)
        self.assertEqual({r["track_name"] for r in rows}, {"demo planted grammar"})
        self.assertEqual([r["track_id"] for r in rows[:3]],
                         ["profile/demo planted grammar/+", "profile/demo planted grammar/-", "counts/demo planted grammar"])
        for k, motif in enumerate((AP1, AP1_SCRAMBLED)):
            sel = slice(48 * k, 48 * (k + 1))
            for t in range(2):
                eff = d["profile.diff"][sel, t, :].astype(np.float64).sum(1)
                self.assertAlmostEqual(float(rows[3 * k + t]["mean_effect"]), eff.mean(), delta=1e-4)
                self.assertAlmostEqual(float(rows[3 * k + t]["sd_effect"]), eff.std(ddof=1), delta=1e-4)
            eff = d["counts.diff"][sel, 0, 0].astype(np.float64)
            self.assertAlmostEqual(float(rows[3 * k + 2]["mean_effect"]), eff.mean(), delta=1e-6)
            self.assertAlmostEqual(float(rows[3 * k + 2]["sd_effect"]), eff.std(ddof=1), delta=1e-6)
            self.assertEqual(rows[3 * k + 2]["n"], "48")
        self.assertEqual(s.meta["marginalize"]["motifs"][0]["consensus"], AP1)
        self.assertEqual(s.meta["provenance"][-1]["seed"], 3)

    def test_spacing_sweep_finds_the_preferred_gap(self):
        motifs = ["--motif-file", MEME, "--motif", "MA1141.2", "--motif", "KLF4"] if os.path.exists(MEME) \
            else ["--motif", AP1, "--motif", KLF4]
        tool("--random", "-n", 32, "--seed", 5, *motifs, "--spacing", "0:30:1",
             "--summary", self.path("sp.tsv"), "-o", self.path("sp.s2f"))
        rows = [r for r in read_tsv(self.path("sp.tsv")) if r["head"] == "counts"]
        self.assertEqual([int(r["spacing"]) for r in rows], list(range(31)))
        effect = {int(r["spacing"]): float(r["mean_effect"]) for r in rows}
        self.assertEqual(max(effect, key=effect.get), 12)
        far = np.mean([effect[g] for g in range(0, 31) if abs(g - 12) > 3])
        self.assertGreater(effect[12] - far, 0.5)  # the pair bonus (planted +2.0)
        _, d = self.read("sp.s2f")
        self.assertEqual(len(d["spacing"]), 31 * 32)
        first = d["spacing"] == 12
        self.assertEqual(set(d["inserted"][i] for i in np.flatnonzero(first)), {AP1 + "+" + KLF4})
        self.assertTrue((d["start"] == 246).all())

    def test_jaspar_file_motif_by_alt_name(self):
        # The AP1 PWM of grammar.json as JASPAR counts; inserted as its consensus, labelled as asked.
        pwm = [[0.592408, 0.103896, 0.265734, 0.037962], [0, 0.001, 0, 0.999], [0, 0, 0.871, 0.129],
               [0.894, 0.091, 0, 0.015], [0.074925, 0.03996, 0.866134, 0.018981], [0, 0, 0, 1],
               [0.029029, 0.970971, 0, 0], [1, 0, 0, 0], [0.021, 0.29, 0.077, 0.612]]
        with open(self.path("ap1.jaspar"), "w") as f:
            f.write(">MA1141.2\tFOS::JUND\n")
            for b, base in enumerate("ACGT"):
                f.write(base + "  [ " + " ".join(str(round(1001 * row[b])) for row in pwm) + " ]\n")
        tool("--random", "-n", 4, "--motif-file", self.path("ap1.jaspar"), "--motif", "FOS::JUND",
             "-o", self.path("jaspar.s2f"))
        _, d = self.read("jaspar.s2f")
        self.assertEqual(d["motif"], ["FOS::JUND"] * 4)
        self.assertEqual(d["inserted"], [AP1] * 4)
        self.assertTrue((d["counts.diff"] > 1).all())

    # -- parity with the reference ------------------------------------------

    def test_motif_mode_matches_reference(self):
        tool(self.inputs_s2f, "--motif", AP1, "--motif", "CCNCACCC", "-o", self.path("par.s2f"))
        _, d = self.read("par.s2f")
        X = ref.one_hot(self.inputs)
        for k, motif in enumerate((AP1, "CCNCACCC")):
            before, after = ref.marginalize(self.model, X, motif)
            sel = {name: v[8 * k:8 * (k + 1)] for name, v in d.items() if not isinstance(v, list)}
            self.assert_close_to_reference(sel, before, after)
        # --start moves the insertion; N kept the background base.
        tool(self.inputs_s2f, "--motif", KLF4, "--start", 120, "-o", self.path("par2.s2f"))
        _, d = self.read("par2.s2f")
        self.assert_close_to_reference(d, *ref.marginalize(self.model, X, KLF4, start=120))

    def test_annotations_with_two_heads_match_reference(self):
        # 3 annotations with a 2-head model: tangermeme mixes these counts up.
        ann = [(0, 100, 120, None), (3, 240, 260, None), (5, 300, 309, "third")]
        with open(self.path("ann.tsv"), "w") as f:
            f.write("example\tstart\tend\tname\n")
            for e, s, t, name in ann:
                f.write(f"{e}\t{s}\t{t}" + (f"\t{name}" if name else "") + "\n")
        tool(self.inputs_s2f, "--annotations", self.path("ann.tsv"), "--random", "-n", 6, "--seed", 4,
             "--save-backgrounds", self.path("ann_bg.s2f"), "--summary", self.path("ann_sum.tsv"),
             "-o", self.path("ann.s2f"))
        s, d = self.read("ann.s2f")
        bgs = ref.read_sequences(self.path("ann_bg.s2f"))
        self.assertEqual(len(bgs), 6)
        self.assertEqual(len(d["motif"]), 3 * 6)
        self.assertEqual(d["motif"], ["0:100-120"] * 6 + ["3:240-260"] * 6 + ["third"] * 6)
        X0 = ref.one_hot(bgs)
        for k, (e, s0, s1, _) in enumerate(ann):
            before, after = ref.marginalize(self.model, X0, self.inputs[e][s0:s1], start=s0)
            self.assertEqual(len(before), 2)
            sel = {name: v[6 * k:6 * (k + 1)] for name, v in d.items() if not isinstance(v, list)}
            self.assert_close_to_reference(sel, before, after)
            self.assertEqual(set(d["inserted"][6 * k:6 * (k + 1)]), {self.inputs[e][s0:s1]})
        rows = read_tsv(self.path("ann_sum.tsv"))
        self.assertEqual(len(rows), 3 * 3)  # annotations x (2 + 1 tracks)
        self.assertEqual(s.meta["marginalize"]["mode"], "annotations")
        # The saved backgrounds given back with --background give the same records.
        tool(self.inputs_s2f, "--annotations", self.path("ann.tsv"), "--background", self.path("ann_bg.s2f"),
             "-o", self.path("ann2.s2f"))
        _, d2 = self.read("ann2.s2f")
        for name, v in d.items():
            if isinstance(v, list):
                self.assertEqual(v, d2[name], name)
            else:
                self.assertTrue(np.array_equal(v, d2[name]), name)

    # -- ablation, backgrounds -----------------------------------------------

    def test_ablate_reports_the_drop(self):
        seqs = [s[:246] + AP1 + s[255:] for s in random_seqs(6, 2)]
        src = self.encode("ap1_inputs", seqs)
        tool(src, "--ablate", "236:266", "-n", 8, "--seed", 6, "--summary", self.path("abl.tsv"),
             "-o", self.path("abl.s2f"))
        _, d = self.read("abl.s2f")
        self.assertEqual(len(d["motif"]), 6 * 8)
        self.assertEqual(list(d["background"]), [i for i in range(6) for _ in range(8)])
        self.assertEqual(list(d["replicate"]), list(range(8)) * 6)
        before, _ = ref.marginalize(self.model, ref.one_hot(seqs), "")
        self.assertLessEqual(np.abs(d["counts.before"][::8, 0, 0] - before[1][:, 0]).max(), 1e-4)
        for i, region in enumerate(d["inserted"]):
            orig = seqs[i // 8][236:266]
            self.assertEqual(dinucleotides(region), dinucleotides(orig))
            self.assertEqual((region[0], region[-1]), (orig[0], orig[-1]))
        after_seqs = [seqs[i // 8][:236] + d["inserted"][i] + seqs[i // 8][266:] for i in range(48)]
        after = ref.predict(self.model, ref.one_hot(after_seqs))
        self.assertLessEqual(np.abs(d["counts.after"][:, 0, 0] - after[1][:, 0]).max(), 1e-4)
        row = [r for r in read_tsv(self.path("abl.tsv")) if r["head"] == "counts"][0]
        self.assertEqual(row["label"], "ablate:236-266")
        self.assertLess(float(row["mean_effect"]), -1.0)  # the AP1 site (+2.0) is gone

    def test_shuffled_backgrounds_keep_dinucleotides(self):
        tool(self.inputs_s2f, "--motif", AP1, "--shuffle", "dinucleotide", "-n", 5, "--seed", 8,
             "--save-backgrounds", self.path("sh_bg.s2f"), "-o", self.path("sh.s2f"))
        bgs = ref.read_sequences(self.path("sh_bg.s2f"))
        self.assertEqual(len(bgs), 8 * 5)
        self.assertEqual(len(set(bgs)), 40)
        for k, b in enumerate(bgs):
            src = self.inputs[k // 5]
            self.assertNotEqual(b, src)
            self.assertEqual(dinucleotides(b), dinucleotides(src))
            self.assertEqual((b[0], b[-1]), (src[0], src[-1]))

    def test_random_backgrounds_have_the_gc_content(self):
        tool("--random", "--gc", 0.6, "-n", 40, "--seed", 9, "--motif", AP1,
             "--save-backgrounds", self.path("gc_bg.s2f"), "-o", self.path("gc.s2f"))
        joined = "".join(ref.read_sequences(self.path("gc_bg.s2f")))
        self.assertEqual(len(joined), 40 * L)
        self.assertAlmostEqual((joined.count("G") + joined.count("C")) / len(joined), 0.6, delta=0.01)

    # -- errors, threads, front command ----------------------------------------

    def test_bad_inputs_fail_naming_the_problem(self):
        with open(self.path("bad_ann.tsv"), "w") as f:
            f.write("0\t10\t20\n9\t10\t20\n")
        cases = [
            (["--random", "-n", 2, "--motif", "A" * 501], "is 501 bp, longer than the 500-bp sequences"),
            (["--random", "-n", 2, "--motif", AP1, "--start", 495], "at start 495 does not fit"),
            (["--random", "-n", 2, "--motif", "ATGXGTCAT"], "'X' at position 4"),
            (["--random", "-n", 2, "--motif", AP1, "--motif", KLF4, "--spacing", "0:300:1"], "would end at"),
            (["--random", "-n", 2, "--motif", AP1, "--spacing", "0:3:1"], "--spacing needs at least two --motif"),
            (["--random", "-n", 2, "-L", 400, "--motif", AP1], "the model takes 500-bp sequences"),
            (["--random", "--motif", AP1], "--random needs -n"),
            (["--random", "-n", 2], "give exactly one of --motif, --annotations or --ablate"),
            ([self.inputs_s2f, "--annotations", self.path("bad_ann.tsv"), "--random", "-n", 2],
             "names example 9 but the input has 8 sequences"),
            ([self.inputs_s2f, "--annotations", self.path("bad_ann.tsv")], "--annotations needs backgrounds"),
            ([self.inputs_s2f, "--ablate", "480:520"], "ends past the 500-bp sequences"),
        ]
        if os.path.exists(MEME):
            cases.append((["--random", "-n", 2, "--motif-file", MEME, "--motif", "MA9999.9"],
                          "no motif named 'MA9999.9' in " + MEME + "; it has MA0139.2 (CTCF), MA1141.2 (FOS::JUND)"))
        for args, message in cases:
            with self.subTest(args=args):
                out = self.path("err.s2f")
                r = tool(*args, "-o", out, check=False)
                self.assertIn(r.returncode, (1, 2), r.stderr)
                self.assertIn(message, r.stderr)
                self.assertTrue(r.stderr.startswith("s2f-marginalize: error: "), r.stderr)
                self.assertFalse(os.path.exists(out))

    def test_func_attribute_equals_s2f_attribute_of_before_and_after(self):
        refs = np.eye(4, dtype=np.float32)[np.random.default_rng(4).integers(0, 4, (3, L))]
        np.save(self.path("refs.npy"), refs)
        tool("--random", "-n", 3, "--seed", 4, "--motif", AP1, "--func", "attribute", "--target", "counts",
             "--reference-file", self.path("refs.npy"), "--save-backgrounds", self.path("mbg.s2f"),
             "--save-after", self.path("mafter.s2f"), "-o", self.path("mattr.s2f"))
        s, d = self.read("mattr.s2f")
        self.assertEqual(s.meta["attribution"]["method"], "deepshap")
        self.assertEqual(d["contrib.before"].shape, (3, L, 4))
        self.assertTrue(np.array_equal(d["contrib.diff"], d["contrib.after"] - d["contrib.before"]))
        for name, field in (("mbg", "contrib.before"), ("mafter", "contrib.after")):
            out = self.path(name + ".contrib.s2f")
            subprocess.run([os.path.join(BIN, "s2f-attribute"), "-q", "--model", "demo", "--target", "counts",
                            "--reference-file", self.path("refs.npy"), self.path(name + ".s2f"), "-o", out],
                           check=True)
            got = s2f_stream.read(out).read_all()["contrib"]
            self.assertTrue(np.array_equal(got, d[field]), field)
        # Projected contributions of the edited sequences: the inserted AP1
        # carries most of the (positive) change of the counts head.
        after = s2f_stream.read(self.path("mafter.s2f")).read_all()["seq"]
        onehot = np.stack([(np.frombuffer(bytes(row), dtype=np.uint8)[:, None] == np.frombuffer(b"ACGT", dtype=np.uint8))
                           for row in after]).astype(np.float32)
        proj = (d["contrib.after"] * onehot).sum(axis=2)
        start = L // 2 - 9 // 2
        inside = proj[:, start:start + 9].sum(axis=1)
        self.assertTrue((inside > 0.5 * np.abs(proj).sum(axis=1) / 4).all(), inside)
        # Shuffled references: before equals s2f-attribute of the saved backgrounds (same seed, same keys).
        tool("--random", "-n", 3, "--seed", 4, "--motif", AP1, "--func", "attribute", "--target", "counts",
             "--references", 5, "-o", self.path("mattr2.s2f"))
        subprocess.run([os.path.join(BIN, "s2f-attribute"), "-q", "--model", "demo", "--target", "counts",
                        "--references", "5", "--seed", "4", self.path("mbg.s2f"), "-o", self.path("mbg2.s2f")],
                       check=True)
        self.assertTrue(np.array_equal(s2f_stream.read(self.path("mbg2.s2f")).read_all()["contrib"],
                                       self.read("mattr2.s2f")[1]["contrib.before"]))
        r = tool("--random", "-n", 3, "--motif", AP1, "--references", 5, "-o", self.path("x.s2f"), check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--func attribute", r.stderr)

    def test_same_bytes_for_any_thread_count(self):
        motifs = ["--motif-file", MEME, "--motif", "MA1141.2", "--motif", "MA0139.2"] if os.path.exists(MEME) \
            else ["--motif", AP1, "--motif", "GCCACCAGGGGGCGC"]
        outs = []
        for t in (1, 2):
            # Same relative output names: the command line (minus -t) is in the provenance.
            d = self.path(f"threads{t}")
            os.makedirs(d, exist_ok=True)
            tool(self.inputs_s2f, "--shuffle", "dinucleotide", "-n", 3, "--seed", 12, "--sample", *motifs,
                 "-b", 5, "-t", t, "--summary", "out.tsv", "-o", "out.s2f", cwd=d)
            with open(os.path.join(d, "out.s2f"), "rb") as f1, open(os.path.join(d, "out.tsv"), "rb") as f2:
                outs.append((f1.read(), f2.read()))
        self.assertGreater(len(outs[0][0]), 100000)
        self.assertTrue(outs[0] == outs[1], "-t 1 and -t 2 outputs differ")
        # --sample really draws per background: the AP1 instances are not all the consensus.
        _, d = self.read(os.path.join("threads1", "out.s2f"))
        self.assertGreater(len(set(d["inserted"][:24])), 1)

    def test_front_command_dispatches(self):
        r = subprocess.run([os.path.join(BIN, "s2f"), "marginalize", "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Example:", r.stdout)
        self.assertIn("--spacing", r.stdout)
        r = subprocess.run([os.path.join(BIN, "s2f")], capture_output=True, text=True)
        line = [l for l in r.stdout.splitlines() if l.strip().startswith("marginalize")][0]
        self.assertNotIn("[not built]", line)


if __name__ == "__main__":
    unittest.main()
