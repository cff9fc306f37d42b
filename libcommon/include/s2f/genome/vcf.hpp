// Variants from VCF (plain, gzip or BGZF; text read line by line so errors
// name file:line) or BCF (through htslib). A record with several ALT alleles
// becomes one variant per ALT. Symbolic and structural ALTs (<DEL>,
// breakends, '*') cannot be written as a sequence and are skipped into the
// side file with the reason. With `selene_vcf` the file is read as Selene
// reads it: the alleles Selene reads as empty (REF '-', ALT '-' or '*') are
// kept as written, for Selene's windows (selene_windows.hpp), and every
// allele of a multi-allelic record keeps the record's ID as its id.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/genome/text_lines.hpp"

namespace s2f::genome {

struct Variant {
  std::string id;     // ID column; chrom:pos:ref:alt when '.'; ":<ALT>" added for multi-allelic records
                      // (not when read as Selene reads)
  std::string chrom;
  int64_t pos = 0;    // 0-based position of the first REF base
  std::string ref, alt;  // upper-case
  uint8_t strand = '.';
  std::string where;  // file:line (VCF) or file:record N (BCF)
  // The record as Selene lists it in its .NA file when it cannot build its
  // windows: chrom (Selene's chr prefixing), POS, ID, REF ('-' as empty),
  // the whole ALT column and strand (+ or -), tab-separated (text VCF only).
  std::string selene_na;
};

class VcfReader {
 public:
  // strand_column: 1-based column holding +/-/. (0 = none; text VCF only).
  VcfReader(const std::string& path, int strand_column, BadLines& bad, SkipLog& skips, bool selene_vcf = false);
  ~VcfReader();
  bool next(Variant& v);
  uint64_t symbolic_skipped() const { return symbolic_; }

 private:
  bool refill();
  bool parse_text(std::string_view line, const std::string& where);
  void report_text(std::string_view line, const std::string& where, const std::string& what,
                   const std::string& fix = {});
  bool read_bcf();
  void add(std::string_view chrom, int64_t pos0, std::string_view id, std::string_view ref,
           const std::vector<std::string_view>& alts, uint8_t strand, const std::string& where,
           std::string_view line);

  std::string path_;
  int strand_column_;
  bool selene_vcf_;
  BadLines& bad_;
  SkipLog& skips_;
  std::unique_ptr<TextLines> lines_;
  struct Bcf;
  std::unique_ptr<Bcf> bcf_;
  std::vector<Variant> pending_;
  size_t next_ = 0;
  uint64_t symbolic_ = 0;
  bool trusted_ = false;  // text VCF: a #CHROM line or a valid record seen
  std::vector<std::string_view> cols_, alts_;
};

// A VCF record as Selene writes it into its .NA file (see Variant::selene_na).
std::string selene_na_line(std::string_view chrom, std::string_view pos, std::string_view id, std::string_view ref,
                           std::string_view alts, uint8_t strand);

// Why an ALT allele cannot be encoded, or empty if it can.
std::string unencodable_alt_reason(std::string_view alt);

}  // namespace s2f::genome
