#include "s2f/genome/annotation.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "s2f/error.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::genome {

namespace {

// Calls `found` with the value of every `key` item of a GTF (`key "value";`)
// or GFF3 (`key=value;`) attribute column, leading spaces trimmed, until it
// returns true; true when it did.
template <typename Found>
bool find_items(std::string_view attrs, std::string_view key, Found found) {
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
    if (found(v)) return true;
  }
  return false;
}

// The first `key` item's value, without its quotes.
std::string attribute(std::string_view attrs, std::string_view key) {
  std::string value;
  find_items(attrs, key, [&](std::string_view v) {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    value = std::string(v);
    return true;
  });
  return value;
}

// True when a `key` item holds `value`: GTF repeats the key (`tag "basic"; tag
// "CCDS";`), GFF3 lists values after one key (`tag=basic,CCDS`).
bool has_value(std::string_view attrs, std::string_view key, std::string_view value) {
  return find_items(attrs, key, [&](std::string_view v) {
    while (!v.empty() && v.front() == '"') v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '"')) v.remove_suffix(1);
    while (!v.empty()) {
      const size_t comma = v.find(',');
      if (v.substr(0, comma) == value) return true;
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
    return false;
  });
}

std::string first_of(std::string_view attrs, std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    auto v = attribute(attrs, k);
    if (!v.empty()) return v;
  }
  return {};
}

// Empty when the attribute column (column 9) is well formed: items separated
// by ';' (outside quotes), each `key value` (GTF) or `key=value` (GFF3), with
// quotes closed. "." means no attributes. Otherwise what is wrong.
std::string attribute_problem(std::string_view attrs) {
  if (attrs == ".") return {};
  size_t at = 0;
  while (at < attrs.size()) {
    size_t end = at;
    bool quoted = false;
    while (end < attrs.size() && (quoted || attrs[end] != ';')) {
      if (attrs[end] == '"') quoted = !quoted;
      ++end;
    }
    if (quoted) return "a quote is never closed in '" + text_excerpt(attrs.substr(at), 40) + "'";
    std::string_view item = attrs.substr(at, end - at);
    at = end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    size_t sep = item.find_first_of(" =");
    if (sep == 0 || sep == std::string_view::npos || sep + 1 >= item.size())
      return "item '" + text_excerpt(item, 40) + "' is not `key \"value\"` (GTF) or key=value (GFF3)";
  }
  return {};
}

}  // namespace

Annotation read_annotation(const std::string& path, BadLines& bad, bool need_genes) {
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
      bad.report(line, lines.where(), "GTF/GFF3 start/end '" + text_excerpt(c[3], 40) + "', '" + text_excerpt(c[4], 40) +
                                          "' are not 1-based with start <= end");
      continue;
    }
    if (c[6] != "+" && c[6] != "-" && c[6] != ".") {
      bad.report(line, lines.where(), "strand '" + text_excerpt(c[6], 20) + "' is not +, - or .");
      continue;
    }
    if (auto problem = attribute_problem(c[8]); !problem.empty()) {
      bad.report(line, lines.where(), "malformed GTF/GFF3 attribute column (column 9): " + problem,
                 "attributes are `key \"value\";` pairs (GTF) or key=value;... (GFF3)");
      continue;
    }
    ++a.records;
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
      f.transcript_type = first_of(c[8], {"transcript_type", "transcript_biotype"});
    }
    f.basic = has_value(c[8], "tag", "basic");
    if (f.basic) a.has_basic_tags = true;
    if (!f.type.empty()) a.has_types = true;
    into->push_back(std::move(f));
  }
  if (a.records == 0)
    fail_input(path + " holds no valid GTF/GFF3 feature lines (only comments, blank or skipped lines)", path,
               "check that this is the annotation file you meant");
  if (need_genes && a.genes.empty() && a.transcripts.empty())
    fail_input(path + " has no gene, transcript or mRNA lines (column 3), so it names no genes", path,
               "give a GTF/GFF3 with gene or transcript features");
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
