#!/usr/bin/env bash
# Workflow jobs start together on a genome without a .fai: every one must
# read the genome whole. The index is built into the cache directory
# ($XDG_CACHE_HOME/s2f/fai, genome/fasta_index.hpp) under a temporary name
# and renamed, so a job never reads it half-written (seen in the workflow
# tests as "the genome FASTA has no sequences" when htslib wrote it in place
# next to the genome). The race is timing-dependent, so this regression test
# tries several rounds of 8 concurrent stages, each round with an empty cache.
source "$(dirname "$0")/lib.sh"
make_genome
before=$(ls -a genome)
for round in 1 2 3 4 5; do
  export XDG_CACHE_HOME=$WORK/cache$round
  pids=()
  for i in 1 2 3 4 5 6 7 8; do
    s2f-sample-positions -q -g genome/genome.fa --strategy random --count 20 --margin 500 --seed 5 \
      -o r$round.$i.s2f 2> r$round.$i.err &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || fail "round $round, process $((i + 1)): $(cat r$round.$((i + 1)).err)"
  done
  for i in 2 3 4 5 6 7 8; do same_records r$round.1.s2f r$round.$i.s2f; done
  ls -a "$XDG_CACHE_HOME/s2f/fai" | grep -q '\.tmp\.' && fail "round $round left a temporary index file"
  [[ $(ls "$XDG_CACHE_HOME/s2f/fai" | grep -c '\.fai$') == 1 ]] || fail "round $round: not one cached index"
  [[ $(ls -a genome) == "$before" ]] || fail "round $round wrote next to the genome: $(ls -a genome)"
done
echo "PASS"
