#!/usr/bin/env bash
# The steps of the four workflows, one function each: the one place where
# their s2f command lines and file names are written. Snakemake rules
# (pipelines/*.smk) run `bash stages.sh VERB ARGS`; the SLURM scripts
# (pipelines/slurm/) source this file and call the same functions, so a
# cluster run and a local run execute the same commands on the same paths.
# Makefile.example spells the same commands out for readers of make.
#
#   stages.sh [-c CONFIG.yaml] VERB ARGS...
#
# Settings come from CFG_* variables (pipelines/lib/config.sh; key `genome`
# is CFG_GENOME), loaded from -c CONFIG when given; variables already set in
# the environment win. Shards are 1-based: K of N, as --shard K/N.
#
# Every s2f stage writes -o outputs atomically (temporary name, renamed when
# complete), so a step killed midway leaves no complete-looking file and a
# rerun of the workflow redoes only the steps whose outputs are missing.
set -euo pipefail

S2F_PIPELINES=${S2F_PIPELINES:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=config.sh
source "$S2F_PIPELINES/lib/config.sh"
S2F_PYTHON=${S2F_PYTHON:-/usr/bin/python3}

s2f_fail() { echo "s2f pipelines: error: $*" >&2; exit 2; }
s2f_need() { for v in "$@"; do [ -n "${!v:-}" ] || s2f_fail "$v is not set (config key ${v#CFG_}, lower case)"; done; }
s2f_shard_arg() {  # K N: check and print K/N
  [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ && $1 -ge 1 && $1 -le $2 ]] || s2f_fail "shard '$1/$2' is not K/N with 1 <= K <= N"
  echo "$1/$2"
}
s2f_predict_opts() {  # the model options shared by every s2f-predict call
  PREDICT_OPTS=(--model "$CFG_MODEL" --rc "${CFG_RC:-mean}" -t "${CFG_THREADS:-1}")
  [ -z "${CFG_CATALOG:-}" ] || PREDICT_OPTS+=(--catalog "$CFG_CATALOG")
  [ -z "${CFG_N_VALUE:-}" ] || PREDICT_OPTS+=(--n-value "$CFG_N_VALUE")
  local spec  # space-separated HEAD:P-M,... entries, one per head
  for spec in ${CFG_STRAND_PAIRS:-}; do PREDICT_OPTS+=(--strand-pairs "$spec"); done
}

# ---- 1. background build (chorus's per-track CDFs) --------------------------
# OUT/shards-N/{summary,perbin,effect}.K.* then OUT/NAME_pertrack.npz

bg_dir() { echo "$CFG_OUTDIR/shards-$1"; }

# Baseline positions, shard K of N -> summary and perbin values in one pass:
# the predictions stream through s2f-score and never touch the disk.
bg_baselines() {  # K N
  s2f_need CFG_OUTDIR CFG_GENOME CFG_MODEL CFG_LENGTH CFG_BASELINES_STRATEGY CFG_BASELINES_SEED CFG_STAT CFG_WINDOW
  local shard d extra=()
  shard=$(s2f_shard_arg "$1" "$2"); d=$(bg_dir "$2"); mkdir -p "$d"
  [ -z "${CFG_BASELINES_COUNT:-}" ] || extra+=(--count "$CFG_BASELINES_COUNT")
  [ -z "${CFG_BASELINES_MARGIN:-}" ] || extra+=(--margin "$CFG_BASELINES_MARGIN")
  [ -z "${CFG_ANNOTATION:-}" ] || extra+=(--annotation "$CFG_ANNOTATION")
  [ -z "${CFG_CCRES:-}" ] || extra+=(--ccres "$CFG_CCRES")
  # chorus's routing of CAGE summaries and RNA per-bin draws (off when empty)
  local routing=()
  [ -z "${CFG_SUMMARY_SKIP:-}" ] || routing+=(--summary-skip "$CFG_SUMMARY_SKIP")
  [ -z "${CFG_SUMMARY_SKIP_TRACKS:-}" ] || routing+=(--summary-skip-tracks "$CFG_SUMMARY_SKIP_TRACKS")
  [ -z "${CFG_EXONS:-}" ] || routing+=(--exons "$CFG_EXONS")
  [ -z "${CFG_EXON_TRACKS:-}" ] || routing+=(--exon-tracks "$CFG_EXON_TRACKS")
  s2f_predict_opts
  s2f-sample-positions -q -g "$CFG_GENOME" --strategy "$CFG_BASELINES_STRATEGY" "${extra[@]}" \
      --seed "$CFG_BASELINES_SEED" --shard "$shard" --na "$d/baselines.$1.positions.skipped.tsv" \
    | s2f-encode -q -g "$CFG_GENOME" -L "$CFG_LENGTH" --na "$d/baselines.$1.skipped.tsv" \
    | s2f-predict -q "${PREDICT_OPTS[@]}" \
    | s2f-score -q --stat "$CFG_STAT" --window "$CFG_WINDOW" --emit summary,perbin \
        --perbin-k "${CFG_PERBIN_K:-32}" --seed "${CFG_PERBIN_SEED:-999}" "${routing[@]}" -o "$d/{kind}.$1.values.s2f"
}

