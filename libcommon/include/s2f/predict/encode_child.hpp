// Genomic convenience inputs of the model-running stages (s2f-predict,
// s2f-ism): `--bed/--vcf/--narrowpeak/--fasta-records` are encoded by running
// s2f-encode as a child process, so exactly the same code does the encoding
// whichever stage is asked.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "s2f/child_process.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::predict {

struct EncodeInputs {
  std::string genome, bed, vcf, narrowpeak, fasta_records, na;
  int64_t length = 0;
  std::optional<int64_t> variant_index;
  int strand_column = 0;

  bool wanted() const { return !bed.empty() || !vcf.empty() || !narrowpeak.empty() || !fasta_records.empty(); }
  // Usage checks: an input stream and these inputs exclude each other, and
  // --genome/--na/-L need one of them.
  void validate(const std::string& input_stream) const;
  // The s2f-encode command line for windows of `window_length` bp.
  std::string command(int64_t window_length) const;
};

// A running s2f-encode and the reader of its output.
struct EncodeChild {
  std::unique_ptr<ChildProcess> process;
  std::unique_ptr<stream::Reader> reader;
  // Waits for s2f-encode; its own error message when it failed.
  void wait_success();
};
EncodeChild start_encode(const EncodeInputs& inputs, int64_t window_length);

}  // namespace s2f::predict
