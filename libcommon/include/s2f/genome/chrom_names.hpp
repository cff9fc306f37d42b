// Chromosome names of annotation files harmonised against the genome:
// `1` finds `chr1` and the reverse, and the mitochondrion is found whichever
// of chrM, MT, chrMT or M each side uses. Exact matches always win. Every
// mapping actually used is remembered so a run can say, once, what it did.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "s2f/genome/reference.hpp"

namespace s2f::genome {

class ChromosomeNames {
 public:
  explicit ChromosomeNames(const std::vector<Contig>& contigs);
  // Contig index for a name from an input file, or -1 when unknown.
  int resolve(std::string_view name);
  const std::vector<Contig>& contigs() const { return contigs_; }
  // Length of a resolved contig.
  int64_t length(int contig) const { return contigs_[static_cast<size_t>(contig)].length; }
  // Names that were mapped to a different genome name, input -> genome.
  const std::map<std::string, std::string>& mapped() const { return mapped_; }
  // One sentence for the run's warning, empty when nothing was renamed.
  std::string mapping_summary() const;

 private:
  const std::vector<Contig>& contigs_;
  std::unordered_map<std::string, int> exact_;
  std::unordered_map<std::string, int> memo_;
  std::map<std::string, std::string> mapped_;
};

// Candidate spellings of the same chromosome, exact name first.
std::vector<std::string> chromosome_aliases(std::string_view name);
// True for the autosomes 1..22 in either spelling (chorus SNP sampling).
bool is_human_autosome(std::string_view name);

}  // namespace s2f::genome
