#include "s2f/genome/encode_run.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "s2f/defaults.hpp"
#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/genome/encoder.hpp"
#include "s2f/genome/job_sources.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/genome/window.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::genome {
namespace {

struct ResolvedInput {
  InputFormat format = InputFormat::stream;
  std::string path;
};

ResolvedInput resolve_input(const EncodeRequest& o) {
  int named = !o.bed.empty() + !o.narrowpeak.empty() + !o.vcf.empty() + !o.fasta_records.empty() +
              !o.sequences.empty();
  if (named > 1) fail_usage("give one input: --bed, --narrowpeak, --vcf, --fasta-records or --sequences");
  if (named == 1 && o.input != "-") fail_usage("an input file and --" + std::string("bed/--vcf/... both given"));
  if (o.length < 1) fail_usage("-L/--length must be at least 1");
  if (o.length > (int64_t{1} << 28)) fail_usage("-L/--length " + std::to_string(o.length) + " is implausibly large");
  if (o.variant_index && (*o.variant_index < 0 || *o.variant_index >= o.length))
    fail_usage("--variant-index must be in [0, L)");
  if (o.windows != "s2f" && o.windows != "selene") fail_usage("--windows must be s2f or selene");
  if (o.windows == "selene" && o.variant_index)
    fail_usage("--variant-index and --windows selene both place variants; give one");
  const int strand_column = strand_column_of(o.strand_column, o.strand_index);
  parse_null_shuffles(o.null);

  ResolvedInput in{InputFormat::stream, o.input};
  if (!o.bed.empty()) in = {InputFormat::bed, o.bed};
  else if (!o.narrowpeak.empty()) in = {InputFormat::narrowpeak, o.narrowpeak};
  else if (!o.vcf.empty()) in = {InputFormat::vcf, o.vcf.front()};
  else if (!o.fasta_records.empty()) in = {InputFormat::fasta_records, o.fasta_records};
  else if (!o.sequences.empty()) in = {InputFormat::sequences, o.sequences};
  else if (o.input != "-") in.format = detect_input_format(o.input);

  if (!o.selene_na.empty() && in.format != InputFormat::vcf) fail_usage("--selene-na lists VCF records; give a VCF");
  if (o.selene_labels && in.format != InputFormat::bed && in.format != InputFormat::fasta_records)
    fail_usage("--selene-labels gives Selene's row labels of BED and FASTA records; give --bed or --fasta-records",
               "variants are labelled by s2f-score's Selene files without it");
  if (o.vcf.size() > 1) {
    std::map<std::string, std::string> seen;  // prefix -> the VCF that has it
    for (const auto& path : o.vcf) {
      if (path == "-") fail_usage("--vcf -: several VCFs are read from files, not stdin");
      auto [at, fresh] = seen.emplace(selene_prefix_of(path), path);
      if (!fresh)
        fail_usage("--vcf " + at->second + " and --vcf " + path + " both have the prefix '" + at->first +
                       "', which names each file's outputs (Selene's <prefix>_diffs.tsv, <prefix>.NA)",
                   "rename or link one of them so that their names differ");
    }
    if (!o.selene_na.empty() && !o.selene_na.ends_with("/"))
      fail_usage("--selene-na " + o.selene_na + " with several VCFs: give a directory, DIR/, for DIR/<prefix>.NA per VCF");
  }
  const bool needs_genome = in.format != InputFormat::fasta_records && in.format != InputFormat::sequences;
  const std::string name = input_format_name(in.format);
  if (needs_genome && o.genome.empty()) fail_usage("-g/--genome is required for " + name + " input");
  if (strand_column > 0 && (in.format == InputFormat::stream || !needs_genome))
    fail_usage("--strand-column/--strand-index apply to BED, narrowPeak and VCF input only");
  if (o.require_strand && strand_column == 0 && in.format != InputFormat::stream)
    fail_usage("--require-strand needs --strand-column or --strand-index for " + name + " input");
  if (!o.null.empty() && in.format != InputFormat::vcf && in.format != InputFormat::stream)
    fail_usage("--null shuffled-flanks:N shuffles the flanks of variants: give --vcf (or a variants stream), not " +
               name + " input");
  return in;
}

}  // namespace

