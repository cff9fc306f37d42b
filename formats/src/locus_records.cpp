#include "s2f/stream/locus_records.hpp"

namespace s2f::stream {

LocusAppender::LocusAppender(Writer& writer)
    : writer_(writer),
      id_(writer.header().schema.index("id")),
      chrom_(writer.header().schema.index("chrom")),
      pos_(writer.header().schema.index("pos")),
      strand_(writer.header().schema.index("strand")) {}

size_t LocusAppender::begin(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand) {
  auto& b = writer_.batch();
  const size_t r = b.add_record();
  b.set_str(id_, r, id);
  b.set_str(chrom_, r, chrom);
  b.set_scalar<int64_t>(pos_, r, pos);
  b.set_scalar<uint8_t>(strand_, r, strand);
  return r;
}

PositionAppender::PositionAppender(Writer& writer)
    : LocusAppender(writer),
      category_(writer.header().schema.index("category")),
      partition_(writer.header().schema.index("partition")) {}

void PositionAppender::append(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand,
                              std::string_view category, std::string_view partition) {
  const size_t r = begin(id, chrom, pos, strand);
  writer_.batch().set_str(category_, r, category);
  writer_.batch().set_str(partition_, r, partition);
  writer_.end_record();
}

VariantAppender::VariantAppender(Writer& writer)
    : LocusAppender(writer), ref_(writer.header().schema.index("ref")), alt_(writer.header().schema.index("alt")) {}

void VariantAppender::append(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand,
                             std::string_view ref, std::string_view alt) {
  const size_t r = begin(id, chrom, pos, strand);
  writer_.batch().set_str(ref_, r, ref);
  writer_.batch().set_str(alt_, r, alt);
  writer_.end_record();
}

}  // namespace s2f::stream
