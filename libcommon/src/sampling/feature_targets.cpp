#include "s2f/sampling/feature_targets.hpp"

#include <algorithm>
#include <charconv>

#include "s2f/error.hpp"
#include "s2f/genome/bed.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::sampling {

void check_bins(const SeleneBins& b) {
  if (b.sequence_length <= 0) fail_usage("--sequence-length must be > 0");
  if (b.center_bin <= 0) fail_usage("--center-bin must be > 0");
  if (b.center_bin > b.sequence_length)
    fail_usage("--center-bin " + std::to_string(b.center_bin) + " is longer than --sequence-length " +
               std::to_string(b.sequence_length));
  if ((b.sequence_length + b.center_bin) % 2 != 0)
    fail_usage("--sequence-length " + std::to_string(b.sequence_length) + " and --center-bin " +
                   std::to_string(b.center_bin) + " must be both odd or both even",
               "the centre bin sits in the middle of the window, as in Selene (e.g. 1000 and 200)");
}

namespace {
float parse_threshold(const std::string& text, const std::string& item) {
  float v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || !(v > 0 && v <= 1))
    fail_usage("--feature-threshold '" + item + "': a threshold is a number in (0, 1]",
               "e.g. 0.5, or NAME=0.3 and default=0.1 for per-feature thresholds");
  return v;
}
}  // namespace

FeatureThresholds parse_feature_thresholds(const std::vector<std::string>& items) {
  FeatureThresholds t;
  for (const auto& item : items) {
    const auto eq = item.rfind('=');
    if (eq == std::string::npos) {
      t.fallback = parse_threshold(item, item);
      continue;
    }
    const std::string name = item.substr(0, eq);
    const float v = parse_threshold(item.substr(eq + 1), item);
    if (name.empty()) fail_usage("--feature-threshold '" + item + "' names no feature");
    if (name == "default") t.fallback = v;
    else t.per_feature[name] = v;
  }
  return t;
}

FeatureTargets::FeatureTargets(std::vector<std::string> features, const FeatureThresholds& thresholds, size_t contigs)
    : features_(std::move(features)), by_contig_(contigs), longest_(contigs, 0) {
  for (size_t i = 0; i < features_.size(); ++i) {
    index_[features_[i]] = static_cast<int>(i);
    auto it = thresholds.per_feature.find(features_[i]);
    thresholds_.push_back(it == thresholds.per_feature.end() ? thresholds.fallback : it->second);
  }
  for (const auto& [name, v] : thresholds.per_feature)
    if (!index_.count(name))
      fail_usage("--feature-threshold names '" + text_excerpt(name, 60) + "', which is not in the features list",
                 "use a name from --features, or default=VALUE");
}

int FeatureTargets::index_of(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

void FeatureTargets::add(int contig, int64_t start, int64_t end, uint32_t feature) {
  // Selene marks one base for an interval of length zero.
  if (end <= start) end = start + 1;
  auto c = static_cast<size_t>(contig);
  by_contig_[c].push_back({start, end, feature});
  longest_[c] = std::max(longest_[c], end - start);
}

void FeatureTargets::finish() {
  for (auto& v : by_contig_)
    std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
      return a.start != b.start ? a.start < b.start : a.end < b.end;
    });
}

std::vector<uint32_t> FeatureTargets::positives(int contig, int64_t begin, int64_t end) const {
  std::vector<uint32_t> out;
  if (contig < 0 || static_cast<size_t>(contig) >= by_contig_.size() || end <= begin) return out;
  const auto& v = by_contig_[static_cast<size_t>(contig)];
  const int64_t from = begin - longest_[static_cast<size_t>(contig)];
  auto it = std::lower_bound(v.begin(), v.end(), from, [](const Interval& x, int64_t s) { return x.start < s; });
  // Clipped overlaps per feature; the covered bases are their union.
  std::vector<std::pair<uint32_t, std::pair<int64_t, int64_t>>> hits;
  for (; it != v.end() && it->start < end; ++it)
    if (it->end > begin) hits.push_back({it->feature, {std::max(it->start, begin), std::min(it->end, end)}});
  if (hits.empty()) return out;
  std::sort(hits.begin(), hits.end());
  const auto length = static_cast<float>(end - begin);
  for (size_t i = 0; i < hits.size();) {
    const uint32_t f = hits[i].first;
    int64_t covered = 0, run_b = hits[i].second.first, run_e = hits[i].second.second;
    size_t j = i + 1;
    for (; j < hits.size() && hits[j].first == f; ++j) {
      if (hits[j].second.first > run_e) {
        covered += run_e - run_b;
        run_b = hits[j].second.first;
      }
      run_e = std::max(run_e, hits[j].second.second);
    }
    covered += run_e - run_b;
    // float32 as in Selene: (threshold * length - 1) clipped at 0, truncated.
    float cut = thresholds_[f] * length - 1.0f;
    if (cut < 0) cut = 0;
    if (covered > static_cast<int64_t>(cut)) out.push_back(f);
    i = j;
  }
  return out;
}

FeatureTargets read_feature_targets(const std::string& path, std::vector<std::string> features,
                                    const FeatureThresholds& thresholds, genome::ChromosomeNames& names,
                                    genome::BadLines& bad, uint64_t& unknown) {
  FeatureTargets t(std::move(features), thresholds, names.contigs().size());
  genome::BedReader reader(path, genome::BedFlavor::bed, 0, bad);
  genome::BedRecord rec;
  while (reader.next(rec)) {
    if (rec.columns.size() < 5) {
      bad.report(reader.line(), reader.where(),
                 "a targets line needs 5 columns (chrom, start, end, strand, feature), this one has " +
                     std::to_string(rec.columns.size()),
                 "write Selene's target BED: the feature name in column 5");
      continue;
    }
    const std::string feature(rec.columns[4]);
    const int f = t.index_of(feature);
    if (f < 0) {
      bad.report(reader.line(), reader.where(),
                 "feature '" + text_excerpt(feature, 60) + "' is not in the features list",
                 "add it to the --features file, or remove its lines from --targets");
      continue;
    }
    const int c = names.resolve(rec.chrom);
    if (c < 0) {
      ++unknown;
      continue;
    }
    t.add(c, rec.start, rec.end, static_cast<uint32_t>(f));
  }
  t.finish();
  return t;
}

std::string class_indices_column(const std::vector<uint32_t>& positives) {
  std::string s;
  for (size_t i = 0; i < positives.size(); ++i) s += (i ? ";" : "") + std::to_string(positives[i]);
  return s;
}

}  // namespace s2f::sampling
