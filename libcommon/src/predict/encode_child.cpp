// Running s2f-encode for the model-running stages' genomic inputs.
#include "s2f/predict/encode_child.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/paths.hpp"
#include "s2f/run.hpp"

namespace s2f::predict {

void EncodeInputs::validate(const std::string& input_stream) const {
  if (wanted() && input_stream != "-")
    fail_usage("give either an input stream or --bed/--vcf/--narrowpeak/--fasta-records/--sequences");
  if (!null.empty() && vcf.empty()) fail_usage("--null shuffled-flanks:N goes with --vcf");
  if (!wanted() && (!genome.empty() || !na.empty() || length))
    fail_usage("--genome, --na and -L go with --bed, --vcf, --narrowpeak, --fasta-records or --sequences");
}

std::string EncodeInputs::side_file() const { return skipped_side_file(stage_output, na); }

std::string EncodeInputs::command(int64_t window_length, const std::string& side_file) const {
  std::vector<std::string> args = {sibling_tool("s2f-encode"), "-q", "-L", std::to_string(window_length), "--zstd", "0"};
  if (!genome.empty()) args.insert(args.end(), {"-g", genome});
  if (!bed.empty()) args.insert(args.end(), {"--bed", bed});
  if (!vcf.empty()) args.insert(args.end(), {"--vcf", vcf});
  if (!narrowpeak.empty()) args.insert(args.end(), {"--narrowpeak", narrowpeak});
  if (!fasta_records.empty()) args.insert(args.end(), {"--fasta-records", fasta_records});
  if (!sequences.empty()) args.insert(args.end(), {"--sequences", sequences});
  if (!side_file.empty()) args.insert(args.end(), {"--skipped", side_file});
  if (variant_index) args.insert(args.end(), {"--variant-index", std::to_string(*variant_index)});
  if (!windows.empty()) args.insert(args.end(), {"--windows", windows});
  if (strand_column) args.insert(args.end(), {"--strand-column", std::to_string(strand_column)});
  if (strand_index >= 0) args.insert(args.end(), {"--strand-index", std::to_string(strand_index)});
  if (!null.empty()) args.insert(args.end(), {"--null", null});
  if (seed) args.insert(args.end(), {"--seed", std::to_string(*seed)});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return quote_command_line(static_cast<int>(argv.size()), argv.data());
}

namespace {

// A fresh name in $TMPDIR (never the current directory) for a side file
// the user did not ask for.
std::string temporary_side_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/s2f-encode-skips.XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) fail_io("cannot create a temporary file for the encode child's skips", tmpl, "set TMPDIR to a writable directory");
  close(fd);
  return tmpl;
}

}  // namespace

EncodeChild::EncodeChild(EncodeChild&& o) noexcept { *this = std::move(o); }

EncodeChild& EncodeChild::operator=(EncodeChild&& o) noexcept {
  if (this == &o) return *this;
  drop_temporary_side_file();
  process = std::move(o.process);
  reader = std::move(o.reader);
  side_file = std::move(o.side_file);
  side_file_is_temporary = o.side_file_is_temporary;
  temp_slot = o.temp_slot;
  o.side_file_is_temporary = false;
  o.temp_slot = -1;
  return *this;
}

EncodeChild::~EncodeChild() { drop_temporary_side_file(); }

void EncodeChild::drop_temporary_side_file() {
  if (side_file_is_temporary) {
    std::error_code ec;
    std::filesystem::remove(side_file, ec);
  }
  if (temp_slot >= 0) unregister_temp_file(temp_slot);
  side_file_is_temporary = false;
  temp_slot = -1;
}

void EncodeChild::wait_success() {
  if (process) process->wait_success();
}

uint64_t EncodeChild::skipped() const {
  if (side_file.empty()) return 0;
  std::ifstream in(side_file);
  uint64_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') ++n;
  return n;
}

void EncodeChild::wait_success(Run& run) {
  wait_success();
  run.skips.add_counted(skipped(), side_file_is_temporary ? std::string() : side_file);
}

EncodeChild start_encode(const EncodeInputs& inputs, int64_t window_length) {
  if (window_length <= 0) fail_usage("-L/--length is needed to encode inputs for an --exec model");
  EncodeChild c;
  c.side_file = inputs.side_file();
  if (c.side_file.empty()) {
    c.side_file = temporary_side_file();
    c.side_file_is_temporary = true;
    c.temp_slot = register_temp_file(c.side_file);  // removed even if the stage is interrupted
  }
  c.process = std::make_unique<ChildProcess>(inputs.command(window_length, c.side_file), 0, "s2f-encode");
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
