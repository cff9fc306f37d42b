// Selene-style holdouts: a validation and a test partition given either as
// chromosome lists ("chr6,chr7") or as proportions ("0.1"). Chromosome lists
// win; proportions cut the remaining regions into units, order the units by
// a seeded key and give the first share of the length to validation, the
// next to test, the rest to training.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "s2f/genome/chrom_names.hpp"
#include "s2f/sampling/regions.hpp"

namespace s2f::sampling {

struct Holdout {
  std::set<int> contigs;  // resolved against the genome
  double proportion = 0;
  bool empty() const { return contigs.empty() && proportion <= 0; }
};

// Parses "chr6,chr7" or "0.1" (a proportion has a decimal point, so "2" is
// chromosome 2); unknown chromosomes are a usage error.
Holdout parse_holdout(const std::string& text, const char* option, genome::ChromosomeNames& names);

struct HoldoutPlan {
  Holdout validation, test;
  uint64_t seed = 0;
  bool empty() const { return validation.empty() && test.empty(); }
};

// Tags every region with its partition; proportions work on units of at
// most `unit_bases` bases, and at most a thousandth of the total (but at
// least 1 kb) so small genomes split finely; whole regions when
// unit_bases <= 0.
Regions assign_partitions(const Regions& regions, const HoldoutPlan& plan, int64_t unit_bases);
// Selene's proportional holdout: `units` whole units (chromosomes for the
// random sampler, interval lines for the intervals sampler) in a seeded
// order; the first int(units * validation) go to validation, the next
// int(units * test) to test, the rest to training. Chromosome-list holdouts
// are not proportions and leave every unit to training here.
std::vector<Partition> whole_unit_partitions(size_t units, const HoldoutPlan& plan);
// Partition of one sampled item (annotation-based strategies): by its
// chromosome, else by a seeded key against the proportions.
Partition item_partition(int contig, uint64_t item_key, const HoldoutPlan& plan);

}  // namespace s2f::sampling
