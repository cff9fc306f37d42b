#!/usr/bin/env bash
# The README's main job, on bundled data only: a synthetic genome (made by a
# deterministic script), the bundled demo model (pipelines/demo/model/, trained
# on a planted motif grammar), and the s2f stages composed with pipes.
#
#   pipelines/demo.sh [OUTDIR]        (./dev.sh demo builds first, then runs this)
#
# 1. a small genome-wide background: baseline positions and random SNPs ->
#    encode -> predict -> score --emit -> reservoir -> merge-cdfs (NAME_pertrack.npz)
# 2. a VCF scored against that background: effects with percentiles, as a
#    stream and as Selene-compatible TSV files
# 3. motifs: demo sequences with planted motif instances -> fast ISM
#    contribution scores (s2f-ism --attr) -> s2f-call-hits with the demo
#    motif file -> hits compared with the planted truth; and a Selene-style
#    ISM of one sequence
# 4. a marginalization panel: each planted motif's consensus and a scrambled
#    AP-1 inserted into random backgrounds, and an AP-1 -> KLF4 spacing sweep
set -euo pipefail
OUT=${1:-demo-out}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${S2F_PYTHON:-/usr/bin/python3}  # Debian's, with python3-numpy
L=500                # the demo model's input length
WINDOW=101           # bp around the centre scored by log2fc
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
t0=$SECONDS
say() { printf '\n== %s\n' "$*" >&2; }
# Reads all its input (unlike head), so pipefail never sees a SIGPIPE.
first_lines() { awk -v n="$1" 'NR <= n'; }

say "genome: 3 chromosomes + chrM with genes, cCREs, peaks and test variants"
"$PY" "$ROOT/tests/genome/make_synthetic_genome.py" genome >/dev/null
G=genome/genome.fa

say "background, baselines: 400 random positions -> encode -> predict (--rc mean) -> summary/perbin values"
s2f-sample-positions -q -g $G --strategy random --count 400 --margin $L --seed 789 \
  | s2f-encode -q -g $G -L $L --na baselines.skipped.tsv \
  | s2f-predict -q --model demo --rc mean -t 2 \
  | s2f-score -q --stat log2fc --window $WINDOW --emit summary,perbin -o '{kind}.values.s2f'

say "background, variants: 300 random SNPs -> encode -> predict -> effect values"
s2f-sample-positions -q -g $G --strategy snps --chromosomes chr1,chr2,chr3 --count 300 --margin $L --seed 42 \
  | s2f-encode -q -g $G -L $L --na snps.skipped.tsv \
  | s2f-predict -q --model demo --rc mean -t 2 \
  | s2f-score -q --stat log2fc --window $WINDOW --emit effect -o effect.values.s2f

say "reservoirs (Algorithm R) and the merged per-track CDFs"
for kind in effect summary perbin; do
  s2f-reservoir -q --capacity 50000 -o $kind.reservoir.s2f $kind.values.s2f
done
s2f-merge-cdfs -q --name demo --out-dir . effect.reservoir.s2f summary.reservoir.s2f perbin.reservoir.s2f

say "scoring the VCF with percentiles (Selene-compatible TSVs in vep_*)"
s2f-encode -q -g $G -L $L --vcf genome/variants.vcf --na vep.skipped.tsv \
  | s2f-predict -q --model demo --rc mean -t 2 \
  | s2f-score -q --stat log2fc,diff --window $WINDOW --cdf demo_pertrack.npz --tsv vep -o vep.scores.s2f

say "motifs: 12 demo sequences with planted instances -> ISM contributions (fast ISM) -> call-hits"
M="$ROOT/pipelines/demo/model"
"$PY" "$ROOT/pipelines/demo/make_demo_sequences.py" -n 12 --seed 7 -o motifs.fa --truth motifs.truth.tsv 2>/dev/null
s2f-encode -q -L $L --fasta-records motifs.fa -o motifs.windows.s2f
s2f-ism -q --model demo --attr --target counts -t 2 -o motifs.contrib.s2f motifs.windows.s2f
s2f-call-hits -q -r motifs.contrib.s2f -m "$M/demo_modisco.h5" -N "$M/demo_motif_names.tsv" -o hits -t 2 2>/dev/null
"$PY" "$ROOT/pipelines/demo/compare_hits.py" hits/hits.tsv motifs.truth.tsv > hits.vs.truth.txt
say "motifs: the same with DeepSHAP contributions (s2f-attribute, 20 dinucleotide-shuffled references)"
s2f-attribute -q --model demo --target counts -t 2 --modisco motifs.deepshap -o motifs.deepshap.s2f motifs.windows.s2f
s2f-call-hits -q -r motifs.deepshap.s2f -m "$M/demo_modisco.h5" -N "$M/demo_motif_names.tsv" -o hits_deepshap -t 2 \
  2>/dev/null
"$PY" "$ROOT/pipelines/demo/compare_hits.py" hits_deepshap/hits.tsv motifs.truth.tsv > hits_deepshap.vs.truth.txt
# Selene-style ISM of the first sequence (--shard 1/12): every substitution of its central 300 bp.
mkdir -p ism
s2f-ism -q --model demo --shard 1/12 --start 100 --end 400 --heads counts --save predictions,diffs --tsv ism/ \
  -o ism/ism.s2f motifs.windows.s2f

