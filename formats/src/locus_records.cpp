#include "s2f/stream/locus_records.hpp"

namespace s2f::stream {

LocusAppender::LocusAppender(Writer& writer, const char* first, const char* second)
    : writer_(writer),
      id_(writer.header().schema.index("id")),
      chrom_(writer.header().schema.index("chrom")),
      pos_(writer.header().schema.index("pos")),
      strand_(writer.header().schema.index("strand")),
      first_(writer.header().schema.index(first)),
      second_(writer.header().schema.index(second)) {}

void LocusAppender::append(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand,
                           std::string_view first, std::string_view second) {
  auto& b = writer_.batch();
  const size_t r = b.add_record();
  b.set_str(id_, r, id);
  b.set_str(chrom_, r, chrom);
  b.set_scalar<int64_t>(pos_, r, pos);
  b.set_scalar<uint8_t>(strand_, r, strand);
  b.set_str(first_, r, first);
  b.set_str(second_, r, second);
  writer_.end_record();
}

}  // namespace s2f::stream