# Random SNPs, shard K of N -> effect values (one pipe, nothing large on disk).
bg_effects() {  # K N
  s2f_need CFG_OUTDIR CFG_GENOME CFG_MODEL CFG_LENGTH CFG_STAT CFG_WINDOW CFG_SNPS_SEED
  local shard d extra=()
  shard=$(s2f_shard_arg "$1" "$2"); d=$(bg_dir "$2"); mkdir -p "$d"
  [ -z "${CFG_SNPS_COUNT:-}" ] || extra+=(--count "$CFG_SNPS_COUNT")
  [ -z "${CFG_SNPS_MARGIN:-}" ] || extra+=(--margin "$CFG_SNPS_MARGIN")
  [ -z "${CFG_SNPS_CHROMOSOMES:-}" ] || extra+=(--chromosomes "$CFG_SNPS_CHROMOSOMES")
  s2f_predict_opts
  s2f-sample-positions -q -g "$CFG_GENOME" --strategy snps "${extra[@]}" --seed "$CFG_SNPS_SEED" \
      --shard "$shard" --na "$d/snps.$1.positions.skipped.tsv" \
    | s2f-encode -q -g "$CFG_GENOME" -L "$CFG_LENGTH" --na "$d/snps.$1.skipped.tsv" \
    | s2f-predict -q "${PREDICT_OPTS[@]}" \
    | s2f-score -q --stat "$CFG_STAT" --window "$CFG_WINDOW" --emit effect -o "$d/effect.$1.values.s2f"
}

# Reservoir of one kind's shard K. Shards are sampled with distinct seeds
# (reservoir_seed + K - 1) so their samples are independent, as the merge
# requires (background/reservoir_merge.hpp); one shard keeps chorus's 12345.
bg_reservoir() {  # KIND K N
  s2f_need CFG_OUTDIR
  local d; d=$(bg_dir "$3")
  s2f_shard_arg "$2" "$3" >/dev/null
  s2f-reservoir -q --capacity "${CFG_RESERVOIR_CAPACITY:-50000}" --seed $(( ${CFG_RESERVOIR_SEED:-12345} + $2 - 1 )) \
    -o "$d/$1.$2.reservoir.s2f" "$d/$1.$2.values.s2f"
}

# Everything one shard of the baselines half does (a SLURM array task).
bg_baselines_shard() {  # K N
  local d; d=$(bg_dir "$2")
  [ -s "$d/summary.$1.reservoir.s2f" ] && [ -s "$d/perbin.$1.reservoir.s2f" ] && return 0  # done before
  bg_baselines "$1" "$2"
  bg_reservoir summary "$1" "$2"
  bg_reservoir perbin "$1" "$2"
}

# Everything one shard of the variants half does (a SLURM array task).
bg_variants_shard() {  # K N
  local d; d=$(bg_dir "$2")
  [ -s "$d/effect.$1.reservoir.s2f" ] && return 0
  bg_effects "$1" "$2"
  bg_reservoir effect "$1" "$2"
}

