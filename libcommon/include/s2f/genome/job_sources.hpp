// Where s2f-encode's window jobs come from: an s2f stream of positions,
// intervals or variants; BED/narrowPeak; VCF/BCF; FASTA records; raw
// sequence lines.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "s2f/genome/bed.hpp"
#include "s2f/genome/encoder.hpp"
#include "s2f/genome/fasta_records.hpp"
#include "s2f/genome/vcf.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::genome {

enum class InputFormat { stream, bed, narrowpeak, vcf, fasta_records, sequences };

// Format from a file name: .vcf/.vcf.gz/.bcf, .bed(.gz), .narrowPeak(.gz),
// .fa/.fasta/.fna(.gz); anything else (and "-") is read as an s2f stream.
InputFormat detect_input_format(const std::string& path);
const char* input_format_name(InputFormat f);

// selene_vcf: VCF alleles '-'/'*' kept for Selene's windows (VcfReader).
std::unique_ptr<JobSource> open_job_source(InputFormat format, const std::string& path, int strand_column,
                                           BadLines& bad, SkipLog& skips, bool selene_vcf = false);

// Several VCFs read one after the other as one source; each job's
// `source` is its file's position in `paths`.
std::unique_ptr<JobSource> open_vcf_sources(const std::vector<std::string>& paths, int strand_column, BadLines& bad,
                                            SkipLog& skips, bool selene_vcf);

// The prefix Selene gives a file's outputs: its name without directory and
// without the last extension (example.fasta -> example, calls.vcf.gz ->
// calls.vcf, README -> "").
std::string selene_prefix_of(const std::string& path);

}  // namespace s2f::genome
