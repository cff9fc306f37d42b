// Reading bigWig files (contribution tracks for s2f-call-hits) through
// libBigWig. libBigWig trusts the sizes and counts it reads, so the file is
// checked before it parses anything — header offsets, chromosome tree, and
// the whole data index (every block inside the file) when opened; each data
// block a read touches is decompressed and checked before libBigWig reads
// it. Whatever fails is reported as a damaged file, naming it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <cstdio>
#include <vector>

#include "s2f/tracks/track_file.hpp"

namespace s2f::tracks {

class BigWigReader {
 public:
  // Errors (exit 1 for a file that is not a readable bigWig, 3 when it
  // cannot be opened) name the file.
  static std::unique_ptr<BigWigReader> open(const std::string& path);
  ~BigWigReader();
  BigWigReader(const BigWigReader&) = delete;
  BigWigReader& operator=(const BigWigReader&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<Chromosome>& chromosomes() const { return chromosomes_; }
  // Index of a chromosome, or -1.
  int find(const std::string& name) const;
  // Values of bases [start, end) of chromosome `chrom` into out[0 .. end-start);
  // bases without data are NaN. The range must lie inside the chromosome.
  void values(int chrom, int64_t start, int64_t end, float* out) const;

 private:
  BigWigReader() = default;
  // The data blocks overlapping a range must decompress to what their
  // headers say.
  void check_blocks(int chrom, int64_t start, int64_t end) const;

  struct Block {
    uint32_t start_chrom, start_base, end_chrom, end_base;
    uint64_t offset, size;
  };
  std::string path_;
  void* file_ = nullptr;  // bigWigFile_t, kept out of this header
  std::vector<Chromosome> chromosomes_;
  std::vector<Block> blocks_;  // every data block, from the index, in file order
  uint32_t buffer_size_ = 0;   // decompressed block size bound (0: blocks not compressed)
};

}  // namespace s2f::tracks
