// Typed appenders for the locus kinds (positions, variants): the field
// indices are resolved once from the writer's schema, so a producer's loop
// says what it writes instead of chaining schema.index("...") lookups.
#pragma once
#include <cstdint>
#include <string_view>

#include "s2f/stream/stream.hpp"

namespace s2f::stream {

// The locus block (id, chrom, pos, strand) every locus kind starts with.
class LocusAppender {
 public:
  explicit LocusAppender(Writer& writer);

 protected:
  // Adds a record, fills its locus block and returns its row in the batch.
  size_t begin(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand);
  Writer& writer_;

 private:
  size_t id_, chrom_, pos_, strand_;
};

// Records of kind positions: the locus plus category and partition.
class PositionAppender : LocusAppender {
 public:
  explicit PositionAppender(Writer& writer);
  void append(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand, std::string_view category,
              std::string_view partition);

 private:
  size_t category_, partition_;
};

// Records of kind variants: the locus plus REF and ALT alleles.
class VariantAppender : LocusAppender {
 public:
  explicit VariantAppender(Writer& writer);
  void append(std::string_view id, std::string_view chrom, int64_t pos, uint8_t strand, std::string_view ref,
              std::string_view alt);

 private:
  size_t ref_, alt_;
};

}  // namespace s2f::stream
