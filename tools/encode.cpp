// s2f-encode: positions, intervals, variants and sequences in; fixed-length
// windows of base codes out (a `sequences` stream). The window arithmetic is
// in libcommon/src/genome/WINDOWS.md and in --help below.
#include <optional>
#include <filesystem>
#include <string>

#include "s2f/error.hpp"
#include "s2f/genome/encoder.hpp"
#include "s2f/genome/job_sources.hpp"
#include "s2f/genome/window.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::genome;

namespace {

constexpr const char* kWindowRules = R"(
Windows (L = --length; positions are 0-based):
  position p         window [p - floor(L/2), p - floor(L/2) + L); p sits at index floor(L/2)
                     (odd L: the centre; even L: first base right of the middle).
  BED interval       p = start + floor((end - start)/2); narrowPeak: p = start + summit.
  variant (VCF POS)  p = POS - 1; REF's first base at index I = ceil(L/2) - 1 - floor(len(REF)/2)
                     (Selene: a SNV at L/2 - 1 for even L), or I = --variant-index.
                     REF window = genome[p - I, p - I + L) with the VCF REF written at [I, I+len(REF)).
                     ALT window = genome[.., p) + ALT + genome[p + len(REF), ..), kept L long:
                     insertion of d extra bases: floor(d/2) cropped left, ceil(d/2) right;
                     deletion of k bases: floor(k/2) more genome bases on the left, ceil(k/2) right.
  strand '-'         both windows reverse-complemented after they are built ('.' counts as '+').
  FASTA/sequence     shorter than L: N-padded floor((L-n)/2) left, the rest right;
                     longer: floor((n-L)/2) bases dropped on the left, centre kept.
Records whose window leaves the chromosome, on unknown chromosomes, or otherwise skipped go to
the side file (--na) with the reason, and are counted in the run summary.
Input: an s2f stream (positions, intervals or variants; default stdin) or a file whose format is
taken from its name (.vcf[.gz], .bcf, .bed[.gz], .narrowPeak[.gz], .fa/.fasta/.fna[.gz]);
--bed/--narrowpeak/--vcf/--fasta-records/--sequences name the format explicitly.)";

struct EncodeOptions {
  std::string input = "-";
  std::string bed, narrowpeak, vcf, fasta_records, sequences;
  std::string genome;
  int64_t length = 0;
  std::optional<int64_t> variant_index;
  int strand_column = 0;
  bool require_strand = false;
  bool skip_bad = false;
  std::string na;
  uint64_t cache_mb = 2048;
};