int64_t parse_null_shuffles(const std::string& null) {
  if (null.empty()) return 0;
  const std::string kind = "shuffled-flanks:";
  int64_t n = 0;
  try {
    size_t used = 0;
    if (null.rfind(kind, 0) != 0) throw std::invalid_argument(null);
    n = std::stoll(null.substr(kind.size()), &used);
    if (used != null.size() - kind.size()) throw std::invalid_argument(null);
  } catch (const std::exception&) {
    fail_usage("--null '" + null + "' is not shuffled-flanks:N", "e.g. --null shuffled-flanks:99");
  }
  if (n < 1 || n > 100000) fail_usage("--null shuffled-flanks:N needs 1 <= N <= 100000, not " + std::to_string(n));
  return n;
}

namespace {

nlohmann::json geometry(const EncodeRequest& o) {
  if (o.windows == "selene")
    return {{"sequence_length", o.length},
            {"position_index", position_index(o.length)},
            {"variant_windows", "selene"},
            {"variant_index", "Selene: floor(L/2)-floor(len(REF)/2)-1 on +, ceil(L/2)-ceil(len(REF)/2)+1 on - "
                              "(ceil(L/2) for one base)"},
            {"indels", "Selene: insertions cropped floor(d/2) left; deletions joined around POS as Selene does"},
            {"strand", "'-' windows are fetched reverse-complemented and the alleles placed on them (Selene)"}};
  return {{"sequence_length", o.length},
          {"position_index", position_index(o.length)},
          {"variant_index", o.variant_index ? nlohmann::json(*o.variant_index)
                                            : nlohmann::json("ceil(L/2)-1-floor(len(REF)/2)")},
          {"indels", "insertions cropped floor(d/2) left, ceil(d/2) right; deletions refilled floor(k/2) left, ceil(k/2) right"},
          {"strand", "'-' windows are reverse-complemented"}};
}

std::string summarize(const EncodeCounts& counts, uint64_t malformed) {
  std::string extra = "windows " + std::to_string(counts.windows) + " with N " + std::to_string(counts.with_unknown);
  if (counts.variants) {
    extra += " variants " + std::to_string(counts.variants) + " ref_mismatch " + std::to_string(counts.ref_mismatches);
    if (counts.ref_mismatches * 2 > counts.variants && counts.variants >= 10)
      warn("REF differs from the genome for " + std::to_string(counts.ref_mismatches) + " of " +
           std::to_string(counts.variants) +
           " variants: most mismatches usually mean the wrong genome build (e.g. hg19 VCF against hg38)");
    else if (counts.ref_mismatches)
      warn(std::to_string(counts.ref_mismatches) + " variant(s) have a REF that differs from the genome; their REF "
           "windows use the VCF REF and carry ref_match=0");
  }
  if (malformed) extra += " malformed " + std::to_string(malformed);
  return extra;
}

// Where Selene's .NA lines go: --selene-na FILE, or with several VCFs
// DIR/<prefix>.NA for each (the directory made here).
std::vector<std::string> selene_na_paths(const EncodeRequest& o, const std::vector<std::string>& prefixes) {
  if (o.selene_na.empty()) return {};
  if (o.vcf.size() <= 1) return {o.selene_na};
  create_prefix_directories(o.selene_na);
  std::vector<std::string> paths;
  for (const auto& prefix : prefixes) paths.push_back(o.selene_na + prefix + ".NA");
  return paths;
}

// Header keys that say where records came from: several VCFs'
// encode_input.sources (what s2f-score's Selene files are named after), and
// the columns of --selene-labels.
void describe_origins(const EncodeRequest& o, InputFormat format, const std::string& path,
                      const std::vector<std::string>& prefixes, const std::vector<std::string>& selene_na_files,
                      nlohmann::json& meta) {
  if (o.vcf.size() > 1) {
    std::string paths;
    auto sources = nlohmann::json::array();
    for (size_t k = 0; k < o.vcf.size(); ++k) {
      paths += (k ? " " : "") + o.vcf[k];
      nlohmann::json one = {{"path", o.vcf[k]}, {"prefix", prefixes[k]}};
      if (!selene_na_files.empty()) one["selene_na_file"] = selene_na_files[k];
      sources.push_back(std::move(one));
    }
    meta["encode_input"]["path"] = paths;
    meta["encode_input"]["sources"] = std::move(sources);
  }
  if (o.selene_labels)
    meta["selene_labels"] = {
        {"columns", format == InputFormat::bed
                        ? std::vector<std::string>{"index", "chrom", "start", "end", "strand", "contains_unk"}
                        : std::vector<std::string>{"index", "name"}},
        {"prefix", selene_prefix_of(path)}};
  if (!o.selene_na.empty() && o.vcf.size() <= 1) meta["selene_na_file"] = o.selene_na;
}

}  // namespace

