#!/usr/bin/env bash
# Runs one golden directory's cases.tsv (samtools/bedtools style):
#
#   tests/golden/run_cases.sh tests/golden/<tool>     (S2F_BIN_DIR must name the built binaries)
#
# cases.tsv: one case per line, tab-separated: NAME, COMMAND, EXPECTED.
#   COMMAND   a bash command line run in the golden directory with
#             S2F_BIN_DIR first on PATH, pipefail set, and $TMP a scratch
#             directory (write side files and outputs there, then cat them).
#   EXPECTED  a file under expected/ that stdout must equal byte for byte, or
#             "exit=N: TEXT" for a negative control: the command must exit N
#             and its stderr must contain TEXT.
# GOLDEN_RTOL (environment): when set, an output that differs byte for byte
# still passes if every text cell is equal and every number is within this
# relative tolerance (compare_numeric.py) -- for float sums that round
# differently between the Release and sanitizer builds.
# Lines starting with # are comments (the expectations' provenance goes
# there). UPDATE=1 rewrites expected files from the current binaries (run again
# without it: cases sharing an expected file are only compared then);
# negative controls are never rewritten.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(cd "${1:?usage: run_cases.sh GOLDEN_DIR}" && pwd) || exit 2
: "${S2F_BIN_DIR:?S2F_BIN_DIR must name the directory of the s2f binaries}"
S2F_BIN_DIR=$(cd "$S2F_BIN_DIR" && pwd) || exit 2
export PATH="$S2F_BIN_DIR:$PATH"
cd "$DIR"
fails=0 passes=0 n=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
pass() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

while IFS=$'\t' read -r name cmd expected rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  n=$((n + 1))
  if [[ -z "${cmd:-}" || -z "${expected:-}" || -n "${rest:-}" ]]; then
    fail "$name: cases.tsv line needs exactly NAME<TAB>COMMAND<TAB>EXPECTED"; continue
  fi
  export TMP="$scratch/$name"
  mkdir -p "$TMP"
  bash -o pipefail -c "$cmd" > "$TMP/.stdout" 2> "$TMP/.stderr"
  rc=$?
  if [[ "$expected" == exit=* ]]; then
    want_rc=${expected%%:*}; want_rc=${want_rc#exit=}
    want_msg=${expected#*: }
    if [[ $rc == "$want_rc" ]] && grep -qF -- "$want_msg" "$TMP/.stderr"; then
      pass "$name (fails: exit $rc, \"$want_msg\")"
    else
      fail "$name: want exit $want_rc and \"$want_msg\", got exit $rc: $(head -c 400 "$TMP/.stderr")"
    fi
    continue
  fi
  if [[ $rc != 0 ]]; then fail "$name: exit $rc: $(head -c 400 "$TMP/.stderr")"; continue; fi
  if [[ "${UPDATE:-0}" == 1 ]]; then mkdir -p expected && cp "$TMP/.stdout" "expected/$expected"; fi
  if cmp -s "$TMP/.stdout" "expected/$expected"; then
    pass "$name"
  elif [[ -n "${GOLDEN_RTOL:-}" ]] \
       && why=$("${S2F_PYTHON:-/usr/bin/python3}" "$HERE/compare_numeric.py" "expected/$expected" "$TMP/.stdout" "$GOLDEN_RTOL"); then
    pass "$name (equal within relative $GOLDEN_RTOL)"
  else
    [[ -n "${why:-}" ]] && echo "     $why"
    fail "$name: output differs from expected/$expected:"
    diff "expected/$expected" "$TMP/.stdout" | head -8
  fi
done < cases.tsv

[[ $n -gt 0 ]] || fail "no cases in $DIR/cases.tsv"
echo "$(basename "$DIR"): $passes passed, $fails failed"
[[ $fails == 0 ]]
