// The strategies of s2f-sample-positions wired to their inputs: reads the
// annotation, cCRE, interval and blacklist files a request names, resolves
// chromosomes and holdouts against the genome, and returns sorted samples.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "s2f/genome/annotation.hpp"
#include "s2f/genome/chrom_names.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/genome/text_lines.hpp"
#include "s2f/sampling/feature_targets.hpp"
#include "s2f/sampling/holdout.hpp"
#include "s2f/sampling/regions.hpp"
#include "s2f/sampling/strategies.hpp"

namespace s2f::sampling {

// What the command line asked for (s2f-sample-positions options).
// Options left empty are filled by resolve_sampling_request (sampling_preset.hpp).
struct SamplingRequest {
  std::string genome, strategy, annotation, ccres, intervals, blacklist, chromosomes;
  std::string validation_holdout, test_holdout, mode, gene_type = "protein_coding";
  // --preset selene: Selene's sampler defaults for every option not given.
  std::string preset;
  // Selene's window: the model's input length and its labelled centre bin.
  std::optional<int64_t> sequence_length, center_bin;
  // strand: + | random; holdout_by: blocks | whole; blacklist_rule:
  // position | window; n_runs: skip | keep.
  std::string strand, holdout_by, blacklist_rule, n_runs;
  // Selene's targets: feature BED, features list, thresholds, and the BED of
  // sampled windows with their class indices (save_datasets).
  std::string targets, features, save_dataset;
  std::vector<std::string> feature_thresholds;
  bool sample_negative = false;
  std::optional<uint64_t> count;
  std::optional<int64_t> margin;
  int64_t min_gene_length = 10000;
  int category_column = 0;
  std::vector<std::string> quotas;
  bool skip_bad = false;
  // tile: the output window (stride), the input window, --intervals widening
  int64_t tile_length = 0, input_length = 0, flank = 0;
};

// A requested region s2f-sample-positions could not use as given, for the
// side file: the line (or region), where it is, and what happened to it.
struct RegionNote {
  std::string record, where, reason;
};

class PositionSampler {
 public:
  PositionSampler(const SamplingRequest& request, const genome::ReferenceGenome& genome, genome::BadLines& bad)
      : o_(request), genome_(genome), names_(genome.contigs()), bad_(bad) {}

  // The strategies; each returns its sample sorted by (contig, position).
  std::vector<SampledPosition> intergenic(uint64_t count, uint64_t seed, int64_t margin);
  std::vector<SampledPosition> ccre(uint64_t count, uint64_t seed);
  std::vector<SampledPosition> tss(uint64_t count, uint64_t seed);
  std::vector<SampledPosition> gene_body(uint64_t count, uint64_t seed);
  std::vector<SampledPosition> random(uint64_t count, uint64_t seed, int64_t margin);
  std::vector<SampledPosition> intervals(uint64_t count, uint64_t seed, int64_t margin);
  std::vector<SampledSnp> snps(uint64_t count, uint64_t seed, int64_t margin);
  // What tile covers: the --intervals regions widened by --flank (lines on
  // unknown chromosomes or past a chromosome's end noted; with
  // --chromosomes, only those on the listed ones), else the --chromosomes
  // (else every contig) whole.
  Regions tile_regions(std::vector<RegionNote>& notes);

  genome::ChromosomeNames& names() { return names_; }
  // Annotation/BED records on chromosomes the genome lacks or beyond their ends.
  uint64_t unknown() const { return unknown_; }
  // " (chromosomes the genome lacks: chrZ (file:line), ...)" for the first
  // few --intervals chromosomes not in the genome, or "".
  std::string unknown_chromosome_list() const;
  // cCREs whose category is not one of the eight.
  uint64_t other_categories() const { return other_categories_; }
  // Requested count per category, for the shortfall note in the summary.
  std::map<std::string, uint64_t>& requested() { return requested_; }
  // The --targets labels (loaded on first use; empty without --targets).
  const FeatureTargets& targets();
  SeleneBins bins() const { return {o_.sequence_length.value_or(0), o_.center_bin.value_or(0)}; }

 private:
  HoldoutPlan plan(uint64_t seed);
  // --chromosomes, else every contig (or 1..22 when autosomes_by_default).
  std::vector<int> chosen_contigs(bool autosomes_by_default);
  // The positions --blacklist excludes: inside a listed region, or (window
  // rule) with a window overlapping one.
  Regions blacklist();
  // Positions whose --sequence-length window stays on its chromosome (all when none is given).
  Regions windows_inside(const Regions& r) const;
  DrawRules draw_rules();
  const genome::Annotation& annotation();
  // Whether --mode keeps a partition.
  bool keep(Partition p) const { return o_.mode == "all" || o_.mode == partition_name(p); }
  RegionPicker picker_for(Regions regions);
  // unit: proportional holdout block size (0: whole regions; < 0: the
  // regions are already tagged, see tag_whole_units).
  std::vector<SampledPosition> uniform_over(Regions allowed, uint64_t count, uint64_t seed, int64_t unit,
                                            const std::string& category);
  // --holdout-by whole: region i is unit unit_of[i] (its chromosome, or its
  // interval line) of n_units; tags each by chromosome lists, else by
  // Selene's proportional split of whole units.
  void tag_whole_units(Regions& r, const std::vector<size_t>& unit_of, size_t n_units, uint64_t seed);
  bool whole_units() const { return o_.holdout_by == "whole"; }
  // Item strategies: tag partitions, keep the --mode ones, then select.
  std::vector<SampledPosition> select(std::vector<SampledPosition> candidates, uint64_t count, uint64_t seed,
                                      uint64_t stream);

  const SamplingRequest& o_;
  const genome::ReferenceGenome& genome_;
  genome::ChromosomeNames names_;
  genome::BadLines& bad_;
  genome::Annotation annotation_;
  bool annotation_loaded_ = false;
  FeatureTargets targets_;
  bool targets_loaded_ = false;
  void note_unknown_chromosome(const std::string& chrom, const std::string& where);
  uint64_t unknown_ = 0, other_categories_ = 0;
  std::vector<std::pair<std::string, std::string>> unknown_chromosomes_;  // name, file:line
  std::map<std::string, uint64_t> requested_;
};

}  // namespace s2f::sampling
