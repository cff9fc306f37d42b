// The position-sampling strategies of s2f-sample-positions: the chorus
// background sets (random intergenic, SCREEN cCREs per category,
// protein-coding TSSs, gene-body midpoints, random SNPs) and Selene's
// random and intervals samplers. Every draw has its own generator
// (rng.hpp), so results are identical for any thread count, and every
// result list is sorted by (contig, position, id) before it is sliced into
// shards.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "s2f/genome/annotation.hpp"
#include "s2f/genome/chrom_names.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/sampling/holdout.hpp"
#include "s2f/sampling/regions.hpp"

namespace s2f::sampling {

struct SampledPosition {
  int contig = 0;
  int64_t pos = 0;
  uint8_t strand = '.';
  std::string category, id;
  Partition partition = Partition::train;
};

struct SampledSnp {
  int contig = 0;
  int64_t pos = 0;
  char ref = 'N', alt = 'N';
  std::string id;
  Partition partition = Partition::train;
};

void sort_genomic(std::vector<SampledPosition>& v);

// How each uniform draw is finished: Selene draws a strand per sample, and
// its intervals sampler draws again until the centre bin holds a feature.
struct DrawRules {
  bool random_strand = false;  // '+' or '-' with equal chance, else '+'
  // Whether a drawn position is kept; a refused one is drawn again from
  // the same generator, so the sample is still the same for any thread count.
  std::function<bool(int contig, int64_t pos)> accept;
  uint64_t max_attempts = 100000;  // per sample, before giving up with an error
  std::string refused;             // what a refused draw lacked, for that error
};

// `count` positions drawn uniformly (with replacement) over the picker's
// regions, each tagged with its region's partition.
std::vector<SampledPosition> sample_uniform(const RegionPicker& picker, uint64_t count, uint64_t seed,
                                            const std::string& category, const DrawRules& rules = {});

// `count` of the candidates without replacement (all when there are fewer);
// stream separates independent selections under one seed.
std::vector<SampledPosition> select_without_replacement(const std::vector<SampledPosition>& candidates, uint64_t count,
                                                        uint64_t seed, uint64_t stream);

// Candidates from annotation. Features on chromosomes the genome lacks, or
// beyond a contig's end (an excerpt genome), are counted in `unknown`. gene_type "" or "any" keeps every type.
std::vector<SampledPosition> tss_candidates(const genome::Annotation& a, genome::ChromosomeNames& names,
                                            const std::string& gene_type, uint64_t& unknown);
std::vector<SampledPosition> gene_body_candidates(const genome::Annotation& a, genome::ChromosomeNames& names,
                                                  const std::string& gene_type, int64_t min_length,
                                                  uint64_t& unknown);
// Gene spans (any type) as regions, for the intergenic strategy.
Regions gene_regions(const genome::Annotation& a, genome::ChromosomeNames& names);
// Drops candidates inside any of the (normalised) regions.
std::vector<SampledPosition> outside(const std::vector<SampledPosition>& v, const Regions& excluded);

// The eight SCREEN cCRE categories in chorus's order.
const std::vector<std::string>& ccre_categories();
// Splits `total` over categories evenly, the remainder going to the first
// ones in order; `overrides` (category -> count) replace single quotas.
std::map<std::string, uint64_t> ccre_quotas(uint64_t total, const std::map<std::string, uint64_t>& overrides);

// chorus effect SNPs: positions uniform over the picker's regions whose
// genome base is A/C/G/T; ALT uniform over the other three bases.
std::vector<SampledSnp> sample_snps(const genome::ReferenceGenome& genome, const RegionPicker& picker, uint64_t count,
                                    uint64_t seed);

}  // namespace s2f::sampling
