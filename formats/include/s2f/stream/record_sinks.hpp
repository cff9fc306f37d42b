// Where s2f-view sends the records it selects: an s2f stream, text (TSV,
// BED or VCF) or an HDF5 file. A sink takes a run of records of a batch and
// says how many records it wrote.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "s2f/stream/stream.hpp"

namespace s2f::stream {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Writes records [r0, r1) of `batch`; returns how many became output
  // records (VCF text writes one line per variant, not per window).
  virtual uint64_t write(const Batch& batch, size_t r0, size_t r1) = 0;
  virtual void finish() = 0;
};

enum class TextFormat { tsv, bed, vcf };

std::unique_ptr<RecordSink> stream_sink(std::unique_ptr<Writer> writer);
// `source` names the program in the VCF header; header_line: TSV column names.
std::unique_ptr<RecordSink> text_sink(const std::string& path, const Header& header, TextFormat format,
                                      bool header_line, const std::string& source);
// Counts nothing: the HDF5 copy goes alongside another output.
std::unique_ptr<RecordSink> hdf5_sink(const std::string& path, const Header& header);

// The window length of a header's records: meta.geometry.sequence_length,
// else the length of a `seq` field, else 0.
int64_t window_length(const Header& header);

}  // namespace s2f::stream
