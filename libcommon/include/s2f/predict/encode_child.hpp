// Genomic convenience inputs of the model-running stages (s2f-predict,
// s2f-ism): `--bed/--vcf/--narrowpeak/--fasta-records/--sequences` are encoded by running
// s2f-encode as a child process, so exactly the same code does the encoding
// whichever stage is asked.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "s2f/child_process.hpp"
#include "s2f/run.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::predict {

struct EncodeInputs {
  std::string genome, bed, vcf, narrowpeak, fasta_records, sequences, na;
  // The stage's own -o. The child's side file follows the one rule
  // (skipped_side_file) relative to it: --na if given, else
  // OUTPUT.skipped.tsv, else none (stdout). The stages running a child
  // (s2f-predict, s2f-ism) skip nothing themselves, so the name is free.
  std::string stage_output = "-";
  int64_t length = 0;
  std::optional<int64_t> variant_index;
  std::string windows;  // s2f-encode --windows ("" = its default)
  int strand_column = 0;
  int strand_index = -1;
  std::string null;               // --null shuffled-flanks:N
  std::optional<uint64_t> seed;   // the stage's --seed, for the null shuffles

  bool wanted() const {
    return !bed.empty() || !vcf.empty() || !narrowpeak.empty() || !fasta_records.empty() || !sequences.empty();
  }
  // Usage checks: an input stream and these inputs exclude each other, and
  // --genome/--na/-L need one of them.
  void validate(const std::string& input_stream) const;
  // The side file the child writes ("" = none).
  std::string side_file() const;
  // The s2f-encode command line for windows of `window_length` bp, its
  // skips going to `side_file` (none when empty).
  std::string command(int64_t window_length, const std::string& side_file) const;
};

// A running s2f-encode and the reader of its output.
struct EncodeChild {
  std::unique_ptr<ChildProcess> process;
  std::unique_ptr<stream::Reader> reader;
  // Where the child logs its skips: the user's side file, or a temporary
  // one (removed with this object) so they can still be counted.
  std::string side_file;
  bool side_file_is_temporary = false;
  int temp_slot = -1;  // register_temp_file slot of a temporary side file
  EncodeChild() = default;
  EncodeChild(EncodeChild&&) noexcept;
  EncodeChild& operator=(EncodeChild&&) noexcept;
  ~EncodeChild();
  // Waits for s2f-encode; its own error message when it failed.
  void wait_success();
  // The same, then counts the child's skipped records into `run`'s summary.
  void wait_success(Run& run);
  // Records the child skipped (lines of its side file), once it has ended.
  uint64_t skipped() const;

 private:
  void drop_temporary_side_file();
};
EncodeChild start_encode(const EncodeInputs& inputs, int64_t window_length);

}  // namespace s2f::predict
