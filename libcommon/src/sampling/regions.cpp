#include "s2f/sampling/regions.hpp"

#include <algorithm>

namespace s2f::sampling {

const char* partition_name(Partition p) {
  switch (p) {
    case Partition::train: return "train";
    case Partition::validate: return "validate";
    case Partition::test: return "test";
  }
  return "?";
}

void normalize(Regions& r) {
  std::sort(r.begin(), r.end(), [](const Region& a, const Region& b) {
    return a.contig != b.contig ? a.contig < b.contig : a.begin < b.begin;
  });
  Regions out;
  out.reserve(r.size());
  for (const auto& x : r) {
    if (x.end <= x.begin) continue;
    if (!out.empty() && out.back().contig == x.contig && x.begin <= out.back().end &&
        out.back().partition == x.partition)
      out.back().end = std::max(out.back().end, x.end);
    else
      out.push_back(x);
  }
  r.swap(out);
}

Regions subtract(const Regions& a, const Regions& b) {
  Regions out;
  size_t j = 0;
  for (const auto& x : a) {
    while (j < b.size() && (b[j].contig < x.contig || (b[j].contig == x.contig && b[j].end <= x.begin))) ++j;
    int64_t cur = x.begin;
    for (size_t k = j; k < b.size() && b[k].contig == x.contig && b[k].begin < x.end; ++k) {
      if (b[k].begin > cur) out.push_back({x.contig, cur, b[k].begin, x.partition});
      cur = std::max(cur, b[k].end);
      if (cur >= x.end) break;
    }
    if (cur < x.end) out.push_back({x.contig, cur, x.end, x.partition});
  }
  return out;
}

Regions pad(Regions r, int64_t margin, const std::vector<genome::Contig>& contigs) {
  for (auto& x : r) {
    // Overflow-safe for any margin >= 0 and 0 <= begin <= end <= length.
    const int64_t length = contigs[static_cast<size_t>(x.contig)].length;
    x.begin = margin >= x.begin ? 0 : x.begin - margin;
    x.end = margin >= length - x.end ? length : x.end + margin;
  }
  normalize(r);
  return r;
}

Regions trim_contig_ends(const Regions& r, int64_t margin, const std::vector<genome::Contig>& contigs) {
  Regions out;
  for (auto x : r) {
    x.begin = std::max(x.begin, margin);
    x.end = std::min(x.end, contigs[static_cast<size_t>(x.contig)].length - margin);
    if (x.end > x.begin) out.push_back(x);
  }
  return out;
}

Regions keep_windows_inside(const Regions& r, int64_t window, const std::vector<genome::Contig>& contigs) {
  // Window [pos - h, pos - h + window) inside [0, length): h <= pos <= length - window + h.
  const int64_t h = window / 2;
  Regions out;
  for (auto x : r) {
    x.begin = std::max(x.begin, h);
    x.end = std::min(x.end, contigs[static_cast<size_t>(x.contig)].length - window + h + 1);
    if (x.end > x.begin) out.push_back(x);
  }
  return out;
}

Regions window_overlaps(const Regions& r, int64_t window, const std::vector<genome::Contig>& contigs) {
  // [pos - h, pos - h + window) meets [b, e) when b - window + h < pos < e + h.
  const int64_t h = window / 2;
  Regions out;
  for (auto x : r) {
    const int64_t length = contigs[static_cast<size_t>(x.contig)].length;
    x.begin = std::max<int64_t>(0, x.begin - (window - h) + 1);
    x.end = std::min(length, x.end + h);
    if (x.end > x.begin) out.push_back(x);
  }
  normalize(out);
  return out;
}

Regions acgt_regions(const genome::ReferenceGenome& genome, const std::vector<int>& contigs) {
  Regions out;
  for (int c : contigs) {
    std::string bases = genome.fetch_contig(static_cast<size_t>(c));
    const int64_t n = static_cast<int64_t>(bases.size());
    int64_t i = 0;
    while (i < n) {
      while (i < n && bases[static_cast<size_t>(i)] == 'N') ++i;
      int64_t b = i;
      while (i < n && bases[static_cast<size_t>(i)] != 'N') ++i;
      if (i > b) out.push_back({c, b, i, Partition::train});
    }
  }
  return out;
}

uint64_t total_length(const Regions& r) {
  uint64_t t = 0;
  for (const auto& x : r) t += static_cast<uint64_t>(x.length());
  return t;
}

RegionPicker::RegionPicker(Regions regions) : regions_(std::move(regions)) {
  cumulative_.reserve(regions_.size());
  for (const auto& x : regions_) {
    total_ += static_cast<uint64_t>(x.length());
    cumulative_.push_back(total_);
  }
}

RegionPicker::Pick RegionPicker::at(uint64_t offset) const {
  size_t i = static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), offset) - cumulative_.begin());
  const Region& r = regions_[i];
  uint64_t before = i ? cumulative_[i - 1] : 0;
  return {r.contig, r.begin + static_cast<int64_t>(offset - before), r.partition};
}

}  // namespace s2f::sampling
