#!/usr/bin/env bash
# Runs one libFuzzer binary for the fuzz_<target>_run test and judges it by
# the artifacts it writes to FINDINGS (libFuzzer's exit code in fork mode
# reports ignored timeouts as failures too).
#   run_fuzz.sh FINDINGS TOLERATE FUZZER ARGS...
# TOLERATE: artifact kinds that do not fail the run ("" = none; "timeout" for
# libhdf5's known hangs; "all" for a target with open findings).
set -u
findings=$1 tolerate=$2; shift 2
mkdir -p "$findings"
before=$(ls "$findings")
"$@"
rc=$?
new=$(comm -13 <(printf '%s\n' $before | sort) <(ls "$findings" | sort))
failing=()
for f in $new; do
  kind=${f%%-*}
  [ "$tolerate" = all ] && continue
  [ -n "$tolerate" ] && [[ " $tolerate " == *" $kind "* ]] && continue
  failing+=("$f")
done
[ -n "$new" ] && echo "run_fuzz: new inputs in $findings: $new"
if [ ${#failing[@]} -gt 0 ]; then
  echo "run_fuzz: FAILED: ${failing[*]} (replay: $1 $findings/FILE)"
  exit 1
fi
# Without fork mode a finding is always an artifact; otherwise trust the count.
if [ "$tolerate" = "" ] && [ $rc -ne 0 ]; then
  echo "run_fuzz: FAILED: the fuzzer exited with $rc"
  exit 1
fi
exit 0
