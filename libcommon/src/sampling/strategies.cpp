#include "s2f/sampling/strategies.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/sampling/rng.hpp"

namespace s2f::sampling {

void sort_genomic(std::vector<SampledPosition>& v) {
  std::sort(v.begin(), v.end(), [](const SampledPosition& a, const SampledPosition& b) {
    if (a.contig != b.contig) return a.contig < b.contig;
    if (a.pos != b.pos) return a.pos < b.pos;
    return a.id < b.id;
  });
}

std::vector<SampledPosition> sample_uniform(const RegionPicker& picker, uint64_t count, uint64_t seed,
                                            const std::string& category, const DrawRules& rules) {
  std::vector<SampledPosition> out(count);
  if (count == 0) return out;
  if (picker.total() == 0)
    fail_input("no genome positions are left to sample " + category + " positions from",
               "", "check margins, blacklist and holdouts: together they exclude everything");
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<uint64_t>(0, count, 4096), [&](const auto& range) {
    for (uint64_t i = range.begin(); i < range.end(); ++i) {
      Rng rng = draw_rng(seed, 1, i);
      auto pick = picker.at(rng.below(picker.total()));
      for (uint64_t attempt = 1; rules.accept && !rules.accept(pick.contig, pick.pos); ++attempt) {
        if (attempt == rules.max_attempts)
          fail_input("no " + category + " position " + rules.refused + " after " + std::to_string(attempt) +
                         " draws (sample " + std::to_string(i + 1) + ")",
                     "", "check that the targets overlap the regions sampled, or allow negatives");
        pick = picker.at(rng.below(picker.total()));
      }
      auto& p = out[i];
      p.contig = pick.contig;
      p.pos = pick.pos;
      p.strand = rules.random_strand && rng.below(2) ? '-' : '+';
      p.category = category;
      p.partition = pick.partition;
    }
  });
  return out;
}

std::vector<SampledPosition> select_without_replacement(const std::vector<SampledPosition>& candidates, uint64_t count,
                                                        uint64_t seed, uint64_t stream) {
  std::vector<std::pair<uint64_t, size_t>> keyed(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) keyed[i] = {selection_key(seed, stream, i), i};
  const size_t k = static_cast<size_t>(std::min<uint64_t>(count, keyed.size()));
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(k), keyed.end());
  std::vector<SampledPosition> out;
  out.reserve(k);
  for (size_t i = 0; i < k; ++i) out.push_back(candidates[keyed[i].second]);
  return out;
}

namespace {
bool type_matches(const genome::Feature& f, const std::string& gene_type) {
  return gene_type.empty() || gene_type == "any" || f.type == gene_type;
}
}  // namespace

std::vector<SampledPosition> tss_candidates(const genome::Annotation& a, genome::ChromosomeNames& names,
                                            const std::string& gene_type, uint64_t& unknown) {
  // Transcripts give every alternative start; genes only when there are none.
  const auto& features = a.transcripts.empty() ? a.genes : a.transcripts;
  std::vector<SampledPosition> out;
  for (const auto& f : features) {
    if (!type_matches(f, gene_type) || f.strand == '.') continue;
    int c = names.resolve(f.chrom);
    if (c < 0 || f.tss() >= names.length(c)) {
      ++unknown;
      continue;
    }
    out.push_back({c, f.tss(), f.strand, "tss", f.id.empty() ? f.gene_id : f.id, Partition::train});
  }
  // One candidate per distinct start: alternative transcripts often share it.
  sort_genomic(out);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& x, const auto& y) { return x.contig == y.contig && x.pos == y.pos && x.strand == y.strand; }),
            out.end());
  return out;
}

