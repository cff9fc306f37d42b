#include "s2f/genome/annotation.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace s2f::genome {

namespace {

// Finds `key` in a GTF (`key "value";`) or GFF3 (`key=value;`) attribute column.
std::string attribute(std::string_view attrs, std::string_view key) {
  size_t at = 0;
  while (at < attrs.size()) {
    while (at < attrs.size() && (attrs[at] == ' ' || attrs[at] == ';')) ++at;
    size_t end = attrs.find(';', at);
    if (end == std::string_view::npos) end = attrs.size();
    std::string_view item = attrs.substr(at, end - at);
    at = end + 1;
    size_t sep = item.find_first_of(" =");
    if (sep == std::string_view::npos || item.substr(0, sep) != key) continue;
    std::string_view v = item.substr(sep + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return {};
}

std::string first_of(std::string_view attrs, std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    auto v = attribute(attrs, k);
    if (!v.empty()) return v;
  }
  return {};
}

}  // namespace

Annotation read_annotation(const std::string& path, BadLines& bad) {
  Annotation a;
  TextLines lines(path);
  std::string_view line;
  std::vector<std::string_view> c;
  while (lines.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    split_tabs(line, c);
    if (c.size() < 9) {
      bad.report(line, lines.where(), "GTF/GFF3 line has " + std::to_string(c.size()) + " column(s), needs 9");
      continue;
    }
    int64_t s = 0, e = 0;
    if (!parse_int(c[3], s) || !parse_int(c[4], e) || s < 1 || e < s) {
      bad.report(line, lines.where(), "GTF/GFF3 start/end '" + std::string(c[3]) + "', '" + std::string(c[4]) +
                                          "' are not 1-based with start <= end");
      continue;
    }
    if (c[6] != "+" && c[6] != "-" && c[6] != ".") {
      bad.report(line, lines.where(), "strand '" + std::string(c[6]) + "' is not +, - or .");
      continue;
    }
    std::string_view kind = c[2];
    std::vector<Feature>* into = nullptr;
    if (kind == "gene") into = &a.genes;
    else if (kind == "transcript" || kind == "mRNA") into = &a.transcripts;
    else if (kind == "exon") into = &a.exons;
    else continue;
    Feature f;
    f.chrom = std::string(c[0]);
    f.start = s - 1;
    f.end = e;
    f.strand = static_cast<uint8_t>(c[6][0]);
    f.gene_id = first_of(c[8], {"gene_id", "Parent"});
    f.name = first_of(c[8], {"gene_name", "Name"});
    if (kind == "gene") {
      f.gene_id = first_of(c[8], {"gene_id", "ID"});
      f.id = f.gene_id;
      f.type = first_of(c[8], {"gene_type", "gene_biotype", "biotype"});
    } else {
      f.id = first_of(c[8], {"transcript_id", "ID"});
      f.type = first_of(c[8], {"gene_type", "gene_biotype", "transcript_type", "transcript_biotype"});
    }
    if (!f.type.empty()) a.has_types = true;
    into->push_back(std::move(f));
  }
  if (a.genes.empty() && !a.transcripts.empty()) {
    // No gene lines (as in UCSC-style GTFs): a gene spans its transcripts.
    std::map<std::string, Feature> by_gene;
    for (const auto& t : a.transcripts) {
      auto key = t.gene_id.empty() ? t.id : t.gene_id;
      auto [it, fresh] = by_gene.try_emplace(key, t);
      Feature& g = it->second;
      if (fresh) {
        g.id = key;
        continue;
      }
      g.start = std::min(g.start, t.start);
      g.end = std::max(g.end, t.end);
    }
    for (auto& [k, g] : by_gene) a.genes.push_back(std::move(g));
  }
  return a;
}

}  // namespace s2f::genome
