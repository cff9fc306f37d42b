#include "s2f/hits/motif_set.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "s2f/error.hpp"
#include "s2f/tsv.hpp"
#include "s2f/stream/schema.hpp"
#include "s2f/genome/bases.hpp"

namespace s2f::hits {

using genome::kBases;

void MotifSet::add(Motif motif, const std::vector<float>& values_4xw, const std::vector<float>& pfm_4xw) {
  if (values_4xw.size() != 4 * static_cast<size_t>(width_))
    fail(Exit::internal, "motif matrix of " + std::to_string(values_4xw.size()) + " values for width " +
                             std::to_string(width_));
  if (!pfm_4xw.empty() && pfm_4xw.size() != values_4xw.size()) fail(Exit::internal, "PFM and CWM widths differ");
  motifs_.push_back(std::move(motif));
  pfms_.push_back(pfm_4xw);
  values_.insert(values_.end(), values_4xw.begin(), values_4xw.end());
}

std::pair<int, int> trim_span(const std::vector<double>& values_4xw, int width, double threshold) {
  std::vector<double> score(static_cast<size_t>(width), 0.0);
  for (int b = 0; b < 4; ++b)
    for (int w = 0; w < width; ++w) score[static_cast<size_t>(w)] += std::abs(values_4xw[static_cast<size_t>(b * width + w)]);
  double cut = *std::max_element(score.begin(), score.end()) * threshold;
  int start = width, end = 0;
  for (int w = 0; w < width; ++w)
    if (score[static_cast<size_t>(w)] >= cut) {
      start = std::min(start, w);
      end = w + 1;
    }
  if (start >= end) return {0, width};  // all-NaN matrix: nothing passes; keep it whole
  return {start, end};
}

std::string consensus(const MotifSet& set, size_t motif) {
  const Motif& m = set[motif];
  std::string out;
  for (int w = m.trim_start; w < m.trim_end; ++w) {
    auto at = [&](int b) { return set.has_pfm(motif) ? set.pfm(motif, b, w) : set.value(motif, b, w); };
    int best = 0;
    for (int b = 1; b < 4; ++b)
      if (at(b) > at(best)) best = b;
    out.push_back(kBases[best]);
  }
  return out;
}

namespace {

struct TsvRow {
  size_t line;
  std::vector<std::string> cells;
};

std::vector<TsvRow> read_tsv(const std::string& path, size_t columns, const char* what) {
  std::ifstream in(path);
  if (!in) fail_io("cannot open " + std::string(what), path, "check the path");
  std::vector<TsvRow> rows;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells = split_tabs(line);
    if (columns == 1) cells.resize(1);  // extra columns of a name list are ignored, as Fi-NeMo does
    if (cells.size() != columns)
      fail_input(std::string(what) + " line has " + std::to_string(cells.size()) + " columns, expected " +
                     std::to_string(columns),
                 path + ":" + std::to_string(lineno), "separate the columns with one tab");
    rows.push_back({lineno, std::move(cells)});
  }
  return rows;
}

// Records where each key was read; a key given twice is an error naming both lines.
void note_key(std::map<std::string, size_t>& seen, const std::string& key, size_t line, const std::string& path,
              const char* what) {
  auto [it, fresh] = seen.emplace(key, line);
  if (!fresh)
    fail_input(std::string(what) + " gives '" + key + "' twice, on lines " + std::to_string(it->second) + " and " +
                   std::to_string(line),
               path + ":" + std::to_string(line), "keep one line per pattern");
}

void export_lines(const std::map<std::string, size_t>& seen, const std::string& path,
                  std::map<std::string, std::string>* lines) {
  if (!lines) return;
  for (const auto& [k, l] : seen) (*lines)[k] = path + ":" + std::to_string(l);
}

}  // namespace

std::map<std::string, std::string> read_name_map(const std::string& path, std::map<std::string, std::string>* lines) {
  std::map<std::string, std::string> out;
  std::map<std::string, size_t> seen, seen_new;
  for (auto& [line, r] : read_tsv(path, 2, "motif name map")) {
    note_key(seen, r[0], line, path, "motif name map");
    auto [it, fresh] = seen_new.emplace(r[1], line);
    if (!fresh)
      fail_input("motif name '" + r[1] + "' is given to two patterns, on lines " + std::to_string(it->second) +
                     " and " + std::to_string(line),
                 path + ":" + std::to_string(line), "make the new names unique");
    out[r[0]] = r[1];
  }
  export_lines(seen, path, lines);
  return out;
}

std::map<std::string, float> read_lambda_map(const std::string& path, std::map<std::string, std::string>* lines) {
  std::map<std::string, float> out;
  std::map<std::string, size_t> seen;
  for (auto& [line, r] : read_tsv(path, 2, "motif value table")) {
    note_key(seen, r[0], line, path, "motif value table");
    char* end = nullptr;
    float v = std::strtof(r[1].c_str(), &end);
    if (end == r[1].c_str() || *end != '\0' || !(v > 0.0f) || !std::isfinite(v))
      fail_input("value '" + r[1] + "' for " + r[0] + " is not a positive number", path + ":" + std::to_string(line));
    out[r[0]] = v;
  }
  export_lines(seen, path, lines);
  return out;
}

std::set<std::string> read_name_list(const std::string& path, std::map<std::string, std::string>* lines) {
  std::set<std::string> out;
  std::map<std::string, size_t> seen;
  for (auto& [line, r] : read_tsv(path, 1, "motif list")) {
    note_key(seen, r[0], line, path, "motif list");
    out.insert(r[0]);
  }
  export_lines(seen, path, lines);
  return out;
}

}  // namespace s2f::hits
