// s2f-sample-positions: decide which genomic positions a pipeline looks at.
// Strategies follow chorus (background sets for per-track CDFs) and Selene
// (random and intervals samplers with holdouts); the algorithms live in
// libcommon/src/sampling.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/sampling/position_sampler.hpp"
#include "s2f/shard.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::genome;
using namespace s2f::sampling;

namespace {

struct StrategyDefaults {
  uint64_t count, seed;
  int64_t margin;
};

// Counts and seeds of chorus's background builds and Selene's sampler seed.
const std::map<std::string, StrategyDefaults>& defaults() {
  static const std::map<std::string, StrategyDefaults> d{
      {"intergenic", {15000, 789, 10000}}, {"ccre", {11500, 456, 0}},    {"tss", {3000, 111, 0}},
      {"gene-body", {2000, 222, 0}},       {"snps", {10000, 42, 5000000}}, {"random", {10000, 436, 0}},
      {"intervals", {10000, 436, 0}},      {"chorus-baselines", {0, 0, 10000}}};
  return d;
}


void print_summary(const std::map<std::string, uint64_t>& per_category, const std::map<std::string, uint64_t>& requested,
                   const std::map<std::string, uint64_t>& per_partition) {
  for (const auto& [cat, n] : per_category) {
    std::string line = program_name() + ": " + cat + " " + std::to_string(n);
    if (auto it = requested.find(cat); it != requested.end() && it->second != n)
      line += " (requested " + std::to_string(it->second) + ": fewer candidates)";
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::string parts = program_name() + ": partitions";
  for (const auto& [p, n] : per_partition) parts += " " + p + " " + std::to_string(n);
  std::fprintf(stderr, "%s\n", parts.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("sample-positions", "Sample genomic positions (chorus backgrounds, Selene samplers) as a stream",
            "ln -s demo-out/genome demo    # the README demo's genome (./dev.sh demo): genes, cCREs, peaks, variants\n"
            "  s2f-sample-positions -g demo/genome.fa --annotation demo/genes.gtf --strategy tss --count 10 | s2f-view\n"
            "  s2f-sample-positions -g demo/genome.fa --annotation demo/genes.gtf --ccres demo/ccres.bed \\\n"
            "    --strategy chorus-baselines -o baselines.s2f\n"
            "  s2f-sample-positions -g demo/genome.fa --strategy random --count 1000 --margin 1057 \\\n"
            "    --validation-holdout chr2 --test-holdout 0.1 --mode train | s2f-encode -g demo/genome.fa -L 2114 | s2f-view --head 3\n"
            "  s2f-sample-positions -g demo/genome.fa --strategy snps --chromosomes chr1,chr2 --margin 5000 | s2f-view --vcf\n\n"
            "Strategies (default count, seed, margin):\n"
            "  intergenic        uniform outside genes +- margin and N runs (15000, 789, 10000)\n"
            "  ccre              cCRE midpoints, even quota per SCREEN category (11500, 456)\n"
            "  tss               distinct TSSs of --gene-type transcripts, strand-aware (3000, 111)\n"
            "  gene-body         midpoints of --gene-type genes longer than --min-gene-length (2000, 222)\n"
            "  chorus-baselines  the four above with their defaults, in that order\n"
            "  snps              SNPs on chr1-22 >= margin from the ends, REF from the genome, ALT uniform\n"
            "                    over the other three bases; writes a variants stream (10000, 42, 5000000)\n"
            "  random            Selene: uniform over the genome minus N runs and blacklist (10000, 436, 0)\n"
            "  intervals         Selene: uniform inside --intervals BED (10000, 436, 0)\n"
            "Every output is sorted by (chromosome, position); the same inputs and seed give the same bytes for\n"
            "any -t, and --shard k/n slices concatenate to the unsharded output.");
  tool.use(Opt::Output | Opt::Threads | Opt::Seed | Opt::Shard | Opt::Compress);
  SamplingRequest o;
  auto& app = tool.app();
  app.add_option("-g,--genome", o.genome, "Reference FASTA (plain or BGZF)")->required();
  app.add_option("--strategy", o.strategy, "intergenic|ccre|tss|gene-body|chorus-baselines|snps|random|intervals")
      ->required();
  app.add_option("-n,--count", o.count, "How many positions (default: the strategy's)");
  app.add_option("--margin", o.margin,
                 "Bases: intergenic distance from genes; snps/random/intervals distance from chromosome ends");
  app.add_option("--annotation", o.annotation, "GTF/GFF3 genes (intergenic, tss, gene-body)");
  app.add_option("--gene-type", o.gene_type, "gene_type for tss and gene-body ('any' keeps all)")->capture_default_str();
  app.add_option("--min-gene-length", o.min_gene_length, "gene-body: genes longer than this")->capture_default_str();
  app.add_option("--ccres", o.ccres, "SCREEN cCRE BED (ccre)");
  app.add_option("--category-column", o.category_column, "1-based cCRE category column (default: the last)");
  app.add_option("--quota", o.quotas, "ccre: CATEGORY=COUNT overriding the even split (repeatable)");
  app.add_option("--intervals", o.intervals, "BED of intervals to sample inside (intervals)");
  app.add_option("--blacklist", o.blacklist, "BED of regions never sampled");
  app.add_option("--chromosomes", o.chromosomes, "Comma-separated chromosomes to sample from (snps default: 1-22)");
  app.add_option("--validation-holdout", o.validation_holdout, "Chromosomes (chr6,chr7) or a proportion written with a decimal point (0.1)");
  app.add_option("--test-holdout", o.test_holdout, "Chromosomes (chr8,chr9) or a proportion written with a decimal point (0.1)");
  app.add_option("--mode", o.mode, "Partition to sample: train|validate|test|all")->capture_default_str();
  app.add_flag("--skip-bad", o.skip_bad, "Count malformed annotation lines into the side file instead of stopping");
  app.add_option("--na", o.na, "Side file for skipped lines (default: OUTPUT.na.tsv or s2f-sample-positions.na.tsv)");

  return tool.run(argc, argv, [&](Run& run) {
    if (!defaults().count(o.strategy)) fail_usage("unknown --strategy '" + o.strategy + "'", "see --help for the list");
    if (o.mode != "all" && o.mode != "train" && o.mode != "validate" && o.mode != "test")
      fail_usage("--mode must be train, validate, test or all");
    if (o.strategy == "chorus-baselines" && o.count) fail_usage("--count does not apply to chorus-baselines", "run the strategies one by one to change counts");
    if (o.margin && *o.margin < 0) fail_usage("--margin must be >= 0");
    run.skips.set_path(!o.na.empty() ? o.na
                       : run.opt.output == "-" ? std::string("s2f-sample-positions.na.tsv")
                                               : run.opt.output + ".na.tsv");
    BadLines bad(&run.skips, o.skip_bad);
    auto genome = ReferenceGenome::open(o.genome);
    PositionSampler sampler(o, *genome, bad);
    const StrategyDefaults d = defaults().at(o.strategy);
    const uint64_t count = o.count.value_or(d.count);
    const uint64_t seed = run.opt.seed.value_or(d.seed);
    const int64_t margin = o.margin.value_or(d.margin);

    nlohmann::json sampling = {{"strategy", o.strategy}, {"mode", o.mode}};
    if (o.strategy != "chorus-baselines") sampling.update({{"count", count}, {"seed", seed}, {"margin", margin}});
    if (!o.validation_holdout.empty()) sampling["validation_holdout"] = o.validation_holdout;
    if (!o.test_holdout.empty()) sampling["test_holdout"] = o.test_holdout;

    // Both kinds of output carry how they were sampled and from which genome.
    auto open_output = [&](const char* kind, stream::Schema schema) {
      auto h = stream::make_header(kind, std::move(schema), run.provenance());
      h.meta["sampling"] = sampling;
      h.meta["reference"] = genome->describe();
      return stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(h));
    };
    std::map<std::string, uint64_t> per_category, per_partition;
    if (o.strategy == "snps") {
      auto snps = sampler.snps(count, seed, margin);
      auto [lo, hi] = run.opt.shard.range(snps.size());
      auto w = open_output(stream::kind::variants, stream::variants_schema());
      const auto& s = w->header().schema;
      size_t f_id = s.index("id"), f_chrom = s.index("chrom"), f_pos = s.index("pos"), f_strand = s.index("strand"),
             f_ref = s.index("ref"), f_alt = s.index("alt");
      for (uint64_t i = lo; i < hi; ++i) {
        const auto& v = snps[i];
        auto& b = w->batch();
        size_t r = b.add_record();
        b.set_str(f_id, r, v.id);
        b.set_str(f_chrom, r, genome->contigs()[static_cast<size_t>(v.contig)].name);
        b.set_scalar<int64_t>(f_pos, r, v.pos);
        b.set_scalar<uint8_t>(f_strand, r, '+');
        b.set_str(f_ref, r, std::string(1, v.ref));
        b.set_str(f_alt, r, std::string(1, v.alt));
        w->end_record();
        ++per_category["snp"];
        ++per_partition[partition_name(v.partition)];
      }
      w->finish();
      run.records_out = hi - lo;
    } else {
      std::vector<SampledPosition> all;
      auto append = [&](std::vector<SampledPosition> v) { all.insert(all.end(), v.begin(), v.end()); };
      auto sub_seed = [&](const char* name, uint64_t k) {
        return run.opt.seed ? mix_seed(*run.opt.seed ^ k) : defaults().at(name).seed;
      };
      if (o.strategy == "intergenic") append(sampler.intergenic(count, seed, margin));
      else if (o.strategy == "ccre") append(sampler.ccre(count, seed));
      else if (o.strategy == "tss") append(sampler.tss(count, seed));
      else if (o.strategy == "gene-body") append(sampler.gene_body(count, seed));
      else if (o.strategy == "random") append(sampler.random(count, seed, margin));
      else if (o.strategy == "intervals") append(sampler.intervals(count, seed, margin));
      else {
        append(sampler.intergenic(defaults().at("intergenic").count, sub_seed("intergenic", 1), margin));
        append(sampler.ccre(defaults().at("ccre").count, sub_seed("ccre", 2)));
        append(sampler.tss(defaults().at("tss").count, sub_seed("tss", 3)));
        append(sampler.gene_body(defaults().at("gene-body").count, sub_seed("gene-body", 4)));
      }
      // Drawn positions get ids by rank in the whole (unsharded) list.
      std::map<std::string, uint64_t> rank;
      for (auto& p : all)
        if (p.id.empty()) p.id = p.category + "_" + std::to_string(++rank[p.category]);
      auto [lo, hi] = run.opt.shard.range(all.size());
      auto w = open_output(stream::kind::positions, stream::positions_schema());
      const auto& s = w->header().schema;
      size_t f_id = s.index("id"), f_chrom = s.index("chrom"), f_pos = s.index("pos"), f_strand = s.index("strand"),
             f_cat = s.index("category"), f_part = s.index("partition");
      for (uint64_t i = lo; i < hi; ++i) {
        const auto& p = all[i];
        auto& b = w->batch();
        size_t r = b.add_record();
        b.set_str(f_id, r, p.id);
        b.set_str(f_chrom, r, genome->contigs()[static_cast<size_t>(p.contig)].name);
        b.set_scalar<int64_t>(f_pos, r, p.pos);
        b.set_scalar<uint8_t>(f_strand, r, p.strand);
        b.set_str(f_cat, r, p.category);
        b.set_str(f_part, r, partition_name(p.partition));
        w->end_record();
        ++per_category[p.category];
        ++per_partition[partition_name(p.partition)];
      }
      w->finish();
      run.records_out = hi - lo;
    }
    if (!sampler.names().mapping_summary().empty()) warn(sampler.names().mapping_summary());
    if (sampler.unknown())
      warn(std::to_string(sampler.unknown()) + " annotation/BED record(s) lie on chromosomes the genome lacks or beyond their ends, and were not used");
    if (sampler.other_categories())
      warn(std::to_string(sampler.other_categories()) + " cCRE(s) of other categories were not used");
    if (!run.opt.quiet) print_summary(per_category, sampler.requested(), per_partition);
    return 0;
  });
}
