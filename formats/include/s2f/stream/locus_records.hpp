// Typed appenders for the locus kinds (positions, variants): the field
// indices are resolved once from the writer's schema, so a producer's loop
// says what it writes instead of chaining schema.index("...") lookups.
#pragma once
#include <cstdint>
#include <string_view>

#include "s2f/stream/stream.hpp"

namespace s2f::stream {

// The locus block (id, chrom, pos, strand) every locus kind starts with,
// followed by the kind's two string fields.
class LocusAppender {
 public:
  LocusAppender(Writer& writer, const char* first, const char* second);
  void append(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand, std::string_view first,
              std::string_view second);

 private:
  Writer& writer_;
  size_t id_, chrom_, pos_, strand_, first_, second_;
};

// Records of kind positions: the locus plus category and partition.
struct PositionAppender : LocusAppender {
  explicit PositionAppender(Writer& writer) : LocusAppender(writer, "category", "partition") {}
};

// Records of kind variants: the locus plus REF and ALT alleles.
struct VariantAppender : LocusAppender {
  explicit VariantAppender(Writer& writer) : LocusAppender(writer, "ref", "alt") {}
};

}  // namespace s2f::stream
