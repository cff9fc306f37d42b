// The body of s2f-encode: which input, which format, the option
// combinations, and the run itself (source -> WindowEncoder -> sequences
// stream with the window geometry in its header, then the summary).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "s2f/run.hpp"

namespace s2f::genome {

struct EncodeRequest {
  std::string input = "-";
  std::string bed, narrowpeak, fasta_records, sequences;
  // One VCF, or several encoded in one run (records tagged with their file,
  // meta.encode_input.sources; their Selene prefixes must differ).
  std::vector<std::string> vcf;
  std::string genome;
  int64_t length = 0;
  std::optional<int64_t> variant_index;
  std::string windows = "s2f";  // variant windows: s2f or selene (EncodeSettings::variant_windows)
  int strand_column = 0;        // 1-based, as cut -f counts
  int strand_index = -1;        // 0-based, as Selene's strand_index; -1 = not given
  bool require_strand = false;
  bool skip_bad = false;
  std::string selene_na;  // --selene-na FILE (DIR/ with several VCFs: DIR/<prefix>.NA each): Selene's .NA lines
  bool selene_labels = false;  // BED/FASTA: Selene's row labels on every record (selene_label field)
  uint64_t cache_mb = 2048;
  std::string null;  // "shuffled-flanks:N" (variants only), seeded by --seed
};

// The strand column as a 1-based number (0 = none), from --strand-column or
// --strand-index; a usage error when both are given.
int strand_column_of(int strand_column, int strand_index);
// N of --null shuffled-flanks:N (usage error otherwise); 0 for "".
int64_t parse_null_shuffles(const std::string& null);

// Checks the option combinations (one message each) and encodes to
// run.opt.output; skips go to run.skips, whose path the header records as
// meta.na_file exactly as given (no key when there is no side file); with
// --selene-na, meta.selene_na_file likewise. Several VCFs add
// meta.encode_input.sources: [{path, prefix, selene_na_file?}], and each
// record's `source` field holds its file's prefix. --selene-labels adds
// meta.selene_labels {columns, prefix} and each record's selene_label.
void run_encode(const EncodeRequest& request, Run& run);

}  // namespace s2f::genome
