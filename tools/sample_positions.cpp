// s2f-sample-positions: decide which genomic positions a pipeline looks at.
// Strategies follow chorus (background sets for per-track CDFs) and Selene
// (random and intervals samplers with holdouts); the algorithms live in
// libcommon/src/sampling.
#include <string>

#include "s2f/error.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/sampling/position_sampler.hpp"
#include "s2f/sampling/sampling_preset.hpp"
#include "s2f/sampling/sampling_run.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::genome;
using namespace s2f::sampling;

int main(int argc, char** argv) {
  Tool tool("sample-positions", "Sample genomic positions (chorus backgrounds, Selene samplers) as a stream",
            "ln -s demo-out/genome demo    # the README demo's genome (./dev.sh demo): genes, cCREs, peaks, variants\n"
            "  s2f-sample-positions -g demo/genome.fa --annotation demo/genes.gtf --strategy tss --count 10 | s2f-view\n"
            "  s2f-sample-positions -g demo/genome.fa --annotation demo/genes.gtf --ccres demo/ccres.bed \\\n"
            "    --strategy chorus-baselines -o baselines.s2f\n"
            "  s2f-sample-positions -g demo/genome.fa --strategy random --count 1000 --margin 1057 \\\n"
            "    --validation-holdout chr2 --test-holdout 0.1 --mode train | s2f-encode -g demo/genome.fa -L 2114 | s2f-view --head 3\n"
            "  s2f-sample-positions -g demo/genome.fa --strategy snps --chromosomes chr1,chr2 --margin 5000 | s2f-view --vcf\n"
            "  s2f-sample-positions -g demo/genome.fa --strategy tile --tile-length 300 --input-length 500 --chromosomes chr1 \\\n"
            "    | s2f-encode -g demo/genome.fa -L 500 | s2f-predict --model demo | s2f-view --bigwig tracks/chr1\n\n" +
                std::string(sampling_help_details()));
  tool.use(Opt::Output | Opt::Threads | Opt::Seed | Opt::Shard | Opt::Compress | Opt::Skipped);
  SamplingRequest o;
  auto& app = tool.app();
  app.add_option("-g,--genome", o.genome,
                 "Reference FASTA (plain or BGZF; indexed as s2f-encode -g does, never writing next to it)")
      ->required();
  app.add_option("--strategy", o.strategy, "intergenic|ccre|tss|gene-body|chorus-baselines|snps|random|intervals|tile")
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
  app.add_option("--intervals", o.intervals, "BED of intervals to sample inside (intervals) or to tile (tile)");
  app.add_option("--tile-length", o.tile_length, "tile: the model's output window in bp (bins x bin size), the stride");
  app.add_option("--input-length", o.input_length, "tile: the model's input window in bp (s2f-encode -L)");
  app.add_option("--flank", o.flank, "tile: widen each --intervals region by this many bp on both sides");
  app.add_option("--blacklist", o.blacklist, "BED of regions never sampled");
  app.add_option("--chromosomes", o.chromosomes, "Comma-separated chromosomes to sample from (snps default: 1-22)");
  app.add_option("--validation-holdout", o.validation_holdout, "Chromosomes (chr6,chr7) or a proportion written with a decimal point (0.1)");
  app.add_option("--test-holdout", o.test_holdout, "Chromosomes (chr8,chr9) or a proportion written with a decimal point (0.1)");
  app.add_option("--mode", o.mode, "Partition to sample: train|validate|test|all (default all; selene: train)");
  app.add_option("--preset", o.preset, "selene: Selene's sampler defaults for every option not given (see above)");
  app.add_option("--sequence-length", o.sequence_length,
                 "random/intervals: the model's input window (s2f-encode -L); windows stay on their chromosome");
  app.add_option("--center-bin", o.center_bin, "Bases at the window's centre that --targets labels (default 200)");
  app.add_option("--strand", o.strand, "random/intervals: + (default) or random (Selene: either strand, p = 1/2)");
  app.add_option("--holdout-by", o.holdout_by,
                 "Proportional holdouts: blocks (default, <= 1 Mb pieces) or whole (chromosomes/interval lines, Selene)");
  app.add_option("--blacklist-rule", o.blacklist_rule,
                 "position (default: the sampled base is outside) or window (the whole --sequence-length window, Selene)");
  app.add_option("--n-runs", o.n_runs, "random: skip (default) or keep positions in N runs (Selene keeps them)");
  app.add_option("--targets", o.targets, "Selene target BED: chrom, start, end, strand, feature (plain or .gz)");
  app.add_option("--features", o.features, "Features list for --targets: one name per line, line order = class index");
  app.add_option("--feature-threshold", o.feature_thresholds,
                 "Share of the centre bin a feature must cover: 0.5 (default), or NAME=VALUE / default=VALUE (repeatable)");
  app.add_flag("--sample-negative", o.sample_negative, "intervals: keep samples with no positive feature (Selene's sample_negative)");
  app.add_option("--save-dataset", o.save_dataset, "Write the written samples as Selene's save_datasets BED");
  app.add_flag("--skip-bad", o.skip_bad, "Count malformed annotation lines into the side file instead of stopping");

  return tool.run(argc, argv, [&](Run& run) {
    resolve_sampling_request(o, run.opt.seed.has_value());
    BadLines bad(&run.skips, o.skip_bad);
    auto genome = ReferenceGenome::open(o.genome);
    PositionSampler sampler(o, *genome, bad);
    SamplingCounts counts = sample_and_write(o, sampler, *genome, run);
    report_sampling(sampler, counts, run.opt.quiet);
    return 0;
  });
}
