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
# Steps and file names: lib/stages.sh. Config: config/vep.yaml.
import os

configfile: os.path.join(workflow.basedir, "config", "vep.yaml")
include: "rules/common.smk"

ENV = cfg_env(config)
OUT = config["outdir"]
NAME = config["name"]
N = int(config["shards"])
D = f"{OUT}/shards-{N}"
THREADS = int(config.get("threads") or 1)
EXT = ".h5" if config.get("selene_format", "tsv") == "hdf5" else ".tsv"
SAVE = {"diffs": ["_diffs"], "abs_diffs": ["_abs_diffs"], "logits": ["_logits"],
        "predictions": [".ref_predictions", ".alt_predictions"]}
SUFFIXES = [s for item in str(config.get("save") or "diffs,abs_diffs,logits,predictions").split(",") if item
            for s in SAVE[item]]
LABELS = ["_row_labels.txt"] if EXT == ".h5" else []

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
        selene = [f"{D}/{NAME}.{{k}}{s}{EXT}" for s in SUFFIXES] + [f"{D}/{NAME}.{{k}}{s}" for s in LABELS]
    threads: THREADS
    shell: stage("vep-shard", "{wildcards.k}", N)

rule merge:
    input: expand(f"{D}/{NAME}.{{k}}.scores.s2f", k=range(1, N + 1)), na = f"{OUT}/{NAME}.skipped.tsv"
    output:
        scores = f"{OUT}/{NAME}.scores.s2f",
        selene = [f"{OUT}/{NAME}{s}{EXT}" for s in SUFFIXES] + [f"{OUT}/{NAME}{s}" for s in LABELS],
        na = f"{OUT}/{NAME}.NA"
    shell: stage("vep-merge", N)
