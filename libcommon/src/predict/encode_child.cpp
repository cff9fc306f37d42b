// Running s2f-encode for the model-running stages' genomic inputs.
#include "s2f/predict/encode_child.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/tool.hpp"

namespace s2f::predict {

void EncodeInputs::add_options(CLI::App& app) {
  app.add_option("-g,--genome", genome, "Reference FASTA, for --bed/--vcf/--narrowpeak input");
  app.add_option("--bed", bed, "BED intervals, encoded as with s2f-encode --bed");
  app.add_option("--vcf", vcf, "VCF variants (ref and alt windows), as with s2f-encode --vcf");
  app.add_option("--narrowpeak", narrowpeak, "narrowPeak, windows centred on summits");
  app.add_option("--fasta-records", fasta_records, "FASTA records padded/cropped to the model's length");
  app.add_option("-L,--length", length, "Window length for encoded inputs (default: the model's input length)");
  app.add_option("--variant-index", variant_index, "As s2f-encode --variant-index");
  app.add_option("--strand-column", strand_column, "As s2f-encode --strand-column");
  app.add_option("--na", na, "Side file for records that cannot be encoded (as s2f-encode --na)");
}

void EncodeInputs::validate(const std::string& input_stream) const {
  if (wanted() && input_stream != "-") fail_usage("give either an input stream or --bed/--vcf/--narrowpeak/--fasta-records");
  if (!wanted() && (!genome.empty() || !na.empty() || length))
    fail_usage("--genome, --na and -L go with --bed, --vcf, --narrowpeak or --fasta-records");
}

std::string sibling_tool(const std::string& name) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto candidate = self.parent_path() / name;
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return name;
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
