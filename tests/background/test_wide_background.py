"""The background build of a 5,313-track x 896-bin model (Enformer's shape,
an --exec stand-in: tests/background/wide_standin.py) with one prediction
pass per half and no predictions file:
  - s2f-score --emit effect,summary,perbin on the SNPs' ref/alt stream and
    --emit summary,perbin on the baselines' stream, straight from the pipe;
  - the merged CDFs equal, array for array, those of the one-kind-per-run
    path (predictions stored in a file, then one s2f-score run per kind);
  - peak RSS of every stage (/usr/bin/time -v) at two record counts: the
    streaming stages do not grow with the record count (each holds a frame,
    and one record here is 19 MB). The numbers go to stderr for
    pipelines/SCALING.md.
Skips (77) without /usr/bin/time."""

import json
import os
import re
import subprocess
import sys

import numpy as np

from s2f_testing import PYTHON, SKIP, check, env_with_bin, finish, source_path, temp_dir

L = 1000  # window (bp); the stand-in pools any length into 896 bins
TRACKS = 5313
STANDIN = source_path("tests", "background", "wide_standin.py")


def rss_pipe(stages, workdir, tag):
    """Runs `stages` (argument lists) as one pipe, each under /usr/bin/time -v;
    returns {stage name: peak RSS in MB}."""
    parts = []
    for i, argv in enumerate(stages):
        parts.append(f"/usr/bin/time -v -o {tag}.{i}.time " + " ".join(f"'{a}'" for a in argv))
    r = subprocess.run(["bash", "-o", "pipefail", "-c", " | ".join(parts)], cwd=workdir, env=env_with_bin(),
                       capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise AssertionError(f"{tag}: pipe failed:\n{r.stderr[-2000:]}")
    peaks = {}
    for i, argv in enumerate(stages):
        text = open(os.path.join(workdir, f"{tag}.{i}.time")).read()
        kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
        name = os.path.basename(argv[0]) if argv[0] != PYTHON else "stand-in (python)"
        if argv[0] == "s2f-score":
            name += " --emit " + argv[argv.index("--emit") + 1]
        peaks[name] = kb / 1024.0
    return peaks


def main():
    if not os.access("/usr/bin/time", os.X_OK):
        print("SKIP: /usr/bin/time is not installed", file=sys.stderr)
        sys.exit(SKIP)
    with temp_dir(prefix="s2f-wide-") as tmp:
        subprocess.run([PYTHON, source_path("tests", "genome", "make_synthetic_genome.py"), os.path.join(tmp, "g")],
                       check=True, capture_output=True)
        with open(os.path.join(tmp, "wide.tracks.tsv"), "w") as f:
            f.write("track_index\ttrack_name\toutput_type\n")
            for t in range(TRACKS):
                f.write(f"{t}\ttrack{t}\tprofile\n")
        genome = "g/genome.fa"
        exec_cmd = f"{PYTHON} {STANDIN} wide.tracks.tsv"
        score = ["s2f-score", "-q", "--stat", "log2fc", "--window", "1280", "--seed", "999"]
        predict = ["s2f-predict", "-q", "--exec", exec_cmd, "-b", "2"]

        def snps(n):
            return ["s2f-sample-positions", "-q", "-g", genome, "--strategy", "snps", "--chromosomes", "chr1,chr2",
                    "--count", str(n), "--margin", str(L), "--seed", "42"]

        def positions(n):
            return ["s2f-sample-positions", "-q", "-g", genome, "--strategy", "random", "--count", str(n),
                    "--margin", str(L), "--seed", "789"]

        encode = ["s2f-encode", "-q", "-g", genome, "-L", str(L)]
        table = {}
        for n in (4, 16):
            table[("variants", n)] = rss_pipe(
                [snps(n), encode, predict, score + ["--emit", "effect,summary,perbin", "-o", f"v{n}.{{kind}}.s2f"]],
                tmp, f"v{n}")
            table[("baselines", n)] = rss_pipe(
                [positions(2 * n), encode, predict, score + ["--emit", "summary,perbin", "-o", f"b{n}.{{kind}}.s2f"]],
                tmp, f"b{n}")
        for (half, n), peaks in sorted(table.items()):
            print(f"-- peak RSS, {half}, {2 * n} records of {TRACKS} x 896: " +
                  ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()), file=sys.stderr)
        for half in ("variants", "baselines"):
            small, large = table[(half, 4)], table[(half, 16)]
            for stage in small:
                if not stage.startswith("s2f-"):
                    continue
                # 4x the records: a stage that held them all would grow by
                # at least 24 x 19 MB; allow noise of 10 % + 16 MB.
                check(large[stage] <= small[stage] * 1.1 + 16,
                      f"{half}: {stage} peak RSS {small[stage]:.0f} -> {large[stage]:.0f} MB for 4x the records")
            s = next(k for k in small if k.startswith("s2f-score"))
            check(large[s] < 400, f"{half}: {s} stays below 400 MB with 19-MB records ({large[s]:.0f} MB)")

        # The one-kind-per-run path: predictions in a file, one run per kind.
        subprocess.run(["bash", "-o", "pipefail", "-c",
                        " | ".join(" ".join(f"'{a}'" for a in argv) for argv in (snps(4), encode, predict))
                        + " > preds.s2f"], cwd=tmp, env=env_with_bin(), check=True)
        for kind in ("effect", "summary", "perbin"):
            subprocess.run(score + ["--emit", kind, "-o", f"k.{kind}.s2f", "preds.s2f"], cwd=tmp, env=env_with_bin(),
                           check=True)

        def merge(prefix, name):
            res, peaks = [], {}
            for kind in ("effect", "summary", "perbin"):
                out = f"{prefix}.{kind}.res.s2f"
                got = rss_pipe([["s2f-reservoir", "-q", "-o", out, f"{prefix}.{kind}.s2f"]], tmp, f"r{prefix}{kind}")
                peaks[f"s2f-reservoir {kind}"] = got["s2f-reservoir"]
                res.append(out)
            peaks.update(rss_pipe([["s2f-merge-cdfs", "-q", "--name", name] + res], tmp, f"m{prefix}"))
            print(f"-- peak RSS, {prefix} reservoirs and merge of {TRACKS} tracks: " +
                  ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()), file=sys.stderr)
            return dict(np.load(os.path.join(tmp, f"{name}_pertrack.npz")))

        one_pass, per_kind = merge("v4", "onepass"), merge("k", "perkind")
        same = sorted(one_pass) == sorted(per_kind)
        for key in sorted(one_pass):
            if key == "build_config":
                continue
            a, b = one_pass[key], per_kind[key]
            same &= np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        check(same, "one pass and one run per kind give identical archives (every array but build_config)")
        check(one_pass["perbin_cdfs"].shape == (TRACKS, 10000) and (one_pass["perbin_counts"] == 4 * 32).all()
              and (one_pass["effect_counts"] == 4).all() and (one_pass["summary_counts"] == 4).all(),
              "archive: 5,313 tracks; per track 4 effects, 4 ref summaries, 4 x 32 per-bin values")
        geometry = json.loads(str(one_pass["build_config"]))["kinds"]["perbin"]["geometry"]
        check(geometry.get("perbin_k") == 32, "perbin geometry records k")
    finish()


if __name__ == "__main__":
    main()