std::vector<SampledPosition> gene_body_candidates(const genome::Annotation& a, genome::ChromosomeNames& names,
                                                  const std::string& gene_type, int64_t min_length,
                                                  uint64_t& unknown) {
  std::vector<SampledPosition> out;
  for (const auto& g : a.genes) {
    if (!type_matches(g, gene_type) || g.end - g.start <= min_length) continue;
    int c = names.resolve(g.chrom);
    if (c < 0 || g.start + (g.end - g.start) / 2 >= names.length(c)) {
      ++unknown;
      continue;
    }
    out.push_back({c, g.start + (g.end - g.start) / 2, g.strand, "gene_body", g.id, Partition::train});
  }
  sort_genomic(out);
  return out;
}

Regions gene_regions(const genome::Annotation& a, genome::ChromosomeNames& names) {
  Regions r;
  for (const auto& g : a.genes) {
    int c = names.resolve(g.chrom);
    if (c >= 0 && g.start < names.length(c)) r.push_back({c, g.start, std::min(g.end, names.length(c)), Partition::train});
  }
  normalize(r);
  return r;
}

std::vector<SampledPosition> outside(const std::vector<SampledPosition>& v, const Regions& excluded) {
  std::vector<SampledPosition> out;
  out.reserve(v.size());
  for (const auto& p : v) {
    auto it = std::upper_bound(excluded.begin(), excluded.end(), p, [](const SampledPosition& x, const Region& r) {
      return x.contig != r.contig ? x.contig < r.contig : x.pos < r.begin;
    });
    bool inside = it != excluded.begin() && std::prev(it)->contig == p.contig && p.pos < std::prev(it)->end;
    if (!inside) out.push_back(p);
  }
  return out;
}

const std::vector<std::string>& ccre_categories() {
  static const std::vector<std::string> c{"PLS", "dELS", "pELS", "CA-CTCF", "CA-TF", "TF", "CA-H3K4me3", "CA"};
  return c;
}

std::map<std::string, uint64_t> ccre_quotas(uint64_t total, const std::map<std::string, uint64_t>& overrides) {
  std::map<std::string, uint64_t> q;
  const auto& cats = ccre_categories();
  for (size_t i = 0; i < cats.size(); ++i) q[cats[i]] = total / cats.size() + (i < total % cats.size() ? 1 : 0);
  for (const auto& [k, v] : overrides) q[k] = v;
  return q;
}

std::vector<SampledSnp> sample_snps(const genome::ReferenceGenome& genome, const RegionPicker& picker, uint64_t count,
                                    uint64_t seed) {
  std::vector<SampledSnp> out(count);
  if (count == 0) return out;
  if (picker.total() == 0)
    fail_input("no chromosome is long enough for the SNP margin", genome.path(),
               "lower --margin or choose other --chromosomes");
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<uint64_t>(0, count, 256), [&](const auto& range) {
    for (uint64_t i = range.begin(); i < range.end(); ++i) {
      Rng rng = draw_rng(seed, 2, i);
      for (int attempt = 0;; ++attempt) {
        if (attempt == 10000)
          fail_input("could not find an A/C/G/T base after 10000 draws", genome.path(), "is the genome mostly N?");
        auto pick = picker.at(rng.below(picker.total()));
        char ref = genome.fetch(static_cast<size_t>(pick.contig), pick.pos, pick.pos + 1)[0];
        if (!genome::is_acgt(ref)) continue;
        int r = static_cast<int>(std::string_view(genome::kBases, 4).find(ref));
        char alt = genome::kBases[(r + 1 + static_cast<int>(rng.below(3))) % 4];
        auto& s = out[i];
        s.contig = pick.contig;
        s.pos = pick.pos;
        s.ref = ref;
        s.alt = alt;
        s.partition = pick.partition;
        s.id = genome.contigs()[static_cast<size_t>(pick.contig)].name + "_" + std::to_string(pick.pos + 1) + "_" + ref +
               "_" + alt;
        break;
      }
    }
  });
  std::sort(out.begin(), out.end(), [](const SampledSnp& a, const SampledSnp& b) {
    if (a.contig != b.contig) return a.contig < b.contig;
    if (a.pos != b.pos) return a.pos < b.pos;
    return a.alt < b.alt;
  });
  return out;
}

}  // namespace s2f::sampling
