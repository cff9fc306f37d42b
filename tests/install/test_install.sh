#!/usr/bin/env bash
# The installed tools work without the checkout: `cmake --install` into a
# fresh prefix, then, in a private mount namespace where empty directories are
# bind-mounted over the source and build trees, sample -> encode -> predict
# --model demo (the bundled model from PREFIX/share/s2f) -> view, and predict's
# own s2f-encode child (found next to s2f-predict in PREFIX/bin). Skips (77)
# when mount namespaces are not permitted: copying the prefix elsewhere would
# not hide the trees the binaries were built from, so it would prove nothing.
set -euo pipefail
SRC=${S2F_SOURCE_DIR:?}
BUILD=${S2F_BUILD_DIR:?}
CMAKE=${CMAKE_COMMAND:-cmake}
PY=${S2F_PYTHON:-/usr/bin/python3}

TMP=$(mktemp -d /tmp/s2f-install-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
P=$TMP/prefix

"$CMAKE" --install "$BUILD" --prefix "$P" > "$TMP/install.log"

# The layout README.md documents.
for f in bin/s2f bin/s2f-view bin/s2f-encode bin/s2f-predict bin/s2f-sample-positions bin/s2f-score \
         bin/s2f-call-hits bin/s2f-ism bin/s2f-marginalize bin/s2f-reservoir bin/s2f-merge-cdfs bin/s2f-model-info \
         share/s2f/models/demo.s2fm share/s2f/models/demo.tracks.tsv share/s2f/python/s2f_stream.py \
         share/doc/s2f/SPEC.md share/doc/s2f/MODEL.md share/doc/s2f/MODELS.md share/doc/s2f/EXEC.md share/doc/s2f/HDF5.md \
         share/s2f/catalogs/alphagenome_human_tracks.tsv.zst share/s2f/catalogs/alphagenome_mouse_tracks.tsv.zst \
         share/s2f/catalogs/NOTICE share/s2f/catalogs/LICENSE.alphagenome-pytorch; do
  [[ -e "$P/$f" ]] || { echo "FAIL not installed: $f"; exit 1; }
done
echo "ok   installed layout (bin/, share/s2f/models, share/s2f/python, share/doc/s2f)"

# Inputs are made before the trees are hidden, into $TMP (outside both).
"$PY" "$SRC/tests/genome/make_synthetic_genome.py" "$TMP/genome" > /dev/null

if ! unshare --mount true 2> /dev/null; then
  echo "SKIP: unshare --mount is not permitted here, so the source and build trees cannot be hidden"
  exit 77
fi
mkdir -p "$TMP/empty_src" "$TMP/empty_build" "$TMP/empty_models"

# Inside the namespace: the build tree first (it may sit inside the source tree).
unshare --mount env -i PATH=/usr/bin:/bin HOME="$TMP" P="$P" G="$TMP/genome" \
  SRC="$SRC" BUILD="$BUILD" PY="$PY" TMP="$TMP" bash -euo pipefail -c '
  mount --bind "$TMP/empty_build" "$BUILD"
  mount --bind "$TMP/empty_src" "$SRC"
  # (With the build tree inside the source tree, its path no longer exists at all.)
  [[ -z "$(ls -A "$SRC")" ]] && { [[ ! -e "$BUILD" ]] || [[ -z "$(ls -A "$BUILD")" ]]; } \
    || { echo "FAIL trees not hidden"; exit 1; }
  echo "ok   source and build trees hidden ($SRC and $BUILD show nothing)"
  cd "$TMP"

  stages=$("$P/bin/s2f" 2>&1 || true)
  for s in view encode predict score call-hits sample-positions; do
    [[ "$stages" == *"$s"* ]] || { echo "FAIL s2f does not list $s:"; echo "$stages"; exit 1; }
  done
  echo "ok   s2f lists the stages"

  "$P/bin/s2f-sample-positions" -q -g "$G/genome.fa" --strategy random --count 40 --seed 7 \
    | "$P/bin/s2f-encode" -q -g "$G/genome.fa" -L 500 \
    | "$P/bin/s2f-predict" -q --model demo -o "$TMP/pred.s2f"
  n=$("$P/bin/s2f-view" -q --no-header-line "$TMP/pred.s2f" | wc -l)
  [[ "$n" == 40 ]] || { echo "FAIL sample | encode | predict --model demo gave $n records, want 40"; exit 1; }
  "$P/bin/s2f-view" -q --validate "$TMP/pred.s2f"
  echo "ok   sample-positions | encode | predict --model demo | view: 40 records"

  # The model came from the prefix: with share/s2f/models hidden as well,
  # --model demo must fail (negative control: nothing else provides it).
  mount --bind "$TMP/empty_models" "$P/share/s2f/models"
  if msg=$("$P/bin/s2f-predict" -q --model demo -o "$TMP/none.s2f" "$TMP/pred.s2f" 2>&1); then
    echo "FAIL --model demo still resolved with $P/share/s2f/models hidden"; exit 1
  fi
  umount "$P/share/s2f/models"
  echo "ok   --model demo comes from $P/share/s2f/models (hidden, it fails: ${msg%%$'\n'*})"

  # s2f-predict runs its own s2f-encode (sibling_tool: same directory; none on PATH).
  ! command -v s2f-encode > /dev/null || { echo "FAIL an s2f-encode on PATH would hide a broken lookup"; exit 1; }
  "$P/bin/s2f-predict" -q --model demo -g "$G/genome.fa" --bed "$G/peaks.bed" -o "$TMP/peaks.s2f"
  n=$("$P/bin/s2f" view -q --no-header-line "$TMP/peaks.s2f" | wc -l)
  want=$(grep -vc "^#" "$G/peaks.bed")
  [[ "$n" == "$want" ]] || { echo "FAIL predict --bed gave $n records, want $want"; exit 1; }
  echo "ok   s2f-predict --bed runs the installed s2f-encode: $n records"

  # The built-in AlphaGenome catalog is read from the prefix: the demo model
  # has no atac head, so its first row is refused by name (not "not installed").
  rc=0
  msg=$("$P/bin/s2f-predict" -q --model demo --catalog alphagenome:human -o "$TMP/ag.s2f" "$TMP/pred.s2f" 2>&1) || rc=$?
  [[ $rc == 1 && "$msg" == *"alphagenome:human row 1"* && "$msg" == *"output_type '"'"'atac'"'"'"* ]] ||
    { echo "FAIL --catalog alphagenome:human from the prefix: $msg"; exit 1; }
  echo "ok   --catalog alphagenome:human is read from $P/share/s2f/catalogs"
'
echo "all install checks passed"
