# shellcheck shell=bash
# Reads a workflow config (pipelines/config/*.yaml) into shell variables.
#
#   source pipelines/lib/config.sh
#   s2f_load_config pipelines/config/background.yaml   # genome: x  ->  CFG_GENOME=x
#
# The configs are flat "key: value" YAML (comments with #, optional quotes),
# so Snakemake reads them natively and bash reads them with awk, no YAML
# library. A CFG_* variable already set in the environment wins over the
# file, so one value can be overridden for one run (CFG_SHARDS=8 ...), as
# `snakemake --config shards=8` does.

s2f_load_config() {  # FILE
  local file=$1 key value
  [ -r "$file" ] || { echo "s2f pipelines: error: config file '$file' is not readable" >&2; return 2; }
  while IFS=$'\t' read -r key value; do
    if [ -z "${!key+x}" ]; then
      printf -v "$key" '%s' "$value"
      export "${key?}"
    fi
  done < <(awk '
    /^[ \t]*#/ || /^[ \t]*$/ { next }
    /^[A-Za-z_][A-Za-z0-9_]*[ \t]*:/ {
      key = $0; sub(/[ \t]*:.*/, "", key)
      value = $0; sub(/^[^:]*:[ \t]*/, "", value)
      if (value ~ /^"/) { sub(/^"/, "", value); sub(/".*$/, "", value) }        # "quoted" # comment
      else if (value ~ /^\047/) { sub(/^\047/, "", value); sub(/\047.*$/, "", value) }
      else { sub(/[ \t]+#.*$/, "", value); sub(/[ \t]+$/, "", value) }
      printf "CFG_%s\t%s\n", toupper(key), value
      next
    }
    { printf "s2f pipelines: error: %s line %d is not a flat \"key: value\" line: %s\n", FILENAME, NR, $0 > "/dev/stderr"; exit 2 }
  ' "$file")
  # awk failing inside the process substitution would go unnoticed; re-check.
  awk '!/^[ \t]*#/ && !/^[ \t]*$/ && !/^[A-Za-z_][A-Za-z0-9_]*[ \t]*:/ { bad = 1 } END { exit bad }' "$file" || {
    echo "s2f pipelines: error: $file has lines that are not flat \"key: value\" YAML" >&2
    return 2
  }
}
