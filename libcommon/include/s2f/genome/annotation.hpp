// Gene annotation from GTF or GFF3 (GENCODE and Ensembl spellings): genes,
// transcripts and exons with their type and strand. Files without gene lines
// get genes spanning their transcripts, grouped by gene_id.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "s2f/genome/text_lines.hpp"

namespace s2f::genome {

struct Feature {
  std::string id;        // gene_id or transcript_id
  std::string gene_id;
  std::string name;      // gene_name when present
  std::string type;      // gene_type / gene_biotype (transcripts: transcript_type, else their gene's)
  std::string transcript_type;  // transcripts and exons: transcript_type / transcript_biotype when given
  bool basic = false;    // carries GENCODE's `tag "basic"` (GFF3: tag=basic,...)
  std::string chrom;
  int64_t start = 0, end = 0;  // 0-based half-open
  uint8_t strand = '.';
  // Transcription start: first base on the feature's strand.
  int64_t tss() const { return strand == '-' ? end - 1 : start; }
};

struct Annotation {
  std::vector<Feature> genes, transcripts, exons;
  bool has_types = false;  // some gene carried a gene_type/gene_biotype
  bool has_basic_tags = false;  // some feature carried tag "basic" (a GENCODE file that marks its basic set)
  uint64_t records = 0;    // well-formed feature lines read (of any type)
};

// need_genes: a file without gene, transcript or mRNA lines is an error
// (it names no genes); exon-only files are read when false.
Annotation read_annotation(const std::string& path, BadLines& bad, bool need_genes = true);

}  // namespace s2f::genome
