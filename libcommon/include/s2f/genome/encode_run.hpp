// The body of s2f-encode: which input, which format, the option
// combinations, and the run itself (source -> WindowEncoder -> sequences
// stream with the window geometry in its header, then the summary).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "s2f/run.hpp"

namespace s2f::genome {

struct EncodeRequest {
  std::string input = "-";
  std::string bed, narrowpeak, vcf, fasta_records, sequences;
  std::string genome;
  int64_t length = 0;
  std::optional<int64_t> variant_index;
  int strand_column = 0;
  bool require_strand = false;
  bool skip_bad = false;
  uint64_t cache_mb = 2048;
  std::string null;  // "shuffled-flanks:N" (variants only), seeded by --seed
};

// N of --null shuffled-flanks:N (usage error otherwise); 0 for "".
int64_t parse_null_shuffles(const std::string& null);

// Checks the option combinations (one message each) and encodes to
// run.opt.output; skips go to run.skips, whose path the header records as
// meta.na_file exactly as given (no key when there is no side file).
void run_encode(const EncodeRequest& request, Run& run);

}  // namespace s2f::genome
