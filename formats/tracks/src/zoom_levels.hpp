// A bigWig's zoom levels (summaries of the data at coarser resolutions, for
// fast browsing), computed while the data stream by in genome order: each
// level keeps one open summary and one block of finished ones; full blocks
// are compressed into a temporary file, and at the end copied after the
// data with their R-tree index. Memory is flat whatever the genome (libBigWig
// builds zoom levels by reading a whole chromosome back and keeps every
// level in memory until the end, so s2f writes them itself).
// Level k summarises bins of reduction(0) * 4^k bp, from each chromosome's
// start; reduction(0) is 4 data intervals (at least 40 bp); levels stop at
// 10 or when a bin spans the longest chromosome.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cir_tree.hpp"
#include "s2f/tracks/track_file.hpp"

namespace s2f::tracks {

class ZoomLevels {
 public:
  static constexpr int kMaxLevels = 10;
  static constexpr uint32_t kItemsPerBlock = 1024;  // 32 KiB uncompressed: libBigWig's buffer size

  // `blocks_path`: where compressed blocks wait (a temporary file the caller
  // registers for removal).
  ZoomLevels(const std::vector<Chromosome>& chromosomes, std::string blocks_path);
  ~ZoomLevels();
  void add(size_t chrom, int64_t start, int64_t span, const float* values, size_t n);

  struct Header {
    uint32_t reduction;
    uint64_t data_offset, index_offset;
  };
  // The whole data's summary (the bigWig header's total summary).
  struct Totals {
    uint64_t bases = 0;
    double min = 0, max = 0, sum = 0, sum_squares = 0;
  };
  // Closes every level and writes them at `out`'s position; the headers to
  // write at the top of the file come back. False on an I/O error.
  bool append(std::FILE* out, std::vector<Header>& headers, Totals& totals);
  bool empty() const { return totals_.bases == 0; }

 private:
  struct Summary {
    uint32_t chrom = 0, start = 0, end = 0;
    uint64_t valid = 0;
    float min = 0, max = 0;
    double sum = 0, sum_squares = 0;
  };
  struct Level {
    int64_t reduction = 0;
    bool open = false;
    Summary current;
    std::vector<uint8_t> pending;  // finished summaries, 32 bytes each
    uint32_t pending_count = 0;
    std::vector<IndexedBlock> blocks;  // offsets into the blocks file
    uint64_t records = 0;
    IndexedBlock first_last{};
  };
  void start_levels(int64_t span);
  // Adds `summary` (lying inside one bin of `level`) to that level.
  void merge(size_t level, const Summary& s);
  void close_summary(size_t level);
  void flush_block(size_t level);
  bool io_ok() const { return io_ok_; }

  std::vector<Chromosome> chromosomes_;
  std::string blocks_path_;
  std::FILE* blocks_ = nullptr;
  uint64_t blocks_size_ = 0;
  std::vector<Level> levels_;
  Totals totals_;
  bool io_ok_ = true;
};

}  // namespace s2f::tracks
