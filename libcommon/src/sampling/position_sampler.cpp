#include "s2f/sampling/position_sampler.hpp"

#include <algorithm>

#include "s2f/catalog/feature_list.hpp"
#include "s2f/error.hpp"
#include "s2f/genome/bed.hpp"
#include "s2f/sampling/rng.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::sampling {

using namespace s2f::genome;

namespace {
// --gene-type naming a type no feature has would sample nothing: say which
// types the annotation has instead.
void check_gene_type(const std::vector<Feature>& features, const std::string& gene_type, const char* what,
                     const std::string& path) {
  if (gene_type.empty() || gene_type == "any") return;
  std::vector<std::string> seen;
  bool more = false;
  for (const auto& f : features) {
    if (f.type == gene_type) return;
    if (f.type.empty() || std::find(seen.begin(), seen.end(), f.type) != seen.end()) continue;
    if (seen.size() < 8) seen.push_back(f.type);
    else more = true;
  }
  std::string list;
  for (const auto& t : seen) list += (list.empty() ? "" : ", ") + text_excerpt(t, 40);
  if (more) list += ", ...";
  fail_input("--gene-type " + text_excerpt(gene_type, 40) + " matches none of the " + std::to_string(features.size()) +
                 " " + what + " in the annotation" + (list.empty() ? "" : " (types seen: " + list + ")"),
             path, "pass one of the types seen, or --gene-type any to use every gene");
}
}  // namespace

HoldoutPlan PositionSampler::plan(uint64_t seed) {
  HoldoutPlan p;
  p.validation = parse_holdout(o_.validation_holdout, "--validation-holdout", names_);
  p.test = parse_holdout(o_.test_holdout, "--test-holdout", names_);
  p.seed = seed;
  for (int c : p.validation.contigs)
    if (p.test.contigs.count(c)) fail_usage("a chromosome is in both --validation-holdout and --test-holdout");
  return p;
}

