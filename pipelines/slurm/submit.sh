#!/usr/bin/env bash
# Submits one workflow to SLURM as array jobs chained with --dependency=afterok.
#
#   pipelines/slurm/submit.sh background|vep|motifs|tracks CONFIG.yaml [extra sbatch options...]
#
#   background  background_baselines (array) and background_variants (array),
#               in parallel -> background_merge
#   vep         vep_encode -> vep_shard (array) -> vep_merge
#   motifs      motifs_encode -> motifs_ism (array) -> motifs_hits; motifs_panel alongside
#   tracks      tracks_shard (array) -> tracks_merge
#
# Arrays have `shards` tasks (from the config); task i runs shard i+1 of N.
# Extra options (e.g. --partition=gpu --gres=gpu:1 --account=lab) go to every
# sbatch call. Prints the job ids; the last one finishes the workflow.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export S2F_PIPELINES=${S2F_PIPELINES:-$(dirname "$HERE")}
source "$S2F_PIPELINES/lib/config.sh"
[ $# -ge 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
workflow=$1 config=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2
s2f_load_config "$config"
N=${CFG_SHARDS:?the config has no shards: value}
array="--array=0-$((N - 1))"

submit() {  # sbatch options... SCRIPT -> prints the job id
  local id
  id=$(sbatch --parsable "${extra[@]}" "$@" "$config")
  id=${id%%;*}  # --parsable prints "id" or "id;cluster"
  echo "$id"
}
extra=("$@")
case $workflow in
  background)
    b=$(submit "$array" "$HERE/background_baselines.sbatch")
    v=$(submit "$array" "$HERE/background_variants.sbatch")
    m=$(submit --dependency="afterok:$b:$v" "$HERE/background_merge.sbatch")
    echo "baselines $b  variants $v  merge $m" ;;
  vep)
    e=$(submit "$HERE/vep_encode.sbatch")
    s=$(submit --dependency="afterok:$e" "$array" "$HERE/vep_shard.sbatch")
    m=$(submit --dependency="afterok:$s" "$HERE/vep_merge.sbatch")
    echo "encode $e  shards $s  merge $m" ;;
  motifs)
    e=$(submit "$HERE/motifs_encode.sbatch")
    i=$(submit --dependency="afterok:$e" "$array" "$HERE/motifs_ism.sbatch")
    h=$(submit --dependency="afterok:$i" "$HERE/motifs_hits.sbatch")
    p=$(submit "$HERE/motifs_panel.sbatch")
    echo "encode $e  ism $i  hits $h  panel $p" ;;
  tracks)
    s=$(submit "$array" "$HERE/tracks_shard.sbatch")
    m=$(submit --dependency="afterok:$s" "$HERE/tracks_merge.sbatch")
    echo "shards $s  merge $m" ;;
  *) echo "submit.sh: error: unknown workflow '$workflow' (background, vep, motifs or tracks)" >&2; exit 2 ;;
esac
