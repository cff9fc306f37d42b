#include "s2f/genome/exon_intervals.hpp"

#include <algorithm>

#include "s2f/error.hpp"
#include "s2f/genome/annotation.hpp"

namespace s2f::genome {

namespace {

void sort_and_merge(std::vector<ExonIntervals::Interval>& v) {
  std::sort(v.begin(), v.end());
  size_t out = 0;
  for (const auto& iv : v) {
    if (out > 0 && iv.first <= v[out - 1].second) v[out - 1].second = std::max(v[out - 1].second, iv.second);
    else v[out++] = iv;
  }
  v.resize(out);
}

}  // namespace

ExonIntervals ExonIntervals::read(const std::string& path) {
  BadLines bad(nullptr, false);  // a malformed line stops the run at its file:line
  const Annotation a = read_annotation(path, bad, /*need_genes=*/false);
  ExonIntervals e;
  e.exon_lines_ = a.exons.size();
  if (a.exons.empty())
    fail_input(path + " has no exon lines (column 3 'exon')", path,
               "give the gene annotation with exons (e.g. GENCODE's basic annotation GTF)");
  e.typed_ = std::any_of(a.exons.begin(), a.exons.end(), [](const Feature& f) { return !f.type.empty(); });
  e.basic_only_ = a.has_basic_tags;
  std::map<std::string, std::vector<Interval>> by_chrom;
  for (const auto& f : a.exons) {
    const std::string& type = f.transcript_type.empty() ? f.type : f.transcript_type;
    if (e.typed_ && type != "protein_coding") continue;
    if (e.basic_only_ && !f.basic) continue;
    by_chrom[f.chrom].push_back({f.start, f.end});
    ++e.kept_;
  }
  if (e.kept_ == 0)
    fail_input(path + ": none of its " + std::to_string(e.exon_lines_) + " exon line(s) is a protein_coding exon" +
                   (e.basic_only_ ? " of a transcript tagged basic" : ""),
               path, "give an annotation with protein-coding genes (gene_type/transcript_type \"protein_coding\")");
  auto out = from_intervals(std::move(by_chrom));
  out.exon_lines_ = e.exon_lines_;
  out.kept_ = e.kept_;
  out.typed_ = e.typed_;
  out.basic_only_ = e.basic_only_;
  return out;
}

ExonIntervals ExonIntervals::from_intervals(std::map<std::string, std::vector<Interval>> by_chrom) {
  ExonIntervals e;
  for (auto& [chrom, v] : by_chrom) {
    e.kept_ += v.size();
    sort_and_merge(v);
    e.by_chrom_.emplace(chrom, std::move(v));
  }
  return e;
}

const std::vector<ExonIntervals::Interval>* ExonIntervals::chromosome(std::string_view chrom) const {
  if (auto it = by_chrom_.find(chrom); it != by_chrom_.end()) return &it->second;
  const std::string other = chrom.substr(0, 3) == "chr" ? std::string(chrom.substr(3)) : "chr" + std::string(chrom);
  if (auto it = by_chrom_.find(other); it != by_chrom_.end()) return &it->second;
  return nullptr;
}

bool ExonIntervals::overlaps(std::string_view chrom, int64_t begin, int64_t end) const {
  const auto* v = chromosome(chrom);
  if (!v || begin >= end) return false;
  // The first interval ending after `begin` is the only candidate: merged
  // intervals are disjoint and sorted by both ends.
  auto it = std::upper_bound(v->begin(), v->end(), begin,
                             [](int64_t b, const Interval& iv) { return b < iv.second; });
  return it != v->end() && it->first < end;
}

uint64_t ExonIntervals::merged() const {
  uint64_t n = 0;
  for (const auto& [chrom, v] : by_chrom_) n += v.size();
  return n;
}

}  // namespace s2f::genome
