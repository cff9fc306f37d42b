#include "s2f/genome/dinucleotide_shuffle.hpp"

#include <array>
#include <utility>
#include <vector>

namespace s2f::genome {

namespace {

// Fisher-Yates over the first n elements, with the project RNG so a seed
// gives the same shuffle on every machine.
void shuffle_prefix(std::vector<uint8_t>& v, size_t n, Rng& rng) {
  for (size_t i = n; i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace

std::string dinucleotide_shuffle(std::span<const uint8_t> seq, Rng& rng) {
  const size_t n = seq.size();
  if (n < 3) return std::string(seq.begin(), seq.end());

  // Vertices: the distinct letters, numbered in order of first appearance.
  std::array<int, 256> vertex_of;
  vertex_of.fill(-1);
  std::vector<uint8_t> letter;
  for (uint8_t c : seq)
    if (vertex_of[c] < 0) {
      vertex_of[c] = static_cast<int>(letter.size());
      letter.push_back(c);
    }
  const size_t V = letter.size();
  // out[v]: the vertex after each occurrence of v (one entry per dinucleotide).
  std::vector<std::vector<uint8_t>> out(V);
  for (size_t i = 0; i + 1 < n; ++i)
    out[static_cast<size_t>(vertex_of[seq[i]])].push_back(static_cast<uint8_t>(vertex_of[seq[i + 1]]));

  // Wilson's algorithm: a loop-erased random walk from each vertex until it
  // meets the tree; the exit taken last from each vertex survives. Every
  // vertex but the root has an exit (it occurs before the last position)
  // and reaches the root (along the original sequence).
  const size_t root = static_cast<size_t>(vertex_of[seq[n - 1]]);
  std::vector<char> in_tree(V, 0);
  std::vector<size_t> last_exit(V, 0);
  in_tree[root] = 1;
  for (size_t start = 0; start < V; ++start) {
    size_t u = start;
    while (!in_tree[u]) {
      last_exit[u] = rng.below(out[u].size());
      u = out[u][last_exit[u]];
    }
    u = start;
    while (!in_tree[u]) {
      in_tree[u] = 1;
      u = out[u][last_exit[u]];
    }
  }

  // The tree edge goes last; the other exits in a uniformly random order.
  for (size_t v = 0; v < V; ++v) {
    auto& e = out[v];
    if (v == root) {
      shuffle_prefix(e, e.size(), rng);
    } else {
      std::swap(e[last_exit[v]], e.back());
      shuffle_prefix(e, e.size() - 1, rng);
    }
  }

  std::string result;
  result.reserve(n);
  std::vector<size_t> used(V, 0);
  size_t u = static_cast<size_t>(vertex_of[seq[0]]);
  result.push_back(static_cast<char>(letter[u]));
  for (size_t i = 1; i < n; ++i) {
    u = out[u][used[u]++];
    result.push_back(static_cast<char>(letter[u]));
  }
  return result;
}

}  // namespace s2f::genome
