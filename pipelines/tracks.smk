# Genome-wide tracks: genome, chromosomes or peaks -> tiled predictions ->
# one bigWig per track (and, with contrib_target, ISM contributions).
#
#   snakemake -s pipelines/tracks.smk --cores 4 [--configfile my.yaml]
#
# s2f-sample-positions --strategy tile in `shards` contiguous genome chunks
# (--shard K/N) -> encode -> predict -> OUTDIR/shards-N/preds.K.s2f; the
# chunks joined by s2f-view --bigwig -> OUTDIR/NAME.<track>.bw (the same
# bytes as one unsharded run), OUTDIR/NAME.skipped.tsv (bases no tile
# covers: chromosome edges) and OUTDIR/NAME.tracks.tsv (track, file; written
# last). Steps and file names: lib/stages.sh. Config: config/tracks.yaml.
import os

configfile: os.path.join(workflow.basedir, "config", "tracks.yaml")
include: "rules/common.smk"

ENV = cfg_env(config)
OUT = config["outdir"]
NAME = config["name"]
N = int(config["shards"])
D = f"{OUT}/shards-{N}"
THREADS = int(config.get("threads") or 1)
CONTRIB = bool(config.get("contrib_target"))

wildcard_constraints:
    k = r"\d+"

rule all:
    input: [f"{OUT}/{NAME}.tracks.tsv"] + ([f"{OUT}/{NAME}.contrib.tracks.tsv"] if CONTRIB else [])

rule predict:
    output: f"{D}/preds.{{k}}.s2f"
    threads: THREADS
    shell: stage("tracks-predict", "{wildcards.k}", N)

rule contrib:
    output: f"{D}/contrib.{{k}}.s2f"
    threads: THREADS
    shell: stage("tracks-contrib", "{wildcards.k}", N)

# The bigWigs appear together; the track list after them.
rule bigwig:
    input: expand(f"{D}/preds.{{k}}.s2f", k=range(1, N + 1))
    output: f"{OUT}/{NAME}.tracks.tsv"
    shell: stage("tracks-bigwig", N)

rule contrib_bigwig:
    input: expand(f"{D}/contrib.{{k}}.s2f", k=range(1, N + 1))
    output: f"{OUT}/{NAME}.contrib.tracks.tsv"
    shell: stage("tracks-contrib-bigwig", N)