bg_merge() {  # N
  s2f_need CFG_OUTDIR CFG_NAME
  local d k kind inputs=(); d=$(bg_dir "$1")
  for kind in effect summary perbin; do
    for ((k = 1; k <= $1; k++)); do inputs+=("$d/$kind.$k.reservoir.s2f"); done
  done
  s2f-merge-cdfs -q --name "$CFG_NAME" --out-dir "$CFG_OUTDIR" --seed "${CFG_MERGE_SEED:-12345}" "${inputs[@]}"
}

# ---- 2. variant effect prediction (Selene's job) ----------------------------
# OUT/NAME.seqs.s2f (+ OUT/NAME.skipped.tsv), OUT/shards-N/NAME.K.*, then
# OUT/NAME.scores.s2f, OUT/NAME_diffs.tsv ... (or .h5 + NAME_row_labels.txt), OUT/NAME.NA

# The whole VCF encoded once: the side file of variants that cannot be
# encoded names each one's VCF line, whatever the shard count.
vep_encode() {
  s2f_need CFG_OUTDIR CFG_NAME CFG_GENOME CFG_VCF CFG_LENGTH
  mkdir -p "$CFG_OUTDIR"
  s2f-encode -q -g "$CFG_GENOME" -L "$CFG_LENGTH" --vcf "$CFG_VCF" --na "$CFG_OUTDIR/$CFG_NAME.skipped.tsv" \
    --windows "${CFG_WINDOWS:-s2f}" -t "${CFG_THREADS:-1}" -o "$CFG_OUTDIR/$CFG_NAME.seqs.s2f"
  # The side file exists only when something was skipped; the workflow
  # promises it always (an empty table says "nothing skipped").
  [ -e "$CFG_OUTDIR/$CFG_NAME.skipped.tsv" ] || printf '#record\twhere\treason\n' > "$CFG_OUTDIR/$CFG_NAME.skipped.tsv"
}

vep_format_opt() {
  case ${CFG_SELENE_FORMAT:-tsv} in
    tsv) echo --tsv ;; hdf5) echo --hdf5 ;;
    *) s2f_fail "selene_format must be tsv or hdf5, not '${CFG_SELENE_FORMAT}'" ;;
  esac
}
vep_save_opts() {  # Selene's save items; none = s2f-score's default (all)
  SAVE_OPTS=()
  [ -z "${CFG_SAVE:-}" ] || SAVE_OPTS=(--save "$CFG_SAVE")
}

# Shard K of N: a slice of whole variants (ref and alt windows together) ->
# predict -> scores with percentiles + Selene files for the slice.
vep_shard() {  # K N
  s2f_need CFG_OUTDIR CFG_NAME CFG_MODEL CFG_STATS CFG_WINDOW CFG_CDF
  local shard d fmt; shard=$(s2f_shard_arg "$1" "$2"); d="$CFG_OUTDIR/shards-$2"; mkdir -p "$d"
  fmt=$(vep_format_opt)
  vep_save_opts
  s2f_predict_opts
  s2f-view -q --s2f --pairs --shard "$shard" "$CFG_OUTDIR/$CFG_NAME.seqs.s2f" \
    | s2f-predict -q "${PREDICT_OPTS[@]}" \
    | s2f-score -q --stat "$CFG_STATS" --window "$CFG_WINDOW" --cdf "$CFG_CDF" --logit "${CFG_LOGIT:-clipped}" \
        "$fmt" "$d/$CFG_NAME.$1" "${SAVE_OPTS[@]}" -o "$d/$CFG_NAME.$1.scores.s2f"
}

# True when shard K of N has all its outputs (a resubmitted array skips it).
# The Selene files' names come from s2f-score, which writes them.
vep_shard_done() {  # K N
  local p f fmt list files=()
  p="$CFG_OUTDIR/shards-$2/$CFG_NAME.$1"
  fmt=$(vep_format_opt)
  vep_save_opts
  list=$(s2f-score -q --selene-files "$fmt" "$p" "${SAVE_OPTS[@]}") || s2f_fail "s2f-score could not name the Selene files of $p"
  mapfile -t files <<< "$list"
  files+=("$p.scores.s2f")
  for f in "${files[@]}"; do [ -e "$f" ] || return 1; done
}

