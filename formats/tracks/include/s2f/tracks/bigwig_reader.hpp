// Reading bigWig files (contribution tracks for s2f-call-hits) through
// libBigWig. The file is checked before libBigWig parses it — magic, header
// offsets and chromosome tree inside the file — because libBigWig trusts
// what it reads; what it still refuses is reported as a damaged file.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
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
  std::string path_;
  void* file_ = nullptr;  // bigWigFile_t, kept out of this header
  std::vector<Chromosome> chromosomes_;
};

}  // namespace s2f::tracks
