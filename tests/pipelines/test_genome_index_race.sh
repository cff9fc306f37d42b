#!/usr/bin/env bash
# Workflow jobs start together on a genome without a .fai: every one must
# read the genome whole. htslib's FAI_CREATE wrote the index in place, so a
# job could read it half-written and stop with "the genome FASTA has no
# sequences" (seen in the workflow tests); s2f now builds the index under a
# temporary name and renames it. The race is timing-dependent, so this
# regression test tries several rounds of 8 concurrent stages.
source "$(dirname "$0")/lib.sh"
make_genome
for round in 1 2 3 4 5; do
  rm -f genome/genome.fa.fai
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
  ls -a genome | grep -q '\.tmp\.' && fail "round $round left a temporary index file"
done
echo "PASS"
