// Track files: one value per genomic interval, for genome browsers. A
// bigWig (through libBigWig, with zoom levels) or a bedGraph, written
// atomically like every s2f output (temporary name, renamed when the run's
// outputs are committed). Values arrive in genome order: chromosomes in the
// order of the reference index, positions increasing, intervals never
// overlapping; anything else is a program error reported as such.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace s2f::tracks {

struct Chromosome {
  std::string name;
  int64_t length = 0;
};

class TrackFile {
 public:
  virtual ~TrackFile() = default;
  // n values of `span` bp each, laid end to end from `start` on chromosome
  // `chrom` (an index into the chromosome list). Non-finite values are left
  // out (no data there) and counted.
  void add(size_t chrom, int64_t start, int64_t span, const float* values, size_t n);
  // Writes what is buffered and makes the file complete (renamed with the
  // run's other outputs when an OutputSet is open).
  virtual void finish() = 0;
  uint64_t non_finite() const { return non_finite_; }
  const std::string& path() const { return path_; }

 protected:
  TrackFile(std::string path, std::vector<Chromosome> chromosomes)
      : path_(std::move(path)), chromosomes_(std::move(chromosomes)) {}
  // A run of finite values, in genome order, checked against the chromosome.
  virtual void write_run(size_t chrom, int64_t start, int64_t span, const float* values, size_t n) = 0;
  std::string path_;
  std::vector<Chromosome> chromosomes_;

 private:
  uint64_t non_finite_ = 0;
  size_t last_chrom_ = 0;
  int64_t last_end_ = 0;
  bool any_ = false;
};

// libBigWig keeps chromosome ids and positions in 32 bits.
std::unique_ptr<TrackFile> open_bigwig(const std::string& path, std::vector<Chromosome> chromosomes);
// chrom, start, end, value per line; neighbouring equal values merged.
std::unique_ptr<TrackFile> open_bedgraph(const std::string& path, std::vector<Chromosome> chromosomes);

}  // namespace s2f::tracks
