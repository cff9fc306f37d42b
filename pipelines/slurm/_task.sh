# shellcheck shell=bash
# Sourced by the pipelines/slurm/*.sbatch scripts: loads the step library and
# the config, and maps an array task to its shard.
#
# sbatch copies a script to a spool directory before running it, so the
# scripts cannot find pipelines/ from their own path: submit.sh exports
# S2F_PIPELINES (sbatch passes the environment on); otherwise the directory
# sbatch was called from must be the project root.
S2F_PIPELINES=${S2F_PIPELINES:-${SLURM_SUBMIT_DIR:-$PWD}/pipelines}
export S2F_PIPELINES
# shellcheck source=../lib/stages.sh
source "$S2F_PIPELINES/lib/stages.sh"
[ $# -ge 1 ] || s2f_fail "usage: sbatch [--array=0-N-1] SCRIPT CONFIG.yaml"
s2f_load_config "$1"

# Array task -> shard K of N: K = task id - first task id + 1, N = number of
# tasks, so `--array=0-7` and `--array=1-8` both mean 8 shards. N must be the
# config's shard count, or the merge job would look for other files.
s2f_array_shard() {
  : "${SLURM_ARRAY_TASK_ID:?not an array task: submit with sbatch --array=0-N-1 (N = shards in the config)}"
  : "${SLURM_ARRAY_TASK_COUNT:?SLURM_ARRAY_TASK_COUNT is not set}"
  SHARD_N=$SLURM_ARRAY_TASK_COUNT
  SHARD_K=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0} + 1 ))
  [ "$SHARD_N" = "$CFG_SHARDS" ] ||
    s2f_fail "the array has $SHARD_N tasks but the config says shards: $CFG_SHARDS; submit with --array=0-$((CFG_SHARDS - 1))"
  (( SHARD_K >= 1 && SHARD_K <= SHARD_N )) ||
    s2f_fail "task $SLURM_ARRAY_TASK_ID is outside the array (min ${SLURM_ARRAY_TASK_MIN:-0}, $SHARD_N tasks)"
  echo "s2f pipelines: task $SLURM_ARRAY_TASK_ID = shard $SHARD_K/$SHARD_N on $(hostname)" >&2
}
