# Background build (chorus's job): per-track CDFs for percentiles.
#
#   snakemake -s pipelines/background.smk --cores 4 [--configfile my.yaml] [--config shards=8]
#
# Two independent halves, which Snakemake runs in parallel as chorus runs
# them on two GPUs:
#   baselines  sample positions -> encode -> predict -> score --emit summary,perbin
#              (one pass writes both values streams; no predictions on disk)
#   variants   sample SNPs -> encode -> predict -> score --emit effect
# each cut into `shards` slices (--shard K/N), one reservoir per slice and
# kind, then s2f-merge-cdfs -> OUTDIR/NAME_pertrack.npz.
# Steps and file names: lib/stages.sh. Config: config/background.yaml.
import os

configfile: os.path.join(workflow.basedir, "config", "background.yaml")
include: "rules/common.smk"

ENV = cfg_env(config)
OUT = config["outdir"]
N = int(config["shards"])
D = f"{OUT}/shards-{N}"
KINDS = ["effect", "summary", "perbin"]
THREADS = int(config.get("threads") or 1)

wildcard_constraints:
    k = r"\d+"

rule all:
    input: f"{OUT}/{config['name']}_pertrack.npz"

rule baselines_values:
    output: f"{D}/summary.{{k}}.values.s2f", f"{D}/perbin.{{k}}.values.s2f"
    threads: THREADS
    shell: stage("bg-baselines", "{wildcards.k}", N)

rule variant_effects:
    output: f"{D}/effect.{{k}}.values.s2f"
    threads: THREADS
    shell: stage("bg-effects", "{wildcards.k}", N)

rule reservoir:
    input: f"{D}/{{any}}.{{k}}.values.s2f"
    output: f"{D}/{{any}}.{{k}}.reservoir.s2f"
    wildcard_constraints: any = "effect|summary|perbin"
    shell: stage("bg-reservoir", "{wildcards.any}", "{wildcards.k}", N)

rule merge_cdfs:
    input: expand(f"{D}/{{kind}}.{{k}}.reservoir.s2f", kind=KINDS, k=range(1, N + 1))
    output: f"{OUT}/{config['name']}_pertrack.npz"
    shell: stage("bg-merge", N)
