// A reference genome read through htslib faidx: plain or BGZF FASTA, with
// its .fai (and .gzi) index used when it is beside the FASTA, and otherwise
// cached or built, never written next to the FASTA (genome/fasta_index.hpp).
// Plain gzip is refused with the recompression command, because it cannot be
// read at random positions.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct faidx_t;

namespace s2f::genome {

struct Contig {
  std::string name;
  int64_t length = 0;
};

class ReferenceGenome {
 public:
  // Throws s2f::Error naming the FASTA (and what is wrong with it, when
  // htslib cannot index it) or a stale index beside it.
  static std::unique_ptr<ReferenceGenome> open(const std::string& path);
  ~ReferenceGenome();
  ReferenceGenome(const ReferenceGenome&) = delete;
  ReferenceGenome& operator=(const ReferenceGenome&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<Contig>& contigs() const { return contigs_; }
  // Index of the contig with exactly this name, or -1.
  int find(std::string_view name) const;
  // Bases [begin, end) of a contig, normalised to A/C/G/T/N. The range must
  // lie inside the contig. Safe to call from several threads (serialised).
  std::string fetch(size_t contig, int64_t begin, int64_t end) const;
  // A whole contig, read as one block of the file and stripped of line
  // breaks using the .fai layout — several times faster than faidx's
  // base-by-base path, which is the fallback for unusual layouts.
  std::string fetch_contig(size_t contig) const;
  // What stream headers record so a later stage can tell which genome was used.
  nlohmann::json describe() const;

 private:
  ReferenceGenome() = default;
  std::string path_;
  faidx_t* fai_ = nullptr;
  uint64_t fai_size_ = 0;
  std::vector<Contig> contigs_;
  std::unordered_map<std::string, int> by_name_;
  struct BlockReader;
  std::unique_ptr<BlockReader> block_;
  mutable std::mutex mutex_;  // one faidx handle: htslib reads are not thread-safe
};

// Whole contigs held in memory, least recently used evicted beyond a byte
// budget; the contig being handed out is always kept, so one contig larger
// than the budget still works. Windows are then plain copies, which is what
// makes encoding fast, and memory stays flat however many records stream by.
class ContigCache {
 public:
  ContigCache(const ReferenceGenome& genome, uint64_t budget_bytes);
  std::shared_ptr<const std::string> get(size_t contig);
  uint64_t loads() const { return loads_; }

 private:
  const ReferenceGenome& genome_;
  uint64_t budget_, held_ = 0, tick_ = 0, loads_ = 0;
  struct Entry {
    std::shared_ptr<const std::string> bases;
    uint64_t last_use = 0;
  };
  std::unordered_map<size_t, Entry> entries_;
};

}  // namespace s2f::genome