std::string default_side_file(const std::string& output) {
  return output == "-" ? std::string("s2f-encode.na.tsv") : output + ".na.tsv";
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("encode", "Turn positions, intervals, variants or sequences into fixed-length windows",
            "ln -s demo-out/genome demo    # the README demo's genome (./dev.sh demo): genes, cCREs, peaks, variants\n"
            "  s2f-encode -g demo/genome.fa -L 1000 --vcf demo/variants.vcf -o windows.s2f   # skips -> windows.s2f.na.tsv\n"
            "  s2f-encode -g demo/genome.fa -L 2114 demo/peaks.narrowPeak | s2f-view --head 3\n"
            "  s2f-sample-positions -g demo/genome.fa --annotation demo/genes.gtf --strategy tss --count 10 \\\n"
            "    | s2f-encode -g demo/genome.fa -L 2114 | s2f-view --head 3\n" +
                std::string(kWindowRules));
  tool.use(Opt::Output | Opt::Threads | Opt::Compress);
  EncodeOptions o;
  auto& app = tool.app();
  app.add_option("input", o.input, "s2f stream or a file with a recognised extension (- = stdin stream)");
  app.add_option("-g,--genome", o.genome, "Reference FASTA (plain or BGZF; .fai built if missing)");
  app.add_option("-L,--length", o.length, "Window length in bases")->required();
  app.add_option("--bed", o.bed, "BED file (3+ columns); window centred on each interval's midpoint");
  app.add_option("--narrowpeak", o.narrowpeak, "narrowPeak file; window centred on each summit");
  app.add_option("--vcf", o.vcf, "VCF/BCF file: a REF and an ALT window per ALT allele");
  app.add_option("--fasta-records", o.fasta_records, "FASTA whose records are padded/cropped to L (no genome needed)");
  app.add_option("--sequences", o.sequences, "Text file with one SEQ or ID<TAB>SEQ per line (no genome needed)");
  app.add_option("--variant-index", o.variant_index,
                 "Index (0-based) of the first REF base in the window, instead of ceil(L/2)-1-floor(len(REF)/2)");
  app.add_option("--strand-column", o.strand_column, "1-based column of BED/VCF lines holding +, - or .");
  app.add_flag("--require-strand", o.require_strand, "Send records with strand '.' to the side file instead of using +");
  app.add_flag("--skip-bad", o.skip_bad, "Count malformed lines and write them to the side file instead of stopping");
  app.add_option("--na", o.na, "Side file of skipped records with reasons (default: OUTPUT.na.tsv, or s2f-encode.na.tsv for stdout)");
  app.add_option("--cache-mb", o.cache_mb, "Whole contigs kept in memory (MB; the current one is always kept)")
      ->capture_default_str();

  return tool.run(argc, argv, [&](Run& run) {
    // Option combinations, one message each.
    int named = !o.bed.empty() + !o.narrowpeak.empty() + !o.vcf.empty() + !o.fasta_records.empty() +
                !o.sequences.empty();
    if (named > 1) fail_usage("give one input: --bed, --narrowpeak, --vcf, --fasta-records or --sequences");
    if (named == 1 && o.input != "-") fail_usage("an input file and --" + std::string("bed/--vcf/... both given"));
    if (o.length < 1) fail_usage("-L/--length must be at least 1");
    if (o.length > (int64_t{1} << 28)) fail_usage("-L/--length " + std::to_string(o.length) + " is implausibly large");
    if (o.variant_index && (*o.variant_index < 0 || *o.variant_index >= o.length))
      fail_usage("--variant-index must be in [0, L)");
    if (o.strand_column < 0) fail_usage("--strand-column is 1-based and must be positive");

    InputFormat format = InputFormat::stream;
    std::string path = o.input;
    if (!o.bed.empty()) format = InputFormat::bed, path = o.bed;
    else if (!o.narrowpeak.empty()) format = InputFormat::narrowpeak, path = o.narrowpeak;
    else if (!o.vcf.empty()) format = InputFormat::vcf, path = o.vcf;
    else if (!o.fasta_records.empty()) format = InputFormat::fasta_records, path = o.fasta_records;
    else if (!o.sequences.empty()) format = InputFormat::sequences, path = o.sequences;
    else if (o.input != "-") format = detect_input_format(o.input);

    const bool needs_genome = format != InputFormat::fasta_records && format != InputFormat::sequences;
    if (needs_genome && o.genome.empty()) fail_usage("-g/--genome is required for " + std::string(input_format_name(format)) + " input");
    if (o.strand_column > 0 && (format == InputFormat::stream || !needs_genome))
      fail_usage("--strand-column applies to BED, narrowPeak and VCF input only");
    if (o.require_strand && o.strand_column == 0 && format != InputFormat::stream)
      fail_usage("--require-strand needs --strand-column for " + std::string(input_format_name(format)) + " input");

    run.skips.set_path(o.na.empty() ? default_side_file(run.opt.output) : o.na);
    BadLines bad(&run.skips, o.skip_bad);

    std::unique_ptr<ReferenceGenome> genome;
    if (needs_genome) genome = ReferenceGenome::open(o.genome);
    EncodeSettings settings;
    settings.length = o.length;
    settings.variant_index = o.variant_index;
    settings.require_strand = o.require_strand;
    settings.cache_bytes = o.cache_mb << 20;
    WindowEncoder encoder(genome.get(), settings, run.skips);

    auto source = open_job_source(format, path, o.strand_column, bad, run.skips);
    stream::Header header = stream::make_header(stream::kind::sequences, encoder.schema(source->has_labels()), run.provenance(),
                                                source->header());
    header.meta["geometry"] = {
        {"sequence_length", o.length},
        {"position_index", position_index(o.length)},
        {"variant_index", o.variant_index ? nlohmann::json(*o.variant_index)
                                          : nlohmann::json("ceil(L/2)-1-floor(len(REF)/2)")},
        {"indels", "insertions cropped floor(d/2) left, ceil(d/2) right; deletions refilled floor(k/2) left, ceil(k/2) right"},
        {"strand", "'-' windows are reverse-complemented"}};
    if (genome) header.meta["reference"] = genome->describe();
    header.meta["encode_input"] = {{"format", input_format_name(format)}, {"path", path}};
    // Downstream stages (s2f-score --tsv) carry the side file along with their results.
    header.meta["na_file"] = std::filesystem::absolute(run.skips.path()).string();
    auto writer = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));

    EncodeCounts counts = run_encoder(*source, encoder, *writer, run);
    writer->finish();

    if (encoder.names() && !encoder.names()->mapping_summary().empty()) warn(encoder.names()->mapping_summary());
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
    if (bad.count()) extra += " malformed " + std::to_string(bad.count());
    run.summary_extra = extra;
    return 0;
  });
}
