#!/usr/bin/python3
"""Checks of the demo model and its planted grammar (pipelines/demo).

  ctest -R demo_model                                   (needs numpy, h5py, torch)
  S2F_DEMO_MODEL_DIR=/tmp/retrained PYTHONPATH=tests/lib:formats/python:pipelines/demo \
      S2F_BIN_DIR=build/bin /usr/bin/python3 tests/demo/test_demo_model.py

* the grammar's targets behave as grammar.json states (single-site effect,
  spacing bonus, strand symmetry);
* make_demo_sequences.py is deterministic and its truth matches its FASTA;
* the shipped model file is a valid s2f model file of at most 2 MB whose
  content hash verifies, and whose weights, loaded back into the bpnet-lite
  BPNet, predict the exact targets of fresh demo sequences;
* when the s2f binaries are built, s2f-predict's counts equal torch's.
"""
import json
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np

from s2f_testing import BIN_DIR, DEMO_DIR as DEMO, PYTHON

# A retrained model can be checked before it replaces the shipped one.
MODEL_DIR = os.environ.get("S2F_DEMO_MODEL_DIR", os.path.join(DEMO, "model"))
MODEL = os.path.join(MODEL_DIR, "demo.s2fm")

import demo_grammar  # pipelines/demo (on PYTHONPATH)
from demo_grammar import Site


def read(path):
    with open(path) as f:
        return f.read()


class GrammarTargets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.g = demo_grammar.Grammar()

    def test_single_site_effect_is_exact(self):
        base = self.g.targets([])[1]
        self.assertAlmostEqual(base, self.g.base_log_counts, places=9)
        for name, m in self.g.motifs.items():
            with self.subTest(motif=name):
                self.assertAlmostEqual(self.g.targets([Site(name, 200, "+")])[1] - base, m.effect, places=9)

    def test_log_counts_add_over_sites(self):
        sites = [Site("AP1", 120, "+"), Site("CTCF", 250, "-"), Site("KLF4", 370, "+")]
        expected = self.g.base_log_counts + sum(self.g.motifs[s.motif].effect for s in sites)
        self.assertAlmostEqual(self.g.targets(sites)[1], expected, places=9)

    def test_scrambled_sites_have_no_effect(self):
        prof, c = self.g.targets([Site("CTCF", 200, "+", "scrambled")])
        self.assertAlmostEqual(c, self.g.base_log_counts, places=9)
        self.assertTrue(np.allclose(prof, 1 / prof.size))

    def test_spacing_bonus_peaks_at_preferred_gap(self):
        pair = self.g.pairs[0]
        a, b = pair["motifs"]
        la = self.g.motifs[a].length

        def total(gap):
            return self.g.targets([Site(a, 200, "-"), Site(b, 200 + la + gap, "+")])[1]
        sweep = {gap: total(gap) for gap in range(0, 41)}
        self.assertEqual(max(sweep, key=sweep.get), pair["preferred_gap_bp"])
        # The reverse-complement arrangement (B on '-', then A) counts too;
        # B on the other strand does not.
        lb = self.g.motifs[b].length
        g0 = pair["preferred_gap_bp"]
        rev = self.g.targets([Site(b, 200, "-"), Site(a, 200 + lb + g0, "+")])[1]
        self.assertAlmostEqual(rev, sweep[g0], places=9)
        wrong = self.g.targets([Site(a, 200, "+"), Site(b, 200 + la + g0, "-")])[1]
        self.assertAlmostEqual(wrong, sweep[30], places=9)
        self.assertGreater(sweep[g0] - sweep[30], 1.0)

    def test_targets_are_strand_symmetric(self):
        # Reverse-complementing the sequence swaps the profile strands and
        # reverses positions; the training augmentation relies on it.
        L = self.g.length
        sites = [Site("AP1", 150, "+"), Site("KLF4", 171, "+"), Site("CTCF", 300, "-")]
        rc = [Site(s.motif, L - s.start - self.g.motifs[s.motif].length, "-" if s.strand == "+" else "+")
              for s in sites]
        p1, c1 = self.g.targets(sites)
        p2, c2 = self.g.targets(rc)
        self.assertAlmostEqual(c1, c2, places=9)
        self.assertTrue(np.allclose(p1, p2[::-1, ::-1], atol=1e-12))


class DemoSequences(unittest.TestCase):
    def run_maker(self, d, seed):
        fa, tsv, npz = (os.path.join(d, f"s{seed}.{e}") for e in ("fa", "tsv", "npz"))
        subprocess.run([PYTHON, os.path.join(DEMO, "make_demo_sequences.py"), "-n", "40", "--seed", str(seed),
                        "-o", fa, "--truth", tsv, "--targets", npz], check=True, capture_output=True)
        return fa, tsv, npz

    def test_deterministic_and_truth_matches_fasta(self):
        g = demo_grammar.Grammar()
        with tempfile.TemporaryDirectory() as d:
            for sub in ("a", "b"):
                os.mkdir(os.path.join(d, sub))
            fa1, tsv1, _ = self.run_maker(os.path.join(d, "a"), 3)
            fa2, tsv2, _ = self.run_maker(os.path.join(d, "b"), 3)
            a = read(fa1), read(tsv1)
            fa3, tsv3, _ = self.run_maker(d, 4)
            self.assertEqual(a, (read(fa2), read(tsv2)))
            self.assertNotEqual(a[0], read(fa3))
            seqs, name = {}, None
            for line in a[0].splitlines():
                if line.startswith(">"):
                    name = line[1:].split()[0]
                    seqs[name] = ""
                else:
                    seqs[name] += line
            self.assertEqual(len(seqs), 40)
            self.assertTrue(all(len(s) == g.length for s in seqs.values()))
            rows = [r.split("\t") for r in a[1].splitlines()[1:]]
            self.assertTrue(any(r[6] == "planted" for r in rows) and any(r[6] == "scrambled" for r in rows))
            for sid, motif, _, start, end, strand, kind, site, _ in rows:
                self.assertEqual(seqs[sid][int(start):int(end)], site)
                self.assertTrue(g.plant_start <= int(start) and int(end) <= g.plant_end)


