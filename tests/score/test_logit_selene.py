"""s2f-score --logit selene against a transcription of Selene's
LogitScoreHandler (selene_sdk.predict.predict_handlers): the float32
prediction arrays get 0 -> 1e-24 and >= 1 -> 0.999999, then scipy's logit
(ln(p / (1 - p)), NaN below 0) of alt minus that of ref. The default rule
(clipped to [1e-6, 1 - 1e-6]) is checked against its own formula, the
issue's case (ref 1e-8 -> alt 1e-7: ln 10 under Selene's rule, 0 clipped)
by value, a prediction below 0 gives NaN with a warning, the Selene logits
TSV carries the same numbers, and an unknown rule is a usage error. Also:
s2f-score copies s2f-encode's --selene-na list to PREFIX.NA."""

import csv
import os
import tempfile

import numpy as np

import s2f_stream
from s2f_testing import WINDOW_IDENTITY_FIELDS, check, finish, run

# (ref, alt) prediction pairs, one per track of a scalar head: the issue's
# case, exact 0 and 1 on either side, above 1, ordinary values, a value
# below 0 (no probability), tiny values on both sides.
PAIRS = [(1e-8, 1e-7), (0.0, 0.5), (0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (1.5, 0.2), (0.3, 0.7),
         (0.999999, 0.9999999), (-0.1, 0.5), (1e-30, 1e-20), (0.0, 1.0)]


def selene_logit_scores(ref, alt):
    """Selene's handle_batch_predictions on float32 arrays, transcribed."""
    baseline = np.array(ref, dtype=np.float32)
    batch = np.array(alt, dtype=np.float32)
    baseline[baseline == 0] = 1e-24
    baseline[baseline >= 1] = 0.999999
    batch[batch == 0] = 1e-24
    batch[batch >= 1] = 0.999999
    with np.errstate(invalid="ignore", divide="ignore"):
        def logit(x):  # scipy.special.logit: log(x / (1 - x)); NaN outside [0, 1]
            x = x.astype(np.float64)
            return np.where((x < 0) | (x > 1), np.nan, np.log(x / (1 - x)))
        return logit(batch) - logit(baseline)


def write_pairs(path, meta_extra=None):
    n = len(PAIRS)
    tracks = [[str(i), f"t{i}", "prob", "."] for i in range(n)]
    schema = WINDOW_IDENTITY_FIELDS + [{"name": "prob", "dtype": "f32", "shape": [n, 1]}]
    meta = {"tracks": {"columns": ["track_index", "track_name", "output_type", "strand"], "rows": tracks},
            "model": {"hash": "sha256:logit"},
            "geometry": {"heads": [{"name": "prob", "output_type": "prob", "kind": "scalar", "bin_size": 1}]}}
    meta.update(meta_extra or {})
    ref = np.array([[p[0]] for p in PAIRS], np.float32)
    alt = np.array([[p[1]] for p in PAIRS], np.float32)
    batch = {"id": ["v1", "v1"], "chrom": ["chr1"] * 2, "pos": np.array([99, 99], np.int64),
             "strand": np.full(2, 43, np.uint8), "start": np.zeros(2, np.int64),
             "allele": np.array([ord("R"), ord("A")], np.uint8), "ref": ["A", "A"], "alt": ["G", "G"],
             "ref_match": np.ones(2, np.uint8), "contains_unk": np.zeros(2, np.uint8),
             "prob": np.stack([ref, alt])}
    s2f_stream.write(path, "tensors", schema, meta, [batch])
    return ref[:, 0], alt[:, 0]


def same(a, b, rtol):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    nan_ok = np.isnan(a) == np.isnan(b)
    close = np.isclose(a, b, rtol=rtol, atol=0) | (np.isnan(a) & np.isnan(b))
    return bool(nan_ok.all() and close.all())


def main():
    tmp = tempfile.mkdtemp(prefix="s2f-logit-test-")
    preds = os.path.join(tmp, "preds.s2f")
    ref, alt = write_pairs(preds)

    out = os.path.join(tmp, "selene.s2f")
    r = run("s2f-score", "--stat", "logit_diff", "--logit", "selene", "--tsv", os.path.join(tmp, "vep"),
            "--save", "logits", "-o", out, preds)
    check(r.returncode == 0, f"--logit selene runs ({r.stderr.strip()[-300:]})")
    got = s2f_stream.read(out).read_all()["logit_diff"][0]
    want = selene_logit_scores(ref, alt)
    check(same(got, want, 1e-6), f"every value equals Selene's LogitScoreHandler (s2f {got.tolist()}, Selene {want.tolist()})")
    check(abs(got[0] - np.log(10)) < 1e-5, f"ref 1e-8 -> alt 1e-7 gives ln 10 ({got[0]})")
    check(np.isfinite(got[[i for i, p in enumerate(PAIRS) if min(p) >= 0]]).all(),
          "no prediction in [0, inf) gives inf or NaN (0 -> 1e-24, >= 1 -> 0.999999)")
    bad = [i for i, p in enumerate(PAIRS) if min(p) < 0]
    check(np.isnan(got[bad]).all() and f"{len(bad)} logit_diff value(s) are NaN" in r.stderr,
          f"a prediction below 0 gives NaN and the run says so ({r.stderr.strip()[-200:]})")
    with open(os.path.join(tmp, "vep_logits.tsv")) as f:
        rows = list(csv.reader(f, delimiter="\t"))
    tsv = np.array([float(x) for x in rows[1][8:]])
    check(same(tsv, got, 1e-6), "the Selene logits TSV holds the same values")

    out = os.path.join(tmp, "clipped.s2f")
    r = run("s2f-score", "--stat", "logit_diff", "-q", "-o", out, preds)
    got = s2f_stream.read(out).read_all()["logit_diff"][0]
    c = lambda x: np.clip(x.astype(np.float64), 1e-6, 1 - 1e-6)
    want = np.log(c(alt) / (1 - c(alt))) - np.log(c(ref) / (1 - c(ref)))
    check(r.returncode == 0 and same(got, want, 1e-6), "the default rule clips to [1e-6, 1 - 1e-6]")
    check(got[0] == 0, "clipped: ref 1e-8 -> alt 1e-7 gives 0 (both below the clip)")

    # Selene's .NA list (s2f-encode --selene-na) becomes PREFIX.NA, the side
    # file with the reasons PREFIX.NA.skipped.tsv beside it.
    na, skipped = os.path.join(tmp, "v.NA"), os.path.join(tmp, "v.skipped.tsv")
    with open(na, "w") as f:
        f.write("chr22\t5\trs1\tA\tG,T\t+\n")
    with open(skipped, "w") as f:
        f.write("record\twhere\treason\nrs1\tv.vcf:3\twindow runs off the chromosome\n")
    with_na = os.path.join(tmp, "with_na.s2f")
    write_pairs(with_na, {"na_file": skipped, "selene_na_file": na})
    r = run("s2f-score", "--stat", "diff", "-q", "--tsv", os.path.join(tmp, "nav"), "--save", "diffs",
            "-o", os.path.join(tmp, "nav.s2f"), with_na)
    check(r.returncode == 0 and open(os.path.join(tmp, "nav.NA")).read() == open(na).read()
          and open(os.path.join(tmp, "nav.NA.skipped.tsv")).read() == open(skipped).read(),
          "PREFIX.NA holds Selene's .NA lines, PREFIX.NA.skipped.tsv the reasons")

    r = run("s2f-score", "--stat", "logit_diff", "--logit", "scipy", "-o", os.path.join(tmp, "x.s2f"), preds)
    check(r.returncode == 2 and "choose clipped (default) or selene" in r.stderr,
          f"an unknown --logit rule is a usage error ({r.stderr.strip()[-200:]})")
    finish()


if __name__ == "__main__":
    main()
