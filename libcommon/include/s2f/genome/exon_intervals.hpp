// Protein-coding exons of a gene annotation as sorted, merged intervals per
// chromosome: where chorus's RNA tracks draw their per-bin background
// ("RNA-seq exon-precise sampling": GENCODE basic protein-coding exons,
// merged per chromosome).
//
// An exon line (column 3 `exon`) is kept when
//   - it is protein-coding: its transcript_type (transcript_biotype) when
//     the line has one, else its gene_type (gene_biotype), is
//     "protein_coding"; a file with neither attribute on any exon keeps
//     every exon (and says so);
//   - it is in the basic set: when any line of the file carries the tag
//     "basic" (a GENCODE comprehensive file marks its basic transcripts that
//     way), only exon lines tagged basic are kept; a file without such tags
//     (GENCODE's own "basic" files tag every line; UCSC-style GTFs none)
//     keeps them all.
// Kept exons are merged per chromosome: overlapping or touching intervals
// become one.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s2f::genome {

class ExonIntervals {
 public:
  using Interval = std::pair<int64_t, int64_t>;  // 0-based, half-open

  // Reads a GTF/GFF3 (plain or gzip). A malformed line stops the run with
  // its file:line; a file with no kept exon is an error naming the rule.
  static ExonIntervals read(const std::string& path);
  // Builds from intervals directly (tests, and files read elsewhere).
  static ExonIntervals from_intervals(std::map<std::string, std::vector<Interval>> by_chrom);

  // True when [begin, end) overlaps a merged exon of `chrom`. A chromosome
  // missing from the annotation is also looked up with its "chr" prefix
  // added or removed (GENCODE "chr1" vs Ensembl "1").
  bool overlaps(std::string_view chrom, int64_t begin, int64_t end) const;
  const std::vector<Interval>* chromosome(std::string_view chrom) const;

  uint64_t exon_lines() const { return exon_lines_; }  // exon lines in the file
  uint64_t kept() const { return kept_; }              // of them, protein-coding (basic)
  uint64_t merged() const;                             // merged intervals, all chromosomes
  bool typed() const { return typed_; }                // the file's exons carried a type
  bool basic_only() const { return basic_only_; }      // only basic-tagged exons were kept

 private:
  std::map<std::string, std::vector<Interval>, std::less<>> by_chrom_;
  uint64_t exon_lines_ = 0, kept_ = 0;
  bool typed_ = false, basic_only_ = false;
};

}  // namespace s2f::genome