int strand_column_of(int strand_column, int strand_index) {
  if (strand_column < 0) fail_usage("--strand-column is 1-based and must be positive");
  if (strand_index < -1) fail_usage("--strand-index is 0-based and must be 0 or more");
  if (strand_column > 0 && strand_index >= 0)
    fail_usage("--strand-column (1-based) and --strand-index (0-based) name the same column; give one");
  return strand_index >= 0 ? strand_index + 1 : strand_column;
}

void run_encode(const EncodeRequest& o, Run& run) {
  const ResolvedInput in = resolve_input(o);
  BadLines bad(&run.skips, o.skip_bad);
  std::unique_ptr<ReferenceGenome> genome;
  if (in.format != InputFormat::fasta_records && in.format != InputFormat::sequences)
    genome = ReferenceGenome::open(o.genome);
  EncodeSettings settings;
  settings.length = o.length;
  settings.variant_index = o.variant_index;
  settings.variant_windows = o.windows == "selene" ? VariantWindows::selene : VariantWindows::s2f;
  settings.require_strand = o.require_strand;
  settings.cache_bytes = o.cache_mb << 20;
  settings.null_shuffles = parse_null_shuffles(o.null);
  settings.null_seed = run.opt.seed.value_or(defaults::null_flank_seed);
  settings.selene_labels = o.selene_labels;
  if (o.vcf.size() > 1)
    for (const auto& path : o.vcf) settings.sources.push_back(selene_prefix_of(path));
  WindowEncoder encoder(genome.get(), settings, run.skips);
  const std::vector<std::string> selene_na_files = selene_na_paths(o, settings.sources);
  std::vector<std::unique_ptr<TextOutput>> selene_na;
  std::vector<TextOutput*> selene_na_lists;
  for (const auto& f : selene_na_files) {
    selene_na.push_back(std::make_unique<TextOutput>(f));
    selene_na_lists.push_back(selene_na.back().get());
  }
  encoder.set_selene_na(selene_na_lists);

  const int strand_column = strand_column_of(o.strand_column, o.strand_index);
  const bool selene_vcf = settings.variant_windows == VariantWindows::selene;
  auto source = o.vcf.size() > 1 ? open_vcf_sources(o.vcf, strand_column, bad, run.skips, selene_vcf)
                                 : open_job_source(in.format, in.path, strand_column, bad, run.skips, selene_vcf);
  stream::Header header = stream::make_header(stream::kind::sequences, encoder.schema(source->has_labels()),
                                              run.provenance(), source->header());
  header.meta["geometry"] = geometry(o);
  if (genome) header.meta["reference"] = genome->describe();
  header.meta["encode_input"] = {{"format", input_format_name(in.format)}, {"path", in.path}};
  describe_origins(o, in.format, in.path, settings.sources, selene_na_files, header.meta);
  // Downstream stages (s2f-score --tsv) carry the side file along with their
  // results. The path as the user gave it: headers never record directories
  // the user did not name.
  if (!run.skips.path().empty()) header.meta["na_file"] = run.skips.path();
  // s2f-score finds each variant's null windows (alleles r/a) by this.
  if (settings.null_shuffles > 0)
    header.meta["null"] = {{"kind", "shuffled-flanks"}, {"count", settings.null_shuffles}, {"seed", settings.null_seed}};
  auto writer = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));

  EncodeCounts counts = run_encoder(*source, encoder, *writer, run);
  for (auto& list : selene_na) list->commit();
  writer->finish();
  if (encoder.names() && !encoder.names()->mapping_summary().empty()) warn(encoder.names()->mapping_summary());
  run.summary_extra = summarize(counts, bad.count());
}

}  // namespace s2f::genome