# Joins the shards in order: the scores stream with s2f-view --s2f, the
# Selene files by rows (lib/merge_selene.py), and the side file.
vep_merge() {  # N
  s2f_need CFG_OUTDIR CFG_NAME
  local d k scores=() prefixes=(); d="$CFG_OUTDIR/shards-$1"
  for ((k = 1; k <= $1; k++)); do scores+=("$d/$CFG_NAME.$k.scores.s2f"); prefixes+=("$d/$CFG_NAME.$k"); done
  vep_save_opts
  "$S2F_PYTHON" "$S2F_PIPELINES/lib/merge_selene.py" --format "${CFG_SELENE_FORMAT:-tsv}" \
    "${SAVE_OPTS[@]}" --na "$CFG_OUTDIR/$CFG_NAME.skipped.tsv" -o "$CFG_OUTDIR/$CFG_NAME" "${prefixes[@]}"
  # Last, so its presence says the whole merge is done.
  s2f-view -q --s2f -o "$CFG_OUTDIR/$CFG_NAME.scores.s2f" "${scores[@]}"
}

# ---- 3. motif discovery at peaks --------------------------------------------
# OUT/windows.s2f, OUT/shards-N/contrib.K.s2f, OUT/contrib.s2f, OUT/hits/, OUT/panel.{s2f,tsv}

motif_encode() {
  s2f_need CFG_OUTDIR CFG_GENOME CFG_PEAKS CFG_LENGTH
  mkdir -p "$CFG_OUTDIR"
  s2f-encode -q -g "$CFG_GENOME" -L "$CFG_LENGTH" --narrowpeak "$CFG_PEAKS" --na "$CFG_OUTDIR/windows.skipped.tsv" \
    -t "${CFG_THREADS:-1}" -o "$CFG_OUTDIR/windows.s2f"
}

# ISM attributions (contribution scores) of windows shard K of N.
# Contribution scores of one shard: `attribution: ism` (fast ISM over
# [ism_start, ism_end)) or `attribution: deepshap` (s2f-attribute, `references`
# dinucleotide shuffles a window, seeded by `seed`).
motif_ism() {  # K N
  s2f_need CFG_OUTDIR CFG_MODEL CFG_TARGET
  local shard d range=(); shard=$(s2f_shard_arg "$1" "$2"); d="$CFG_OUTDIR/shards-$2"; mkdir -p "$d"
  case "${CFG_ATTRIBUTION:-ism}" in
    ism)
      [ -z "${CFG_ISM_START:-}" ] || range+=(--start "$CFG_ISM_START")
      [ -z "${CFG_ISM_END:-}" ] || range+=(--end "$CFG_ISM_END")
      s2f-ism "$CFG_OUTDIR/windows.s2f" -m "$CFG_MODEL" --attr --target "$CFG_TARGET" "${range[@]}" \
        -t "${CFG_THREADS:-1}" --shard "$shard" -o "$d/contrib.$1.s2f" ;;
    deepshap)
      s2f-attribute "$CFG_OUTDIR/windows.s2f" -m "$CFG_MODEL" --target "$CFG_TARGET" \
        --references "${CFG_REFERENCES:-20}" --seed "${CFG_SEED:-1}" \
        -t "${CFG_THREADS:-1}" --shard "$shard" -o "$d/contrib.$1.s2f" ;;
    *) echo "stages.sh: attribution must be ism or deepshap, not '$CFG_ATTRIBUTION'" >&2; exit 2 ;;
  esac
}

motif_join() {  # N
  s2f_need CFG_OUTDIR
  local d k parts=(); d="$CFG_OUTDIR/shards-$1"
  for ((k = 1; k <= $1; k++)); do parts+=("$d/contrib.$k.s2f"); done
  s2f-view -q --s2f -o "$CFG_OUTDIR/contrib.s2f" "${parts[@]}"
}

# Hits of the modisco motifs; parameters.json is written last by s2f-call-hits.
motif_hits() {
  s2f_need CFG_OUTDIR CFG_MODISCO CFG_PEAKS
  local extra=()
  # shellcheck disable=SC2206  # hits_options is a list of options by design
  [ -z "${CFG_HITS_OPTIONS:-}" ] || extra=($CFG_HITS_OPTIONS)
  s2f-call-hits -q -r "$CFG_OUTDIR/contrib.s2f" -m "$CFG_MODISCO" -p "$CFG_PEAKS" "${extra[@]}" \
    -t "${CFG_THREADS:-1}" -o "$CFG_OUTDIR/hits"
}