def load_torch_model():
    """The shipped model file's weights in the bpnet-lite BPNet."""
    import demo_torch
    return demo_torch.load(MODEL, os.path.join(MODEL_DIR, "training_report.json"))


@unittest.skipUnless(os.path.exists(MODEL), "pipelines/demo/model/demo.s2fm not built yet")
class ShippedModel(unittest.TestCase):
    def test_file_is_valid_and_small(self):
        import h5py
        import s2f_model_export
        self.assertLessEqual(os.path.getsize(MODEL), 2 * 1024 * 1024)
        with h5py.File(MODEL, "r") as f:
            self.assertEqual(f.attrs["format"], "s2f-model")
            arch_text = f.attrs["architecture"]
            arch_text = arch_text.decode() if isinstance(arch_text, bytes) else arch_text
            arch = json.loads(arch_text)
            weights = {l["name"]: {k: f["weights"][l["name"]][k][()] for k in l.get("weights", {})}
                       for l in arch["layers"]}
            self.assertEqual(s2f_model_export.content_hash(arch_text, arch["layers"], weights),
                             f.attrs["content_hash"])
        self.assertEqual(arch["input"]["length"], demo_grammar.Grammar().length)
        self.assertEqual([o["name"] for o in arch["outputs"]], ["profile", "counts"])

    def test_predicts_the_planted_targets(self):
        import torch
        model = load_torch_model()
        with tempfile.TemporaryDirectory() as d:
            fa, npz = os.path.join(d, "t.fa"), os.path.join(d, "t.npz")
            subprocess.run([PYTHON, os.path.join(DEMO, "make_demo_sequences.py"), "-n", "60", "--seed", "11",
                            "-o", fa, "--truth", os.path.join(d, "t.tsv"), "--targets", npz],
                           check=True, capture_output=True)
            seqs = [l.strip() for l in read(fa).splitlines() if not l.startswith(">")]
            per = math.ceil(demo_grammar.Grammar().length / 60)
            seqs = ["".join(seqs[i:i + per]) for i in range(0, len(seqs), per)]
            t = np.load(npz)
            x = np.zeros((len(seqs), 4, len(seqs[0])), np.float32)
            for i, s in enumerate(seqs):
                x[i, ["ACGT".index(c) for c in s], np.arange(len(s))] = 1
            with torch.no_grad():
                prof, counts = model(torch.from_numpy(x))
            r = np.corrcoef(counts[:, 0].numpy(), t["log_counts"])[0, 1]
            self.assertGreater(r, 0.9)
            p = torch.softmax(prof.reshape(len(x), -1), 1).numpy()
            q = t["profile"].reshape(len(x), -1)
            informative = q.max(1) > 1.5 / q.shape[1]
            r_prof = [np.corrcoef(a, b)[0, 1] for a, b in zip(p[informative], q[informative])]
            self.assertGreater(np.median(r_prof), 0.8)


def engine_bin_dir():
    """Where s2f-encode and s2f-predict are: $S2F_BIN_DIR, else build/bin."""
    d = BIN_DIR
    ok = all(os.access(os.path.join(d, t), os.X_OK) for t in ("s2f-encode", "s2f-predict", "s2f-view"))
    return d if ok else None


@unittest.skipUnless(os.path.exists(MODEL) and engine_bin_dir(), "demo model or s2f binaries (S2F_BIN_DIR) absent")
class EngineParity(unittest.TestCase):
    def test_engine_counts_match_torch(self):
        import torch
        b = engine_bin_dir()
        with tempfile.TemporaryDirectory() as d:
            fa = os.path.join(d, "p.fa")
            subprocess.run([PYTHON, os.path.join(DEMO, "make_demo_sequences.py"), "-n", "12", "--seed", "2",
                            "-o", fa, "--truth", os.path.join(d, "p.tsv")], check=True, capture_output=True)
            L = demo_grammar.Grammar().length
            enc = subprocess.run([os.path.join(b, "s2f-encode"), "-q", "--fasta-records", fa, "-L", str(L)],
                                 check=True, capture_output=True).stdout
            pred = subprocess.run([os.path.join(b, "s2f-predict"), "-q", "--model", MODEL, "--heads", "counts"],
                                  input=enc, check=True, capture_output=True).stdout
            tsv = subprocess.run([os.path.join(b, "s2f-view"), "-q"], input=pred, check=True,
                                 capture_output=True).stdout.decode().splitlines()
            col = tsv[0].split("\t").index("counts")
            engine = np.array([float(l.split("\t")[col]) for l in tsv[1:]])
            seqs = [l.strip() for l in read(fa).splitlines() if not l.startswith(">")]
            per = math.ceil(L / 60)  # FASTA lines per record
            seqs = ["".join(seqs[i:i + per]) for i in range(0, len(seqs), per)]
            x = np.zeros((len(seqs), 4, L), np.float32)
            for i, s in enumerate(seqs):
                x[i, ["ACGT".index(c) for c in s], np.arange(L)] = 1
            with torch.no_grad():
                ref = load_torch_model()(torch.from_numpy(x))[1][:, 0].numpy()
            self.assertEqual(len(engine), len(seqs))
            self.assertTrue(np.allclose(engine, ref, atol=1e-3), f"engine {engine} vs torch {ref}")


if __name__ == "__main__":
    unittest.main()
