#!/bin/sh
# s2f-encode throughput: 100,000 windows of L = 2114 from the real human chr20
# as BGZF (Debian package vt-examples), against pyfaidx + numpy in the same run.
#   bench/encode_bench.sh BUILD_DIR [WINDOWS] [REFERENCE_WINDOWS]
set -eu
build=${1:?usage: encode_bench.sh BUILD_DIR [WINDOWS] [REFERENCE_WINDOWS]}
n=${2:-100000}
nref=${3:-10000}
L=2114
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
src=/usr/share/doc/vt/examples/ref/20.fa.gz
[ -f "$src" ] || { echo "needs $src: apt-get install vt-examples" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/s2f-encode-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$src" "$work/20.fa.gz"
samtools faidx "$work/20.fa.gz"
g="$work/20.fa.gz"

"$build/bin/s2f-sample-positions" -q -g "$g" --strategy random --count "$n" --margin 1057 -o "$work/pos.s2f"
"$build/bin/s2f-view" -q "$work/pos.s2f" > "$work/pos.tsv"

rate() {  # label, seconds file
  awk -v n="$n" -v label="$1" '{printf "%s: %d windows, wall %.2f s, cpu %.2f s, peak RSS %.0f MB: %.0f windows/s, %.0f windows/s per cpu-second\n",
        label, n, $1, $2 + $3, $4 / 1024, n / $1, n / ($2 + $3)}' "$2"
}
# Output goes to /dev/null as the reference keeps nothing either (the stream
# is uncompressed on a pipe; 100,000 windows are 211 MB).
zcat "$g" > "$work/20.fa"
samtools faidx "$work/20.fa"
for t in 1 2; do
  /usr/bin/time -f "%e %U %S %M" -o "$work/time$t" \
    "$build/bin/s2f-encode" -q -g "$g" -L $L -t $t "$work/pos.s2f" > /dev/null
  rate "s2f-encode BGZF -t $t" "$work/time$t"
done
/usr/bin/time -f "%e %U %S %M" -o "$work/time_plain" \
  "$build/bin/s2f-encode" -q -g "$work/20.fa" -L $L -t 1 "$work/pos.s2f" > /dev/null
rate "s2f-encode plain FASTA -t 1" "$work/time_plain"
# The reference on the same BGZF file, and on the plain copy (its best case).
"$py" -B "$here/encode_reference.py" "$g" "$work/pos.tsv" $L "$nref"
"$py" -B "$here/encode_reference.py" "$work/20.fa" "$work/pos.tsv" $L "$nref"
