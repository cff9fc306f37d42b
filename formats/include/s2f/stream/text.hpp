// Text renderings of stream records shared by every stage that writes TSV,
// BED or VCF. Floats are written in shortest round-trip form, so no
// precision is lost on the way to a notebook.
#pragma once
#include <string>

#include "s2f/stream/batch.hpp"

namespace s2f::stream {

void append_float(std::string& out, double v, bool single_precision);
// One field of one record: scalars as numbers; fields named strand/allele as
// their character; strings as is; arrays comma-joined; f16 widened.
void append_field_text(std::string& out, const Batch& batch, size_t field, size_t rec);
// Header line and one line per record (tab-separated, '\n'-terminated).
std::string tsv_header_line(const Schema& schema);
void append_tsv_line(std::string& out, const Batch& batch, size_t rec);

}  // namespace s2f::stream

namespace s2f::stream {

// BED6 (chrom, start, end, name, score, strand) and VCF renderings of any
// kind that carries coordinates; built once per stream from its header.
class CoordinateText {
 public:
  // Throws a usage error naming the kind when it has no coordinates.
  CoordinateText(const std::string& kind, const Schema& schema, int64_t window_length);
  void append_bed(std::string& out, const Batch& batch, size_t rec) const;
  // False for records that have no VCF line (alt-allele windows repeat
  // their ref record's variant; non-variant windows).
  bool append_vcf(std::string& out, const Batch& batch, size_t rec) const;
  static std::string vcf_header(const std::string& source);

 private:
  std::string kind_;
  int64_t length_ = 0;
  int id_ = -1, chrom_ = -1, pos_ = -1, start_ = -1, end_ = -1, strand_ = -1, ref_ = -1, alt_ = -1,
      allele_ = -1, name_ = -1, score_ = -1;
};

}  // namespace s2f::stream