std::vector<int> PositionSampler::chosen_contigs(bool autosomes_by_default) {
  std::vector<int> out;
  if (!o_.chromosomes.empty()) {
    size_t b = 0;
    while (b <= o_.chromosomes.size()) {
      size_t e = o_.chromosomes.find(',', b);
      if (e == std::string::npos) e = o_.chromosomes.size();
      std::string n = o_.chromosomes.substr(b, e - b);
      if (!n.empty()) {
        int c = names_.resolve(n);
        if (c < 0) fail_usage("--chromosomes: '" + n + "' is not in the genome");
        out.push_back(c);
      }
      b = e + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  for (size_t i = 0; i < genome_.contigs().size(); ++i)
    if (!autosomes_by_default || is_human_autosome(genome_.contigs()[i].name)) out.push_back(static_cast<int>(i));
  if (out.empty())
    fail_usage("the genome has no chromosomes named 1..22 or chr1..chr22", "name them with --chromosomes");
  return out;
}

Regions PositionSampler::blacklist() {
  Regions r;
  if (o_.blacklist.empty()) return r;
  BedReader reader(o_.blacklist, BedFlavor::bed, 0, bad_);
  BedRecord rec;
  while (reader.next(rec)) {
    int c = names_.resolve(rec.chrom);
    if (c >= 0 && rec.start < names_.length(c))
      r.push_back({c, rec.start, std::min(rec.end, names_.length(c)), Partition::train});
  }
  normalize(r);
  if (o_.blacklist_rule == "window") return window_overlaps(r, *o_.sequence_length, genome_.contigs());
  return r;
}

Regions PositionSampler::windows_inside(const Regions& r) const {
  return o_.sequence_length ? keep_windows_inside(r, *o_.sequence_length, genome_.contigs()) : r;
}

const FeatureTargets& PositionSampler::targets() {
  if (!targets_loaded_ && !o_.targets.empty())
    targets_ = read_feature_targets(o_.targets, catalog::read_feature_list(o_.features),
                                    parse_feature_thresholds(o_.feature_thresholds), names_, bad_, unknown_);
  targets_loaded_ = true;
  return targets_;
}

DrawRules PositionSampler::draw_rules() {
  DrawRules rules;
  rules.random_strand = o_.strand == "random";
  // Selene's intervals sampler draws again until the centre bin holds a
  // positive feature, unless sample_negative; its random sampler never does.
  if (o_.strategy == "intervals" && !o_.targets.empty() && !o_.sample_negative) {
    const FeatureTargets& t = targets();
    const SeleneBins b = bins();
    rules.accept = [&t, b](int contig, int64_t pos) { return !t.positives(contig, b.bin_start(pos), b.bin_end(pos)).empty(); };
    rules.refused = "with a positive feature in its centre bin";
  }
  return rules;
}

void PositionSampler::tag_whole_units(Regions& r, const std::vector<size_t>& unit_of, size_t n_units, uint64_t seed) {
  const HoldoutPlan p = plan(seed);
  const auto by_unit = whole_unit_partitions(n_units, p);
  for (size_t i = 0; i < r.size(); ++i) {
    if (p.validation.contigs.count(r[i].contig)) r[i].partition = Partition::validate;
    else if (p.test.contigs.count(r[i].contig)) r[i].partition = Partition::test;
    else r[i].partition = by_unit[unit_of[i]];
  }
}

const Annotation& PositionSampler::annotation() {
  if (!annotation_loaded_) {
    if (o_.annotation.empty()) fail_usage("--strategy " + o_.strategy + " needs --annotation GTF/GFF3");
    annotation_ = read_annotation(o_.annotation, bad_);
    if (!annotation_.has_types && o_.gene_type != "any")
      fail_input("the annotation has no gene_type/gene_biotype attributes, so --gene-type " + o_.gene_type +
                     " matches nothing",
                 o_.annotation, "pass --gene-type any to use every gene");
    annotation_loaded_ = true;
  }
  return annotation_;
}

RegionPicker PositionSampler::picker_for(Regions regions) {
  Regions kept;
  for (const auto& r : regions)
    if (keep(r.partition)) kept.push_back(r);
  return RegionPicker(std::move(kept));
}

std::vector<SampledPosition> PositionSampler::uniform_over(Regions allowed, uint64_t count, uint64_t seed, int64_t unit, const std::string& category) {
  allowed = subtract(allowed, blacklist());
  auto parts = unit < 0 ? std::move(allowed) : assign_partitions(allowed, plan(seed), unit);
  auto out = sample_uniform(picker_for(std::move(parts)), count, seed, category, draw_rules());
  sort_genomic(out);
  return out;
}

std::vector<SampledPosition> PositionSampler::intergenic(uint64_t count, uint64_t seed, int64_t margin) {
  Regions allowed = acgt_regions(genome_, chosen_contigs(false));
  Regions genes = pad(gene_regions(annotation(), names_), margin, genome_.contigs());
  allowed = subtract(allowed, genes);
  return uniform_over(std::move(allowed), count, seed, 1'000'000, "intergenic");
}

std::vector<SampledPosition> PositionSampler::random(uint64_t count, uint64_t seed, int64_t margin) {
  const std::vector<int> contigs = chosen_contigs(false);
  Regions allowed;
  if (o_.n_runs == "keep") {
    // Selene samples N runs too: its Genome encodes N as 0.25 per base, so
    // its "over 30% ambiguous" check never refuses a window.
    for (int c : contigs) allowed.push_back({c, 0, names_.length(c), Partition::train});
  } else {
    allowed = acgt_regions(genome_, contigs);
  }
  allowed = windows_inside(trim_contig_ends(allowed, margin, genome_.contigs()));
  if (!whole_units()) return uniform_over(std::move(allowed), count, seed, 1'000'000, "random");
  // Selene's proportional holdout hands out whole chromosomes.
  std::vector<size_t> unit_of;
  for (const auto& r : allowed)
    unit_of.push_back(static_cast<size_t>(std::find(contigs.begin(), contigs.end(), r.contig) - contigs.begin()));
  tag_whole_units(allowed, unit_of, contigs.size(), seed);
  return uniform_over(std::move(allowed), count, seed, -1, "random");
}

void PositionSampler::note_unknown_chromosome(const std::string& chrom, const std::string& where) {
  constexpr size_t kNamed = 5;  // chromosomes a message names; the count says the rest
  for (const auto& [name, at] : unknown_chromosomes_)
    if (name == chrom) return;
  if (unknown_chromosomes_.size() < kNamed) unknown_chromosomes_.emplace_back(text_excerpt(chrom, 60), where);
}

std::string PositionSampler::unknown_chromosome_list() const {
  if (unknown_chromosomes_.empty()) return {};
  std::string s;
  for (const auto& [name, at] : unknown_chromosomes_) s += (s.empty() ? "" : ", ") + name + " (" + at + ")";
  return " (chromosomes the genome lacks: " + s + ")";
}

std::vector<SampledPosition> PositionSampler::intervals(uint64_t count, uint64_t seed, int64_t margin) {
  if (o_.intervals.empty()) fail_usage("--strategy intervals needs --intervals BED");
  Regions r;
  std::vector<size_t> unit_of;
  size_t lines = 0;
  BedReader reader(o_.intervals, BedFlavor::bed, 0, bad_);
  BedRecord rec;
  while (reader.next(rec)) {
    int c = names_.resolve(rec.chrom);
    if (c < 0 || rec.start >= names_.length(c)) {
      ++unknown_;
      ++lines;
      if (c < 0) note_unknown_chromosome(std::string(rec.chrom), reader.where());
      continue;
    }
    r.push_back({c, rec.start, std::min(rec.end, names_.length(c)), Partition::train});
    unit_of.push_back(lines++);
  }
  if (r.empty() && !unknown_chromosomes_.empty())
    fail_input("no --intervals region lies on the genome: chromosome '" + unknown_chromosomes_.front().first +
                   "' is not in " + genome_.path() + unknown_chromosome_list(),
               unknown_chromosomes_.front().second,
               "name chromosomes as the genome does (e.g. chr1 vs 1), or use the genome the BED was made for");
  // Selene's proportional holdout hands out whole interval lines.
  if (whole_units()) tag_whole_units(r, unit_of, lines, seed);
  normalize(r);
  return uniform_over(windows_inside(trim_contig_ends(r, margin, genome_.contigs())), count, seed,
                      whole_units() ? -1 : 0, "intervals");
}

// Item strategies: tag partitions, keep the --mode ones, then select.
std::vector<SampledPosition> PositionSampler::select(std::vector<SampledPosition> candidates, uint64_t count, uint64_t seed, uint64_t stream) {
  candidates = outside(candidates, blacklist());
  HoldoutPlan p = plan(seed);
  std::vector<SampledPosition> kept;
  for (auto& c : candidates) {
    c.partition = item_partition(c.contig, selection_key(seed, 0x9a47, (static_cast<uint64_t>(c.contig) << 40) ^
                                                                           static_cast<uint64_t>(c.pos)),
                                 p);
    if (keep(c.partition)) kept.push_back(std::move(c));
  }
  auto out = select_without_replacement(kept, count, seed, stream);
  sort_genomic(out);
  return out;
}

std::vector<SampledPosition> PositionSampler::tss(uint64_t count, uint64_t seed) {
  requested_["tss"] = count;
  const auto& a = annotation();
  check_gene_type(a.transcripts.empty() ? a.genes : a.transcripts, o_.gene_type,
                  a.transcripts.empty() ? "genes" : "transcripts", o_.annotation);
  return select(tss_candidates(annotation(), names_, o_.gene_type, unknown_), count, seed, 3);
}

std::vector<SampledPosition> PositionSampler::gene_body(uint64_t count, uint64_t seed) {
  requested_["gene_body"] = count;
  check_gene_type(annotation().genes, o_.gene_type, "genes", o_.annotation);
  return select(gene_body_candidates(annotation(), names_, o_.gene_type, o_.min_gene_length, unknown_), count, seed, 4);
}

std::vector<SampledPosition> PositionSampler::ccre(uint64_t count, uint64_t seed) {
  if (o_.ccres.empty()) fail_usage("--strategy " + o_.strategy + " needs --ccres BED (SCREEN cCREs)");
  std::map<std::string, uint64_t> overrides;
  for (const auto& q : o_.quotas) {
    auto eq = q.find('=');
    int64_t n = 0;
    if (eq == std::string::npos || !parse_int(std::string_view(q).substr(eq + 1), n) || n < 0)
      fail_usage("--quota '" + q + "' is not CATEGORY=COUNT");
    overrides[q.substr(0, eq)] = static_cast<uint64_t>(n);
  }
  auto quotas = ccre_quotas(count, overrides);
  std::map<std::string, std::vector<SampledPosition>> by_cat;
  BedReader reader(o_.ccres, BedFlavor::bed, 0, bad_);
  BedRecord rec;
  while (reader.next(rec)) {
    size_t col = o_.category_column > 0 ? static_cast<size_t>(o_.category_column) : rec.columns.size();
    if (col > rec.columns.size() || col < 4) {
      bad_.report(reader.line(), reader.where(), "no category column " + std::to_string(col),
                  "set --category-column (1-based)");
      continue;
    }
    std::string_view cat = rec.columns[col - 1];
    cat = cat.substr(0, cat.find(','));  // "dELS,CTCF-bound" counts as dELS
    if (!quotas.count(std::string(cat))) {
      ++other_categories_;
      continue;
    }
    int c = names_.resolve(rec.chrom);
    if (c < 0 || rec.start + (rec.end - rec.start) / 2 >= names_.length(c)) {
      ++unknown_;
      continue;
    }
    std::string id = rec.name.empty() ? std::string(rec.chrom) + ":" + std::to_string(rec.start) : std::string(rec.name);
    by_cat[std::string(cat)].push_back(
        {c, rec.start + (rec.end - rec.start) / 2, '.', std::string(cat), std::move(id), Partition::train});
  }
  std::vector<SampledPosition> out;
  uint64_t stream = 100;
  for (const auto& cat : ccre_categories()) {
    auto& cands = by_cat[cat];
    auto picked = select(cands, quotas[cat], seed, stream++);
    requested_[cat] = quotas[cat];
    out.insert(out.end(), picked.begin(), picked.end());
  }
  return out;
}

std::vector<SampledSnp> PositionSampler::snps(uint64_t count, uint64_t seed, int64_t margin) {
  Regions allowed;
  for (int c : chosen_contigs(true))
    allowed.push_back({c, 0, genome_.contigs()[static_cast<size_t>(c)].length, Partition::train});
  allowed = subtract(trim_contig_ends(allowed, margin, genome_.contigs()), blacklist());
  auto parts = assign_partitions(allowed, plan(seed), 1'000'000);
  return sample_snps(genome_, picker_for(std::move(parts)), count, seed);
}

Regions PositionSampler::tile_regions(std::vector<RegionNote>& notes) {
  Regions r;
  if (o_.intervals.empty()) {
    for (int c : chosen_contigs(false)) r.push_back({c, 0, names_.length(c), Partition::train});
    return r;
  }
  // With --chromosomes too, only the regions on those are tiled.
  std::vector<bool> wanted(genome_.contigs().size(), o_.chromosomes.empty());
  if (!o_.chromosomes.empty())
    for (int c : chosen_contigs(false)) wanted[static_cast<size_t>(c)] = true;
  BedReader reader(o_.intervals, BedFlavor::bed, 0, bad_);
  BedRecord rec;
  while (reader.next(rec)) {
    const int c = names_.resolve(rec.chrom);
    if (c < 0) {
      notes.push_back({excerpt(reader.line()), reader.where(),
                       "chromosome '" + excerpt(rec.chrom, 60) + "' is not in the genome: region not tiled"});
      continue;
    }
    if (!wanted[static_cast<size_t>(c)]) continue;
    const int64_t length = names_.length(c);
    const std::string chrom = genome_.contigs()[static_cast<size_t>(c)].name;
    if (rec.start >= length) {
      notes.push_back({excerpt(reader.line()), reader.where(),
                       "starts past the end of " + chrom + " (" + std::to_string(length) + " bp): region not tiled"});
      continue;
    }
    if (rec.end > length)
      notes.push_back({excerpt(reader.line()), reader.where(),
                       "ends past the end of " + chrom + " (" + std::to_string(length) + " bp): tiled up to " +
                           std::to_string(length)});
    r.push_back({c, rec.start, std::min(rec.end, length), Partition::train});
  }
  return o_.flank > 0 ? pad(std::move(r), o_.flank, genome_.contigs()) : r;
}

}  // namespace s2f::sampling