say "marginalize: motif consensuses into 64 random backgrounds (GC 0.41); AP-1 -> KLF4 spacing sweep"
s2f-marginalize -q --model demo --random --gc 0.41 -n 64 --seed 5 -t 2 \
  --motif ATGAGTCAT --motif GCCACCAGGGGGCGC --motif CCCCACCC --motif GATTACGAT \
  --summary marginalize.summary.tsv -o marginalize.s2f
s2f-marginalize -q --model demo --random --gc 0.41 -n 64 --seed 5 -t 2 --heads counts \
  --motif ATGAGTCAT --motif CCCCACCC --spacing 0:30:1 --summary spacing.summary.tsv -o spacing.s2f

say "summary"
n_skipped=$( (grep -vc '^#' vep.skipped.tsv || true) )
echo "variants scored: $(s2f-view -q --no-header-line vep.scores.s2f | wc -l)   not scorable (see vep.skipped.tsv): $n_skipped"
echo "top variants by |log2fc| over the profile (+, -) and counts tracks, with effect percentiles:"
s2f-view -q vep.scores.s2f \
  | awk -F'\t' 'NR==1{for(i=1;i<=NF;i++)c[$i]=i; next}
      {n=split($c["log2fc"],e,","); m=0; for(k=1;k<=n;k++){v=e[k]<0?-e[k]:e[k]; if(v>m)m=v}
       printf "%.6f\t%s\t%s:%d\t%s>%s\tmax|log2fc| %.3f\tpercentiles %s\n", m, $c["id"], $c["chrom"], $c["pos"]+1, $c["ref"], $c["alt"], m, $c["effect_pct"]}' \
  | sort -g -r -k1,1 | cut -f2- | first_lines 5
echo
echo "ISM contributions:"
cat hits.vs.truth.txt
echo "DeepSHAP contributions:"
cat hits_deepshap.vs.truth.txt
first=$(awk -F'\t' 'NR==2{print $1}' motifs.truth.tsv)
# Planted sites of the first sequence, then its ISM diffs annotated with them.
sites_then_diffs() {
  awk -F'\t' -v s="$first" -v mode="$1" '
    FNR == NR { if ($1 == s && $7 == "planted") { n++; lo[n] = $4; hi[n] = $5; nm[n] = $2 } next }
    FNR > 1 {
      v = $4 < 0 ? -$4 : $4; where = "outside the planted sites"; inside = 0
      for (i = 1; i <= n; i++) if ($1 >= lo[i] && $1 < hi[i]) { where = "in planted " nm[i] " [" lo[i] ", " hi[i] ")"; inside = 1 }
      if (mode == "top") printf "%.5f\t  position %s %s>%s  diff %+.3f  %s\n", v, $1, $2, $3, $4, where
      if (inside) { si += v; ni++ } else { so += v; no++ }
    }
    END { if (mode == "mean") printf "  mean |diff| %.3f in the planted sites, %.3f elsewhere\n", si / ni, so / no }
  ' motifs.truth.tsv "ism/${first}_diffs.tsv"
}
echo "ISM of $first (every substitution of its central 300 bp, ism/${first}_diffs.tsv): effects on log counts"
sites_then_diffs top | sort -g -r -k1,1 | cut -f2- | first_lines 3
sites_then_diffs mean
echo "marginalization on log counts (mean +- sd over 64 random backgrounds; planted: AP-1 +2.0, CTCF +1.5, KLF4 +1.0):"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["head"] == "counts" {
    name = $c["label"] == "ATGAGTCAT" ? "AP-1" : $c["label"] == "CCCCACCC" ? "KLF4" : \
           $c["label"] == "GATTACGAT" ? "AP-1 scrambled" : "CTCF"
    printf "  %-16s %-16s %+.2f +- %.2f\n", name, $c["label"], $c["mean_effect"], $c["sd_effect"] }' marginalize.summary.tsv
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { if (!seen || $c["mean_effect"] > best) { best = $c["mean_effect"]; gap = $c["spacing"]; seen = 1 } }
  END { printf "  AP-1 -> KLF4 spacing sweep (gaps 0..30): largest effect %+.2f at a gap of %d bp (planted: 12)\n", best, gap }' \
  spacing.summary.tsv
echo
echo "files in $OUT:"
echo "  demo_pertrack.npz            per-track effect/summary/perbin CDFs (chorus layout)"
echo "  vep.scores.s2f               scores + percentiles (s2f-view vep.scores.s2f)"
echo "  vep_diffs.tsv, vep.*_predictions.tsv, vep_row_labels   Selene-compatible outputs"
echo "  vep.skipped.tsv                   variants that could not be encoded, with reasons"
echo "  motifs.contrib.s2f           ISM contribution scores (hypothetical, L x 4) of motifs.fa"
echo "  motifs.deepshap.s2f          DeepSHAP contribution scores of motifs.fa (+ .ohe.npz/.shap.npz for tfmodisco-lite)"
echo "  hits/                        Fi-NeMo-style hits.tsv, hits.bed, peaks_qc.tsv, motif_data.tsv"
echo "  hits_deepshap/                the same hit tables from the DeepSHAP contributions"
echo "  ism/                         Selene-compatible ISM TSVs of the first sequence"
echo "  marginalize.summary.tsv      motif effects per head and track (marginalize.s2f: every background)"
echo "  spacing.summary.tsv          AP-1 -> KLF4 effect by gap"
echo "demo finished in $((SECONDS - t0)) s"
