# Variant effect prediction (Selene's job) with percentiles.
#
#   snakemake -s pipelines/vep.smk --cores 4 [--configfile my.yaml] [--config shards=8]
#
# VCF -> encode (once: the NA side file names VCF lines) -> `shards` slices
# of whole variants (s2f-view --pairs --shard K/N) -> predict (--rc) ->
# score with percentiles from the background (cdf:, built by
# background.smk) -> joined in shard order: OUTDIR/NAME.scores.s2f,
# Selene-compatible OUTDIR/NAME_diffs.tsv ... (or .h5 + NAME_row_labels.txt)
# and OUTDIR/NAME.NA. The outputs are the same for any shard count.
# Steps and file names: lib/stages.sh; the Selene files' names come from
# s2f-score --selene-files. Config: config/vep.yaml.
import os
import subprocess

from snakemake.exceptions import WorkflowError

configfile: os.path.join(workflow.basedir, "config", "vep.yaml")
include: "rules/common.smk"

ENV = cfg_env(config)
OUT = config["outdir"]
NAME = config["name"]
N = int(config["shards"])
D = f"{OUT}/shards-{N}"
THREADS = int(config.get("threads") or 1)
FORMAT = "--hdf5" if config.get("selene_format", "tsv") == "hdf5" else "--tsv"


def selene_files(prefix):
    """The Selene-compatible files `s2f-score --tsv/--hdf5 PREFIX --save ...`
    writes: s2f-score names them (--selene-files), so they are spelled in one
    place (libcommon score/selene_naming)."""
    cmd = ["s2f-score", "-q", "--selene-files", FORMAT, prefix]
    if config.get("save"):
        cmd += ["--save", str(config["save"])]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        raise WorkflowError("s2f-score is not on PATH (needed to name the Selene files)")
    if r.returncode != 0:
        raise WorkflowError(r.stderr.strip() or "s2f-score --selene-files failed")
    return r.stdout.splitlines()


wildcard_constraints:
    k = r"\d+"

rule all:
    input: f"{OUT}/{NAME}.scores.s2f"

rule encode:
    input: config["vcf"]
    output: seqs = f"{OUT}/{NAME}.seqs.s2f", na = f"{OUT}/{NAME}.skipped.tsv"
    threads: THREADS
    shell: stage("vep-encode")

rule score_shard:
    input: seqs = f"{OUT}/{NAME}.seqs.s2f", cdf = config["cdf"]
    output:
        scores = f"{D}/{NAME}.{{k}}.scores.s2f",
        selene = selene_files(f"{D}/{NAME}.{{k}}")
    threads: THREADS
    shell: stage("vep-shard", "{wildcards.k}", N)

rule merge:
    input: expand(f"{D}/{NAME}.{{k}}.scores.s2f", k=range(1, N + 1)), na = f"{OUT}/{NAME}.skipped.tsv"
    output:
        scores = f"{OUT}/{NAME}.scores.s2f",
        selene = selene_files(f"{OUT}/{NAME}"),
        na = f"{OUT}/{NAME}.NA"
    shell: stage("vep-merge", N)
