#include "s2f/sampling/sampling_run.hpp"

#include <cstdio>
#include <memory>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/rng.hpp"
#include "s2f/sampling/strategy_defaults.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/locus_records.hpp"

namespace s2f::sampling {
namespace {

// chorus-baselines: the four background strategies with their own defaults,
// in chorus's order; --seed derives one seed per strategy.
std::vector<SampledPosition> draw_positions(const SamplingRequest& o, PositionSampler& sampler, uint64_t count,
                                            uint64_t seed, int64_t margin, const std::optional<uint64_t>& user_seed) {
  const std::string& s = o.strategy;
  if (s == "intergenic") return sampler.intergenic(count, seed, margin);
  if (s == "ccre") return sampler.ccre(count, seed);
  if (s == "tss") return sampler.tss(count, seed);
  if (s == "gene-body") return sampler.gene_body(count, seed);
  if (s == "random") return sampler.random(count, seed, margin);
  if (s == "intervals") return sampler.intervals(count, seed, margin);
  auto sub = [&](const char* name, uint64_t k) {
    return user_seed ? mix_seed(*user_seed ^ k) : strategy_defaults(name)->seed;
  };
  std::vector<SampledPosition> all;
  auto append = [&](std::vector<SampledPosition> v) { all.insert(all.end(), v.begin(), v.end()); };
  append(sampler.intergenic(strategy_defaults("intergenic")->count, sub("intergenic", 1), margin));
  append(sampler.ccre(strategy_defaults("ccre")->count, sub("ccre", 2)));
  append(sampler.tss(strategy_defaults("tss")->count, sub("tss", 3)));
  append(sampler.gene_body(strategy_defaults("gene-body")->count, sub("gene-body", 4)));
  return all;
}

}  // namespace

SamplingCounts sample_and_write(const SamplingRequest& o, PositionSampler& sampler,
                                const genome::ReferenceGenome& genome, Run& run) {
  if (o.strategy == "tile") return write_tiles(o, sampler, genome, run);
  const StrategyDefaults* d = strategy_defaults(o.strategy);
  if (!d) fail_usage("unknown --strategy '" + o.strategy + "'", "see --help for the list");
  const uint64_t count = o.count.value_or(d->count);
  const uint64_t seed = run.opt.seed.value_or(d->seed);
  const int64_t margin = o.margin.value_or(d->margin);

  nlohmann::json sampling = {{"strategy", o.strategy}, {"mode", o.mode}};
  if (o.strategy != "chorus-baselines") sampling.update({{"count", count}, {"seed", seed}, {"margin", margin}});
  if (!o.validation_holdout.empty()) sampling["validation_holdout"] = o.validation_holdout;
  if (!o.test_holdout.empty()) sampling["test_holdout"] = o.test_holdout;
  if (!o.preset.empty()) sampling["preset"] = o.preset;
  if (o.strategy == "random" || o.strategy == "intervals") {
    sampling.update({{"strand", o.strand}, {"holdout_by", o.holdout_by}, {"blacklist_rule", o.blacklist_rule}});
    if (o.strategy == "random") sampling["n_runs"] = o.n_runs;
    if (o.sequence_length) sampling["sequence_length"] = *o.sequence_length;
    if (o.center_bin) sampling["center_bin"] = *o.center_bin;
  }
  if (!o.targets.empty()) {
    sampling["targets"] = o.targets;
    sampling["features"] = sampler.targets().features();
    if (o.strategy == "intervals") sampling["sample_negative"] = o.sample_negative;
  }
  // Both kinds of output carry how they were sampled and from which genome.
  auto open_output = [&](const char* kind, stream::Schema schema) {
    auto h = stream::make_header(kind, std::move(schema), run.provenance());
    h.meta["sampling"] = sampling;
    h.meta["reference"] = genome.describe();
    return stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(h));
  };
  auto chrom = [&](int contig) -> const std::string& { return genome.contigs()[static_cast<size_t>(contig)].name; };

  SamplingCounts counts;
  if (o.strategy == "snps") {
    auto snps = sampler.snps(count, seed, margin);
    auto [lo, hi] = run.opt.shard.range(snps.size());
    auto w = open_output(stream::kind::variants, stream::variants_schema());
    stream::VariantAppender out(*w);
    for (uint64_t i = lo; i < hi; ++i) {
      const auto& v = snps[i];
      out.append(v.id, chrom(v.contig), v.pos, '+', std::string(1, v.ref), std::string(1, v.alt));
      ++counts.per_category["snp"];
      ++counts.per_partition[partition_name(v.partition)];
    }
    w->finish();
    run.records_out = hi - lo;
    return counts;
  }
  auto all = draw_positions(o, sampler, count, seed, margin, run.opt.seed);
  // Drawn positions get ids by rank in the whole (unsharded) list, made as
  // they are written rather than stored with every position.
  std::map<std::string, uint64_t> rank;
  auto [lo, hi] = run.opt.shard.range(all.size());
  auto w = open_output(stream::kind::positions, stream::positions_schema());
  stream::PositionAppender out(*w);
  // Selene's saved dataset: the window, its strand and the class indices of
  // its centre bin, one line per written sample, in stream order.
  std::unique_ptr<TextOutput> dataset;
  if (!o.save_dataset.empty()) dataset = std::make_unique<TextOutput>(o.save_dataset);
  const SeleneBins bins = sampler.bins();
  std::string id;
  for (uint64_t i = 0; i < hi; ++i) {
    const auto& p = all[i];
    if (p.id.empty()) {
      const uint64_t r = ++rank[p.category];
      if (i < lo) continue;
      id = p.category + "_" + std::to_string(r);
    } else {
      if (i < lo) continue;
      id = p.id;
    }
    out.append(id, chrom(p.contig), p.pos, p.strand, p.category, partition_name(p.partition));
    if (dataset)
      dataset->write(chrom(p.contig) + "\t" + std::to_string(bins.window_start(p.pos)) + "\t" +
                     std::to_string(bins.window_end(p.pos)) + "\t" + static_cast<char>(p.strand) + "\t" +
                     class_indices_column(sampler.targets().positives(p.contig, bins.bin_start(p.pos), bins.bin_end(p.pos))) +
                     "\n");
    ++counts.per_category[p.category];
    ++counts.per_partition[partition_name(p.partition)];
  }
  if (dataset) dataset->commit();
  w->finish();
  run.records_out = hi - lo;
  return counts;
}

void report_sampling(PositionSampler& sampler, const SamplingCounts& counts, bool quiet) {
  if (!sampler.names().mapping_summary().empty()) warn(sampler.names().mapping_summary());
  if (sampler.unknown())
    warn(std::to_string(sampler.unknown()) +
         " annotation/BED record(s) lie on chromosomes the genome lacks or beyond their ends, and were not used" +
         sampler.unknown_chromosome_list());
  if (sampler.other_categories())
    warn(std::to_string(sampler.other_categories()) + " cCRE(s) of other categories were not used");
  if (quiet || counts.per_partition.empty()) return;
  const auto& requested = sampler.requested();
  for (const auto& [cat, n] : counts.per_category) {
    std::string line = program_name() + ": " + cat + " " + std::to_string(n);
    if (auto it = requested.find(cat); it != requested.end() && it->second != n)
      line += " (requested " + std::to_string(it->second) + ": fewer candidates)";
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::string parts = program_name() + ": partitions";
  for (const auto& [p, n] : counts.per_partition) parts += " " + p + " " + std::to_string(n);
  std::fprintf(stderr, "%s\n", parts.c_str());
}

}  // namespace s2f::sampling
