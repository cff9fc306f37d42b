// Enumerating mutants in Selene's order without materialising them: a
// combination of positions and a mixed-radix counter over their alternatives.
#include "s2f/ism/mutations.hpp"

#include <limits>

#include "s2f/error.hpp"

namespace s2f::ism {

int base_index(uint8_t letter) {
  switch (letter) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return -1;
  }
}

MutationEnumerator::MutationEnumerator(std::span<const uint8_t> sequence, int64_t start, int64_t end, int k)
    : start_(start), k_(k) {
  if (k < 1) fail_usage("--mutate-n-bases must be at least 1");
  if (start < 0 || end > static_cast<int64_t>(sequence.size()) || start >= end)
    fail_usage("the mutated range [" + std::to_string(start) + ", " + std::to_string(end) +
               ") must lie inside the sequence of " + std::to_string(sequence.size()) + " bp and not be empty");
  if (end - start < k)
    fail_usage("--end - --start (" + std::to_string(end - start) + ") must be at least --mutate-n-bases (" +
               std::to_string(k) + ")");
  for (int64_t p = start; p < end; ++p) {
    const int own = base_index(sequence[static_cast<size_t>(p)]);
    std::vector<int> a;
    for (int b = 0; b < 4; ++b)
      if (b != own) a.push_back(b);
    alts_.push_back(std::move(a));
  }
  // total = e_k(n_1, ..., n_W), the k-th elementary symmetric polynomial of
  // the alternative counts, by the usual dynamic programme (in long double
  // first, to refuse overflow before it happens).
  std::vector<long double> e(static_cast<size_t>(k) + 1, 0.0L);
  std::vector<uint64_t> ei(static_cast<size_t>(k) + 1, 0);
  e[0] = 1.0L;
  ei[0] = 1;
  for (const auto& a : alts_) {
    for (int j = k; j >= 1; --j) {
      e[static_cast<size_t>(j)] += e[static_cast<size_t>(j - 1)] * static_cast<long double>(a.size());
      ei[static_cast<size_t>(j)] += ei[static_cast<size_t>(j - 1)] * a.size();
    }
  }
  if (e[static_cast<size_t>(k)] > static_cast<long double>(std::numeric_limits<int64_t>::max()))
    fail_usage("--mutate-n-bases " + std::to_string(k) + " over " + std::to_string(end - start) +
               " positions is more than 2^63 mutants; narrow --start/--end");
  total_ = ei[static_cast<size_t>(k)];
  combo_.resize(static_cast<size_t>(k));
  for (int j = 0; j < k; ++j) combo_[static_cast<size_t>(j)] = j;
  choice_.assign(static_cast<size_t>(k), 0);
}

bool MutationEnumerator::advance_combination() {
  const int64_t W = static_cast<int64_t>(alts_.size());
  int j = k_ - 1;
  while (j >= 0 && combo_[static_cast<size_t>(j)] == W - k_ + j) --j;
  if (j < 0) return false;
  ++combo_[static_cast<size_t>(j)];
  for (int i = j + 1; i < k_; ++i) combo_[static_cast<size_t>(i)] = combo_[static_cast<size_t>(i - 1)] + 1;
  return true;
}

bool MutationEnumerator::next(size_t max, std::vector<Mutation>& out) {
  size_t added = 0;
  while (!done_ && added < max) {
    Mutation m(static_cast<size_t>(k_));
    for (int j = 0; j < k_; ++j) {
      const auto off = combo_[static_cast<size_t>(j)];
      m[static_cast<size_t>(j)] = {start_ + off, alts_[static_cast<size_t>(off)][choice_[static_cast<size_t>(j)]]};
    }
    out.push_back(std::move(m));
    ++added;
    // itertools.product: the last position's alternative varies fastest.
    int j = k_ - 1;
    for (; j >= 0; --j) {
      auto& c = choice_[static_cast<size_t>(j)];
      if (++c < alts_[static_cast<size_t>(combo_[static_cast<size_t>(j)])].size()) break;
      c = 0;
    }
    if (j < 0 && !advance_combination()) done_ = true;
  }
  return added > 0;
}

MutationLabel label_of(const Mutation& m, std::span<const uint8_t> sequence) {
  MutationLabel l;
  for (size_t i = 0; i < m.size(); ++i) {
    if (i) {
      l.pos += ';';
      l.ref += ';';
      l.alt += ';';
    }
    l.pos += std::to_string(m[i].pos);
    l.ref += static_cast<char>(sequence[static_cast<size_t>(m[i].pos)]);
    l.alt += kBases[m[i].base];
  }
  return l;
}

}  // namespace s2f::ism