# Marginalisation panel: each motif of the list inserted into random
# background sequences of the given GC content.
motif_panel() {
  s2f_need CFG_OUTDIR CFG_MODEL CFG_MOTIF_FILE CFG_MOTIFS CFG_PANEL_GC CFG_PANEL_N CFG_PANEL_SEED
  local names name motifs=()
  mkdir -p "$CFG_OUTDIR"
  IFS=, read -r -a names <<< "$CFG_MOTIFS"
  for name in "${names[@]}"; do motifs+=(--motif "$name"); done
  s2f-marginalize -q -m "$CFG_MODEL" --random --gc "$CFG_PANEL_GC" -n "$CFG_PANEL_N" --seed "$CFG_PANEL_SEED" \
    --motif-file "$CFG_MOTIF_FILE" "${motifs[@]}" \
    --summary "$CFG_OUTDIR/panel.tsv" -o "$CFG_OUTDIR/panel.s2f"
}

# ---- 4. genome tracks -------------------------------------------------------
# OUT/shards-N/preds.K.s2f (+ tiles.K.skipped.tsv), OUT/shards-N/contrib.K.s2f,
# then OUT/NAME.<track>.bw, OUT/NAME.skipped.tsv and OUT/NAME.tracks.tsv (last)

tracks_tile_opts() {  # -> TILE_OPTS: the tiles of the genome, the chromosomes or the regions
  s2f_need CFG_GENOME CFG_INPUT_LENGTH CFG_TILE_LENGTH
  TILE_OPTS=(-g "$CFG_GENOME" --strategy tile --tile-length "$CFG_TILE_LENGTH" --input-length "$CFG_INPUT_LENGTH")
  [ -z "${CFG_REGIONS:-}" ] || TILE_OPTS+=(--intervals "$CFG_REGIONS")
  [ -z "${CFG_FLANK:-}" ] || [ "${CFG_FLANK}" = 0 ] || TILE_OPTS+=(--flank "$CFG_FLANK")
  [ -z "${CFG_CHROMOSOMES:-}" ] || TILE_OPTS+=(--chromosomes "$CFG_CHROMOSOMES")
}

# Tiles shard K of N (a contiguous genome chunk) -> encode -> predict.
tracks_predict() {  # K N
  s2f_need CFG_OUTDIR CFG_MODEL
  local shard d; shard=$(s2f_shard_arg "$1" "$2"); d="$CFG_OUTDIR/shards-$2"; mkdir -p "$d"
  tracks_tile_opts
  s2f_predict_opts
  s2f-sample-positions -q "${TILE_OPTS[@]}" --shard "$shard" --na "$d/tiles.$1.skipped.tsv" \
    | s2f-encode -q -g "$CFG_GENOME" -L "$CFG_INPUT_LENGTH" --na "$d/tiles.$1.encode.skipped.tsv" \
    | s2f-predict -q "${PREDICT_OPTS[@]}" -o "$d/preds.$1.s2f"
}

# ISM contributions of the same tiles' output windows (contrib_target set).
tracks_contrib() {  # K N
  s2f_need CFG_OUTDIR CFG_MODEL CFG_CONTRIB_TARGET
  local shard d context; shard=$(s2f_shard_arg "$1" "$2"); d="$CFG_OUTDIR/shards-$2"; mkdir -p "$d"
  tracks_tile_opts
  context=$(( (CFG_INPUT_LENGTH - CFG_TILE_LENGTH) / 2 ))
  s2f-sample-positions -q "${TILE_OPTS[@]}" --shard "$shard" \
    | s2f-encode -q -g "$CFG_GENOME" -L "$CFG_INPUT_LENGTH" \
    | s2f-ism -q -m "$CFG_MODEL" --attr --target "$CFG_CONTRIB_TARGET" --start "$context" \
        --end $(( context + CFG_TILE_LENGTH )) -t "${CFG_THREADS:-1}" -o "$d/contrib.$1.s2f"
}

