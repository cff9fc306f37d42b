# Motif discovery at peaks, and a marginalisation panel.
#
#   snakemake -s pipelines/motifs.smk --cores 4 [--configfile my.yaml]        # hits and panel
#   snakemake -s pipelines/motifs.smk --cores 4 hits | panel
#
# narrowPeak -> encode (windows on summits) -> contribution scores in `shards`
# slices (--shard K/N): s2f-ism --attr, or s2f-attribute with
# `attribution: deepshap` -> joined (s2f-view --s2f) -> s2f-call-hits with the
# modisco motifs -> OUTDIR/hits/ (hits.tsv, hits_unique.tsv, hits.bed, ...);
# and s2f-marginalize of the motif list in random background sequences ->
# OUTDIR/panel.tsv, OUTDIR/panel.s2f.
# Steps and file names: lib/stages.sh. Config: config/motifs.yaml.
import os

configfile: os.path.join(workflow.basedir, "config", "motifs.yaml")
include: "rules/common.smk"

ENV = cfg_env(config)
OUT = config["outdir"]
N = int(config["shards"])
D = f"{OUT}/shards-{N}"
THREADS = int(config.get("threads") or 1)

wildcard_constraints:
    k = r"\d+"

rule all:
    input: f"{OUT}/hits/parameters.json", f"{OUT}/panel.tsv"

rule hits:
    input: f"{OUT}/hits/parameters.json"

rule panel:
    input: f"{OUT}/panel.tsv"

rule encode:
    input: config["peaks"]
    output: f"{OUT}/windows.s2f"
    threads: THREADS
    shell: stage("motif-encode")

rule ism:
    input: f"{OUT}/windows.s2f"
    output: f"{D}/contrib.{{k}}.s2f"
    threads: THREADS
    shell: stage("motif-ism", "{wildcards.k}", N)

rule join:
    input: expand(f"{D}/contrib.{{k}}.s2f", k=range(1, N + 1))
    output: f"{OUT}/contrib.s2f"
    shell: stage("motif-join", N)

# s2f-call-hits writes parameters.json after its tables.
rule call_hits:
    input: contrib = f"{OUT}/contrib.s2f", modisco = config["modisco"], peaks = config["peaks"]
    output: f"{OUT}/hits/parameters.json"
    threads: THREADS
    shell: stage("motif-hits")

rule marginalize:
    input: config["motif_file"]
    output: tsv = f"{OUT}/panel.tsv", s2f = f"{OUT}/panel.s2f"
    threads: THREADS
    shell: stage("motif-panel")
