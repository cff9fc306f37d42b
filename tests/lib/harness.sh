# Shared by the shell tests: the environment they need, a scratch directory
# removed on exit, ok/FAIL lines and the closing count.
#   source "$S2F_SOURCE_DIR/tests/lib/harness.sh"   (then cd "$tmp" as needed)
#   pass "name"; fail "name: why"; ...; finish
BIN=${S2F_BIN_DIR:?set S2F_BIN_DIR to the built binaries}
SRC=${S2F_SOURCE_DIR:?set S2F_SOURCE_DIR to the checkout}
PY=${S2F_PYTHON:-/usr/bin/python3}
fails=0 passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
# The closing line ctest logs and the exit status.
finish() {
  echo "$passes passed, $fails failed"
  [[ $fails == 0 ]]
  exit $?
}
