// The mutations in silico mutagenesis visits, in Selene's order: every
// combination of k positions of [start, end) (itertools.combinations order),
// and for each, every assignment of alternative bases to those positions
// (itertools.product order, bases A, C, G, T). A position's alternatives are
// the bases other than its own; an N (or any non-ACGT letter) has all four.
// With ACGT sequences that is C(W, k) * 3^k mutations for W = end - start.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>
#include "s2f/genome/bases.hpp"

namespace s2f::ism {

struct BaseEdit {
  int64_t pos = 0;  // 0-based offset in the sequence
  int base = 0;     // 0..3 = A, C, G, T
};

// One mutant: k edits at increasing positions.
using Mutation = std::vector<BaseEdit>;

using genome::kBases;
// 0..3 for A, C, G, T (any case), -1 otherwise.
int base_index(uint8_t letter);

class MutationEnumerator {
 public:
  MutationEnumerator(std::span<const uint8_t> sequence, int64_t start, int64_t end, int k);
  // Exact number of mutations (fails with a usage error above 2^63).
  uint64_t total() const { return total_; }
  // Appends up to `max` next mutations to `out`; false when none were left.
  bool next(size_t max, std::vector<Mutation>& out);

 private:
  bool advance_combination();
  std::vector<std::vector<int>> alts_;  // alternatives of each position of [start, end)
  int64_t start_ = 0;
  int k_ = 1;
  std::vector<int64_t> combo_;  // current positions (offsets from start)
  std::vector<size_t> choice_;  // current alternative index of each
  bool done_ = false;
  uint64_t total_ = 0;
};

// Selene's identity columns of a mutant: positions, reference bases and
// alternative bases, each ';'-joined ("12;40", "A;C", "G;T").
struct MutationLabel {
  std::string pos, ref, alt;
};
MutationLabel label_of(const Mutation& m, std::span<const uint8_t> sequence);

}  // namespace s2f::ism
