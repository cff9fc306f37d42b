#!/usr/bin/env bash
# A model is named the same way in every stage that reads one: a file path or
# `demo` (the bundled model), given with -m/--model. s2f-model-info, which
# only describes a model, takes it that way too (and as its positional
# argument), and describes the model s2f-predict -m demo runs.
source "${S2F_SOURCE_DIR:?}/tests/lib/harness.sh"
export PYTHONPATH=$SRC/formats/python${PYTHONPATH:+:$PYTHONPATH}
cd "$tmp"
info() { "$BIN/s2f-model-info" -q "$@" > out.txt 2> err.txt; rc=$?; }

info demo
[[ $rc == 0 ]] && cp out.txt positional.txt && pass "s2f-model-info demo" || fail "s2f-model-info demo (exit $rc: $(cat err.txt))"
for flag in -m --model; do
  info $flag demo
  [[ $rc == 0 ]] && cmp -s out.txt positional.txt && pass "s2f-model-info $flag demo = s2f-model-info demo" ||
    fail "s2f-model-info $flag demo (exit $rc: $(cat err.txt))"
done
info "$SRC/pipelines/demo/model/demo.s2fm"
cmp -s out.txt positional.txt && pass "demo names the bundled demo.s2fm" || fail "demo is not the bundled demo.s2fm"

# The hash model-info reports is the one predict -m demo records.
info --json -m demo
printf 'ACGT%.0s' {1..125} > one.txt
"$BIN/s2f-predict" -q -m demo --sequences one.txt -o p.s2f 2> err.txt || fail "predict -m demo --sequences: $(cat err.txt)"
same=$("$PY" - out.txt p.s2f <<'EOF'
import json, sys
import s2f_stream
info = json.load(open(sys.argv[1]))
meta = s2f_stream.read(sys.argv[2]).meta["model"]
print(info["content_hash"] == meta["hash"] and meta["path"] == "demo")
EOF
)
[[ $same == True ]] && pass "model-info -m demo hash = the hash predict -m demo records" ||
  fail "model-info and predict disagree on the demo model ($same)"

info
[[ $rc == 2 ]] && grep -q "give a model" err.txt && pass "no model: usage error naming both ways" ||
  fail "no model (exit $rc: $(cat err.txt))"
info demo -m demo
[[ $rc == 2 ]] && grep -q "give the model once" err.txt && pass "a model given twice is refused" ||
  fail "model given twice (exit $rc: $(cat err.txt))"
info -m missing.s2fm
[[ $rc != 0 ]] && grep -q "missing.s2fm" err.txt && pass "a missing model file is named" ||
  fail "missing model (exit $rc: $(cat err.txt))"
finish
