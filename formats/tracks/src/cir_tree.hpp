// The R-tree ("cirTree") index of a bigWig section: every block's genomic
// bounds, file offset and size, so a reader finds the blocks of a region
// without reading the others (Kent et al. 2010, the layout UCSC's and
// libBigWig's readers read). Written bottom-up into complete nodes of
// kBlockSize slots (empty slots zeroed, as UCSC writes them), root first.
#pragma once
#include <cstdint>
#include <cstdio>
#include <vector>

namespace s2f::tracks {

struct IndexedBlock {
  uint32_t start_chrom, start_base, end_chrom, end_base;
  uint64_t offset, size;
};

// Writes the index of `blocks` (in file order, which is genome order) at the
// file's current position; items_per_slot is the most records a block holds.
// Returns false on a write error.
bool write_cir_tree(std::FILE* f, const std::vector<IndexedBlock>& blocks, uint32_t items_per_slot);

}  // namespace s2f::tracks
