// Running s2f-encode for the model-running stages' genomic inputs.
#include "s2f/predict/encode_child.hpp"

#include <filesystem>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/paths.hpp"
#include "s2f/run.hpp"

namespace s2f::predict {

void EncodeInputs::validate(const std::string& input_stream) const {
  if (wanted() && input_stream != "-") fail_usage("give either an input stream or --bed/--vcf/--narrowpeak/--fasta-records");
  if (!wanted() && (!genome.empty() || !na.empty() || length))
    fail_usage("--genome, --na and -L go with --bed, --vcf, --narrowpeak or --fasta-records");
}

std::string EncodeInputs::command(int64_t window_length) const {
  std::vector<std::string> args = {sibling_tool("s2f-encode"), "-q", "-L", std::to_string(window_length), "--zstd", "0"};
  if (!genome.empty()) args.insert(args.end(), {"-g", genome});
  if (!bed.empty()) args.insert(args.end(), {"--bed", bed});
  if (!vcf.empty()) args.insert(args.end(), {"--vcf", vcf});
  if (!narrowpeak.empty()) args.insert(args.end(), {"--narrowpeak", narrowpeak});
  if (!fasta_records.empty()) args.insert(args.end(), {"--fasta-records", fasta_records});
  if (!na.empty()) args.insert(args.end(), {"--na", na});
  if (variant_index) args.insert(args.end(), {"--variant-index", std::to_string(*variant_index)});
  if (strand_column) args.insert(args.end(), {"--strand-column", std::to_string(strand_column)});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return quote_command_line(static_cast<int>(argv.size()), argv.data());
}

void EncodeChild::wait_success() {
  if (process) process->wait_success();
}

EncodeChild start_encode(const EncodeInputs& inputs, int64_t window_length) {
  if (window_length <= 0) fail_usage("-L/--length is needed to encode inputs for an --exec model");
  EncodeChild c;
  c.process = std::make_unique<ChildProcess>(inputs.command(window_length), 0, "s2f-encode");
  c.process->take_stdin()->commit();  // s2f-encode reads its files, not stdin
  try {
    c.reader = std::make_unique<stream::Reader>(c.process->take_stdout());
  } catch (const Error&) {
    c.process->wait_success();  // its own error message, when it failed
    throw;
  }
  return c;
}

}  // namespace s2f::predict