# The shards joined into one bigWig per track (byte for byte the unsharded
# files), the tile side files into one, and the list of tracks last.
tracks_bigwig() {  # N
  s2f_need CFG_OUTDIR CFG_NAME
  local d k parts=() select=(); d="$CFG_OUTDIR/shards-$1"
  for ((k = 1; k <= $1; k++)); do parts+=("$d/preds.$k.s2f"); done
  [ -z "${CFG_SELECT:-}" ] || select=(--select "$CFG_SELECT")
  printf '#record\twhere\treason\n' > "$CFG_OUTDIR/.$CFG_NAME.skipped.tsv.part"
  for ((k = 1; k <= $1; k++)); do
    for f in "$d/tiles.$k.skipped.tsv" "$d/tiles.$k.encode.skipped.tsv"; do
      [ ! -e "$f" ] || grep -v '^#' "$f" >> "$CFG_OUTDIR/.$CFG_NAME.skipped.tsv.part" || true
    done
  done
  mv "$CFG_OUTDIR/.$CFG_NAME.skipped.tsv.part" "$CFG_OUTDIR/$CFG_NAME.skipped.tsv"
  s2f-view -q --bigwig "$CFG_OUTDIR/$CFG_NAME" --transform "${CFG_TRANSFORM:-logits}" --stitch "${CFG_STITCH:-midpoint}" \
    "${select[@]}" -o "$CFG_OUTDIR/$CFG_NAME.tracks.tsv" "${parts[@]}"
}

tracks_contrib_bigwig() {  # N
  s2f_need CFG_OUTDIR CFG_NAME
  local d k parts=(); d="$CFG_OUTDIR/shards-$1"
  for ((k = 1; k <= $1; k++)); do parts+=("$d/contrib.$k.s2f"); done
  s2f-view -q --bigwig "$CFG_OUTDIR/$CFG_NAME" --stitch "${CFG_STITCH:-midpoint}" \
    -o "$CFG_OUTDIR/$CFG_NAME.contrib.tracks.tsv" "${parts[@]}"
}

# Everything one shard does (a SLURM array task); finished parts are kept.
tracks_shard() {  # K N
  local d; d="$CFG_OUTDIR/shards-$2"
  [ -s "$d/preds.$1.s2f" ] || tracks_predict "$1" "$2"
  [ -z "${CFG_CONTRIB_TARGET:-}" ] || [ -s "$d/contrib.$1.s2f" ] || tracks_contrib "$1" "$2"
}

tracks_merge() {  # N
  tracks_bigwig "$1"
  [ -z "${CFG_CONTRIB_TARGET:-}" ] || tracks_contrib_bigwig "$1"
}

# ---- command line -------------------------------------------------------------
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  if [ "${1:-}" = "-c" ]; then s2f_load_config "$2"; shift 2; fi
  verb=${1:-}; shift || true
  case $verb in
    bg-baselines) bg_baselines "$@" ;;
    bg-effects) bg_effects "$@" ;;
    bg-reservoir) bg_reservoir "$@" ;;
    bg-baselines-shard) bg_baselines_shard "$@" ;;
    bg-variants-shard) bg_variants_shard "$@" ;;
    bg-merge) bg_merge "$@" ;;
    vep-encode) vep_encode ;;
    vep-shard) vep_shard "$@" ;;
    vep-merge) vep_merge "$@" ;;
    motif-encode) motif_encode ;;
    motif-ism) motif_ism "$@" ;;
    motif-join) motif_join "$@" ;;
    motif-hits) motif_hits ;;
    motif-panel) motif_panel ;;
    tracks-predict) tracks_predict "$@" ;;
    tracks-contrib) tracks_contrib "$@" ;;
    tracks-bigwig) tracks_bigwig "$@" ;;
    tracks-contrib-bigwig) tracks_contrib_bigwig "$@" ;;
    tracks-shard) tracks_shard "$@" ;;
    tracks-merge) tracks_merge "$@" ;;
    *) echo "usage: stages.sh [-c CONFIG] bg-baselines|bg-effects|bg-reservoir|bg-baselines-shard|bg-variants-shard|bg-merge|vep-encode|vep-shard|vep-merge|motif-encode|motif-ism|motif-join|motif-hits|motif-panel|tracks-predict|tracks-contrib|tracks-bigwig|tracks-contrib-bigwig|tracks-shard|tracks-merge ARGS" >&2
       exit 2 ;;
  esac
fi
