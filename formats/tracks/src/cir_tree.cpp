#include "cir_tree.hpp"

#include <cstring>

namespace s2f::tracks {
namespace {

constexpr uint32_t kIndexMagic = 0x2468ACE0;
constexpr uint32_t kBlockSize = 64;  // children per node
constexpr uint64_t kLeafItem = 32, kNodeItem = 24, kNodeHeader = 4, kHeader = 48;

struct Bounds {
  uint32_t start_chrom, start_base, end_chrom, end_base;
};

template <class T> void put(std::vector<uint8_t>& out, T v) {
  uint8_t b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.insert(out.end(), b, b + sizeof v);
}

}  // namespace

bool write_cir_tree(std::FILE* f, const std::vector<IndexedBlock>& blocks, uint32_t items_per_slot) {
  const long here = std::ftell(f);
  if (here < 0) return false;
  const auto start = static_cast<uint64_t>(here);
  // Levels from the leaves up: level 0 holds the blocks, each level above
  // one entry per node of the level below, until one node remains.
  std::vector<std::vector<Bounds>> levels(1);
  for (const auto& b : blocks) levels[0].push_back({b.start_chrom, b.start_base, b.end_chrom, b.end_base});
  while (levels.back().size() > kBlockSize) {
    const auto& below = levels.back();
    std::vector<Bounds> up;
    for (size_t i = 0; i < below.size(); i += kBlockSize) {
      const size_t last = std::min(below.size(), i + kBlockSize) - 1;
      up.push_back({below[i].start_chrom, below[i].start_base, below[last].end_chrom, below[last].end_base});
    }
    levels.push_back(std::move(up));
  }
  // Nodes per level (the top level is the root: one node), written root first.
  const size_t depth = levels.size();
  std::vector<uint64_t> level_offset(depth), nodes(depth);
  uint64_t at = start + kHeader;
  for (size_t d = depth; d-- > 0;) {
    nodes[d] = (levels[d].size() + kBlockSize - 1) / kBlockSize;
    if (nodes[d] == 0) nodes[d] = 1;
    level_offset[d] = at;
    at += nodes[d] * (kNodeHeader + kBlockSize * (d == 0 ? kLeafItem : kNodeItem));
  }
  std::vector<uint8_t> out;
  put<uint32_t>(out, kIndexMagic);
  put<uint32_t>(out, kBlockSize);
  put<uint64_t>(out, blocks.size());
  const Bounds all = blocks.empty() ? Bounds{0, 0, 0, 0}
                                    : Bounds{blocks.front().start_chrom, blocks.front().start_base,
                                             blocks.back().end_chrom, blocks.back().end_base};
  put<uint32_t>(out, all.start_chrom);
  put<uint32_t>(out, all.start_base);
  put<uint32_t>(out, all.end_chrom);
  put<uint32_t>(out, all.end_base);
  put<uint64_t>(out, start);  // end of the data the index covers: the index follows it
  put<uint32_t>(out, items_per_slot);
  put<uint32_t>(out, 0);
  for (size_t d = depth; d-- > 0;) {
    const bool leaf = d == 0;
    const uint64_t child_size = d ? kNodeHeader + kBlockSize * (d == 1 ? kLeafItem : kNodeItem) : 0;
    const auto& items = levels[d];
    for (uint64_t n = 0; n < nodes[d]; ++n) {
      const size_t first = n * kBlockSize, count = std::min<size_t>(kBlockSize, items.size() - std::min(items.size(), first));
      out.push_back(leaf ? 1 : 0);
      out.push_back(0);
      put<uint16_t>(out, static_cast<uint16_t>(count));
      for (size_t i = first; i < first + count; ++i) {
        put<uint32_t>(out, items[i].start_chrom);
        put<uint32_t>(out, items[i].start_base);
        put<uint32_t>(out, items[i].end_chrom);
        put<uint32_t>(out, items[i].end_base);
        if (leaf) {
          put<uint64_t>(out, blocks[i].offset);
          put<uint64_t>(out, blocks[i].size);
        } else {
          put<uint64_t>(out, level_offset[d - 1] + i * child_size);
        }
      }
      out.resize(out.size() + (kBlockSize - count) * (leaf ? kLeafItem : kNodeItem), 0);
    }
    if (out.size() > (1u << 20) || d == 0) {
      if (std::fwrite(out.data(), 1, out.size(), f) != out.size()) return false;
      out.clear();
    }
  }
  return true;
}

}  // namespace s2f::tracks
