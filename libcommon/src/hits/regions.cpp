#include "s2f/hits/regions.hpp"

#include <cmath>
#include <fstream>
#include <map>

#include "s2f/error.hpp"
#include "s2f/tsv.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::hits {

PeakTable PeakTable::without_coordinates(size_t n) {
  PeakTable t;
  t.chrom.assign(n, "NA");
  t.name.assign(n, "NA");
  t.region_start.assign(n, 0);
  t.chrom_rank.resize(n);
  // Without coordinates, regions keep their input order.
  for (size_t i = 0; i < n; ++i) t.chrom_rank[i] = static_cast<uint32_t>(i);
  t.has_coordinates = false;
  return t;
}

void PeakTable::rank_chromosomes(const std::vector<std::string>& order) {
  std::map<std::string, uint32_t> rank;
  for (const auto& c : order) rank.emplace(c, static_cast<uint32_t>(rank.size()));
  chrom_rank.resize(chrom.size());
  for (size_t i = 0; i < chrom.size(); ++i) {
    auto [it, added] = rank.emplace(chrom[i], static_cast<uint32_t>(rank.size()));
    chrom_rank[i] = it->second;
  }
}

std::vector<std::string> read_chrom_order(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_io("cannot open chromosome order file", path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) line.resize(tab);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

PeakTable read_narrowpeak(const std::string& path, int64_t half_width, const std::vector<std::string>& chrom_order) {
  std::ifstream in(path);
  if (!in) fail_io("cannot open peaks file", path, "give a narrowPeak file");
  PeakTable t;
  t.has_coordinates = true;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line.rfind("track", 0) == 0 || line.rfind("browser", 0) == 0) continue;
    std::vector<std::string> cells = split_tabs(line);
    const std::string where = path + ":" + std::to_string(lineno);
    if (cells.size() < 10)
      fail_input("narrowPeak line has " + std::to_string(cells.size()) + " columns, expected 10", where,
                 "peaks need the summit offset in column 10");
    auto number = [&](const std::string& s, const char* what) {
      char* end = nullptr;
      long long v = std::strtoll(s.c_str(), &end, 10);
      if (end == s.c_str() || *end != '\0') fail_input(std::string(what) + " '" + s + "' is not an integer", where);
      return static_cast<int64_t>(v);
    };
    int64_t start = number(cells[1], "start");
    int64_t summit = number(cells[9], "summit");
    t.chrom.push_back(cells[0]);
    t.name.push_back(cells[3]);
    t.region_start.push_back(start + summit - half_width);
  }
  t.rank_chromosomes(chrom_order);
  return t;
}

RegionSet::RegionSet(size_t count, size_t length, int channels, bool half_precision)
    : count_(count), length_(length), channels_(channels), half_precision_(half_precision) {
  const size_t n = count * static_cast<size_t>(channels) * length;
  if (half_precision) half_.assign(n, 0);
  else full_.assign(n, 0.0f);
  bases_.assign(count * length, 0);
  peaks = PeakTable::without_coordinates(count);
}

float RegionSet::contribution(size_t region, int channel, size_t pos) const {
  const size_t at = (region * static_cast<size_t>(channels_) + static_cast<size_t>(channel)) * length_ + pos;
  return half_precision_ ? stream::half_to_float(half_[at]) : full_[at];
}

void RegionSet::optimiser_input(size_t i, bool hypothetical, std::span<float> contrib, std::span<uint8_t> mask) const {
  const uint8_t* bases = bases_.data() + i * length_;
  for (size_t l = 0; l < length_; ++l) {
    mask[l] = bases[l];
    for (int b = 0; b < 4; ++b) {
      float c = contribution(i, channels_ == 4 ? b : 0, l);
      contrib[l * 4 + static_cast<size_t>(b)] = hypothetical ? c : ((bases[l] >> b & 1) ? c : 0.0f);
    }
  }
}

void RegionSet::validate() const {
  if (count_ == 0) fail_input("no regions", source, "the input holds no records");
  if (length_ % 2 != 0)
    fail_input("region width " + std::to_string(length_) + " is odd", source,
               "regions are centred on peak summits, so their width must be even");
  for (size_t i = 0; i < count_; ++i)
    for (int c = 0; c < channels_; ++c)
      for (size_t l = 0; l < length_; ++l)
        if (!std::isfinite(contribution(i, c, l)))
          fail_input("contribution score is " + std::string(std::isnan(contribution(i, c, l)) ? "NaN" : "infinite") +
                         " in region " + std::to_string(i) + " at position " + std::to_string(l),
                     source, "recompute the attributions, or replace non-finite values with 0 before calling hits");
}

void RegionSet::attach(PeakTable table, const std::string& peaks_source) {
  if (table.size() != count_)
    fail_input("the regions file has " + std::to_string(count_) + " regions but the peaks file has " +
                   std::to_string(table.size()) + " peaks",
               source + " vs " + peaks_source, "give the peaks the regions were extracted from, in the same order");
  peaks = std::move(table);
}

}  // namespace s2f::hits
