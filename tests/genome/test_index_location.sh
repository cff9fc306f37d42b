#!/usr/bin/env bash
# No stage writes next to a genome it reads (genome/fasta_index.hpp): every
# stage that opens a genome (s2f-encode, s2f-sample-positions, and s2f-predict
# and s2f-ism with -g) runs on a genome in a read-only directory without a
# .fai, leaves that directory as it was (checked by listing, not by relying on
# EACCES: tests may run as root), and gives the same records as with the
# .fai samtools writes beside it. The index goes to $XDG_CACHE_HOME/s2f/fai,
# is samtools' byte for byte and reused; with no writable cache it is built in
# memory; a BGZF genome likewise (.fai and .gzi); an index beside the genome
# is used and nothing is cached for it.
source "${S2F_SOURCE_DIR:?}/tests/lib/harness.sh"
command -v samtools >/dev/null && command -v bgzip >/dev/null ||
  { echo "skip: samtools and bgzip are needed for the reference index"; exit 77; }
cd "$tmp"
"$PY" "$SRC/tests/genome/make_synthetic_genome.py" syn >/dev/null
mkdir ro && cp syn/genome.fa ro/ && bgzip -c syn/genome.fa > ro/genome.fa.gz && chmod a-w ro
mkdir beside && cp syn/genome.fa beside/ && bgzip -c syn/genome.fa > beside/genome.fa.gz
samtools faidx beside/genome.fa && samtools faidx beside/genome.fa.gz
# A directory's entries, their contents and its own mtime (which any file
# created there, even one removed again, moves).
snapshot() { stat -c %y "$1" && (cd "$1" && ls -lA --time-style=full-iso && md5sum ./*); }
view() { "$BIN/s2f-view" -q "$@"; }

# Every stage that opens a genome, on genome $1, outputs under $2.
stages() {
  local g=$1 out=$2
  mkdir -p "$out"
  "$BIN/s2f-encode" -q -g "$g" -L 500 --bed syn/peaks.bed -o "$out/bed.s2f" &&
    "$BIN/s2f-encode" -q -g "$g" -L 500 --vcf syn/variants.vcf -o "$out/vcf.s2f" &&
    "$BIN/s2f-sample-positions" -q -g "$g" --strategy random --count 50 --margin 600 --seed 4 -o "$out/pos.s2f" &&
    "$BIN/s2f-predict" -q -m demo -g "$g" --narrowpeak syn/peaks.narrowPeak -o "$out/pred.s2f" &&
    "$BIN/s2f-ism" -q -m demo -g "$g" --vcf syn/variants.vcf --start 248 --end 251 --heads counts -o "$out/ism.s2f"
}
same_outputs() {
  local f
  for f in bed vcf pos pred ism; do cmp -s <(view "$1/$f.s2f") <(view "$2/$f.s2f") || { echo "  $f differs"; return 1; }; done
}

export XDG_CACHE_HOME=$tmp/cache
stages beside/genome.fa ref 2> err.txt || fail "stages on a genome with its .fai: $(tail -c 300 err.txt)"
[[ ! -e cache/s2f/fai ]] || [[ -z $(ls cache/s2f/fai) ]] && pass "an index beside the genome is used; nothing cached" ||
  fail "an index was cached though one is beside the genome: $(ls cache/s2f/fai)"

before=$(snapshot ro)
stages ro/genome.fa plain 2> err.txt && pass "every stage runs on a genome in a read-only directory without .fai" ||
  fail "stages on a read-only genome: $(tail -c 300 err.txt)"
[[ $(snapshot ro) == "$before" ]] && pass "nothing written next to the genome (plain FASTA)" ||
  fail "the genome directory changed: $(ls -a ro)"
same_outputs ref plain && pass "records equal those with samtools' .fai beside the genome" || fail "plain != with .fai"
cached=(cache/s2f/fai/genome.fa.*.fai)
[[ ${#cached[@]} == 1 ]] && cmp -s "${cached[0]}" beside/genome.fa.fai &&
  pass "one cached index, samtools' .fai byte for byte" || fail "cached index: ${cached[*]}"
stamp=$(stat -c %Y.%i "${cached[0]}")
sleep 1
"$BIN/s2f-encode" -q -g ro/genome.fa -L 500 --bed syn/peaks.bed -o again.s2f
[[ $(stat -c %Y.%i "${cached[0]}") == "$stamp" && $(ls cache/s2f/fai | wc -l) == 1 ]] &&
  pass "a second run reuses the cached index" || fail "the cached index was rebuilt"
ls -a cache/s2f/fai | grep -q '\.tmp\.' && fail "a temporary index was left in the cache" || pass "no temporaries left"

# BGZF: .fai and .gzi cached, none beside.
stages ro/genome.fa.gz gz 2> err.txt || fail "stages on a read-only BGZF genome: $(tail -c 300 err.txt)"
[[ $(snapshot ro) == "$before" ]] && pass "nothing written next to the genome (BGZF)" || fail "BGZF: directory changed: $(ls -a ro)"
same_outputs ref gz && pass "BGZF records equal the plain genome's" || fail "BGZF != plain"
[[ -n $(ls cache/s2f/fai/genome.fa.gz.*.gzi 2>/dev/null) ]] && cmp -s cache/s2f/fai/genome.fa.gz.*.fai beside/genome.fa.gz.fai &&
  pass "BGZF .fai (samtools' own) and .gzi cached" || fail "BGZF cache: $(ls cache/s2f/fai)"

# No writable cache (its directory would be under a file: not even root can
# make it) or none at all: built in memory, nothing written anywhere.
touch not_a_dir
cache_before=$(snapshot cache/s2f/fai)
XDG_CACHE_HOME=$tmp/not_a_dir/cache stages ro/genome.fa mem 2> err.txt || fail "in-memory index: $(tail -c 300 err.txt)"
XDG_CACHE_HOME=$tmp/not_a_dir/cache stages ro/genome.fa.gz memgz 2> err.txt || fail "in-memory BGZF index: $(tail -c 300 err.txt)"
env -u XDG_CACHE_HOME -u HOME "$BIN/s2f-encode" -q -g ro/genome.fa -L 500 --bed syn/peaks.bed -o nohome.s2f 2> err.txt ||
  fail "no HOME: $(tail -c 300 err.txt)"
same_outputs ref mem && same_outputs ref memgz && cmp -s <(view nohome.s2f) <(view ref/bed.s2f) &&
  pass "an unwritable or absent cache: index in memory, same records" || fail "in-memory index records differ"
[[ $(snapshot ro) == "$before" && -f not_a_dir && $(snapshot cache/s2f/fai) == "$cache_before" ]] &&
  pass "an in-memory index writes nothing" || fail "an in-memory run wrote something"
finish
