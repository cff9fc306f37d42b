// Where a genome FASTA's faidx index (.fai, and .gzi for BGZF) comes from.
// A genome is often shared, read-only or not the user's to change, so s2f
// never writes next to it:
//  1. beside: <fasta>.fai (with <fasta>.gzi for BGZF) already there, as
//     `samtools faidx` writes them, is used as it is;
//  2. cache: otherwise the index is built once into the cache directory
//     ($XDG_CACHE_HOME/s2f/fai, default ~/.cache/s2f/fai), under a name
//     keyed by the FASTA's absolute path, size, inode and modification time
//     (an edited or replaced FASTA gets a new entry), written under a
//     temporary name and renamed into place, so stages starting together
//     never read a half-written index;
//  3. memory: when the cache cannot be written (no home, read-only, full),
//     it is built into anonymous memory files for this run only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace s2f::genome {

class FastaIndex {
 public:
  enum class Origin { beside, cache, memory };

  // The index beside `fasta`, when it is there (.fai, and .gzi when `bgzf`).
  static bool find_beside(const std::string& fasta, bool bgzf, FastaIndex& out);
  // The index cached for this FASTA, when it is there.
  static bool find_cached(const std::string& fasta, bool bgzf, FastaIndex& out);
  // Builds the index into the cache, or into memory when the cache cannot be
  // written. False when htslib cannot index the FASTA at all.
  static bool build(const std::string& fasta, bool bgzf, FastaIndex& out);
  // Drops a cached entry that turned out unreadable (so it is rebuilt).
  void forget_cached() const;

  FastaIndex() = default;
  FastaIndex(FastaIndex&& o) noexcept;
  FastaIndex& operator=(FastaIndex&& o) noexcept;
  FastaIndex(const FastaIndex&) = delete;
  FastaIndex& operator=(const FastaIndex&) = delete;
  ~FastaIndex();

  // Paths htslib and the block reader open (/proc/self/fd/N in memory);
  // gzi is empty for a plain FASTA.
  const std::string& fai() const { return fai_; }
  const std::string& gzi() const { return gzi_; }
  Origin origin() const { return origin_; }

 private:
  std::string fai_, gzi_;
  Origin origin_ = Origin::beside;
  std::vector<int> memory_files_;  // held open while the index is in use
};

// The directory cached indexes go to ("" when neither XDG_CACHE_HOME nor
// HOME is set).
std::string fasta_index_cache_dir();

}  // namespace s2f::genome
