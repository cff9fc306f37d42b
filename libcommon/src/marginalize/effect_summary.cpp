#include "s2f/marginalize/effect_summary.hpp"

#include <cmath>
#include <cstdio>

namespace s2f::marginalize {

EffectSummary::EffectSummary(const predict::TrackPlan& plan) : plan_(plan) {}

void EffectSummary::add(const Experiment& e, const HeadSlices& values) {
  auto key = std::make_pair(e.label, e.spacing);
  auto it = stats_.find(key);
  if (it == stats_.end()) {
    groups_.push_back(key);
    std::vector<std::vector<Moments>> per_head;
    for (const auto& h : plan_.heads) per_head.emplace_back(h.channels.size());
    it = stats_.emplace(key, std::move(per_head)).first;
  }
  for (size_t h = 0; h < plan_.heads.size(); ++h) {
    const int64_t bins = plan_.heads[h].out_bins();
    for (size_t t = 0; t < plan_.heads[h].channels.size(); ++t) {
      double before = 0, after = 0;
      const float* b = values.before[h] + static_cast<int64_t>(t) * bins;
      const float* a = values.after[h] + static_cast<int64_t>(t) * bins;
      for (int64_t j = 0; j < bins; ++j) {
        before += b[j];
        after += a[j];
      }
      auto& m = it->second[h][t];
      const double effect = after - before;
      ++m.n;
      const double d = effect - m.mean;
      m.mean += d / static_cast<double>(m.n);
      m.m2 += d * (effect - m.mean);
      m.before += before;
      m.after += after;
    }
  }
}

std::string EffectSummary::tsv() const {
  std::string out = "label\tspacing\thead\ttrack_id\ttrack_name\tn\tmean_effect\tsd_effect\tmean_before\tmean_after\n";
  char buf[256];
  for (const auto& key : groups_) {
    const auto& per_head = stats_.at(key);
    for (size_t h = 0; h < plan_.heads.size(); ++h) {
      const auto& head = plan_.heads[h];
      for (size_t t = 0; t < head.channels.size(); ++t) {
        const auto& m = per_head[h][t];
        const size_t row = head.rows[t];
        const auto name = plan_.catalog.get(row, catalog::kTrackName);
        const double n = static_cast<double>(m.n);
        const double sd = m.n > 1 ? std::sqrt(m.m2 / (n - 1)) : 0.0;
        std::snprintf(buf, sizeof buf, "\t%llu\t%.9g\t%.9g\t%.9g\t%.9g\n", static_cast<unsigned long long>(m.n), m.mean,
                      sd, m.before / n, m.after / n);
        out += key.first + "\t" + std::to_string(key.second) + "\t" + head.model.name + "\t" +
               plan_.catalog.track_id(row) + "\t" + name.value_or("") + buf;
      }
    }
  }
  return out;
}

}  // namespace s2f::marginalize
