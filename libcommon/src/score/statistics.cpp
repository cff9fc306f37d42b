#include "s2f/score/statistics.hpp"

#include <algorithm>
#include <cmath>

#include "s2f/error.hpp"

namespace s2f::score {

LogitRule parse_logit_rule(const std::string& name) {
  if (name == "clipped") return LogitRule::clipped;
  if (name == "selene") return LogitRule::selene;
  fail_usage("--logit '" + name + "' is not a logit rule", "choose clipped (default) or selene");
}

double logit(double p, LogitRule rule) {
  if (rule == LogitRule::selene) {
    // Selene overwrites its float32 prediction arrays before scipy's logit.
    if (p == 0) p = static_cast<double>(1e-24f);
    else if (p >= 1) p = static_cast<double>(0.999999f);
    return std::log(p / (1.0 - p));  // NaN below 0, as scipy
  }
  p = std::clamp(p, kLogitEpsilon, 1.0 - kLogitEpsilon);
  return std::log(p / (1.0 - p));
}

namespace {
constexpr const char* kNames[] = {"ref", "alt", "diff", "abs_diff", "logit_diff", "log2fc",
                                  "logfc", "sad", "l1", "l2", "jsd", "max_abs_diff"};

double sum(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += x;
  return s;
}

// Softmax over the window: profile heads predict logits per bin.
std::vector<double> softmax(std::span<const float> v) {
  std::vector<double> p(v.size());
  double m = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  double z = 0;
  for (size_t i = 0; i < v.size(); ++i) z += (p[i] = std::exp(static_cast<double>(v[i]) - m));
  for (auto& x : p) x /= z;
  return p;
}

// Jensen-Shannon divergence in bits (so it lies in [0, 1]).
double jsd(std::span<const float> a, std::span<const float> b) {
  auto p = softmax(a), q = softmax(b);
  double d = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double m = 0.5 * (p[i] + q[i]);
    if (p[i] > 0) d += 0.5 * p[i] * std::log2(p[i] / m);
    if (q[i] > 0) d += 0.5 * q[i] * std::log2(q[i] / m);
  }
  return std::max(0.0, d);
}
}  // namespace

Statistic parse_statistic(const std::string& name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (name == kNames[i]) return static_cast<Statistic>(i);
  std::string all;
  for (auto n : kNames) all += (all.empty() ? "" : ", ") + std::string(n);
  fail_usage("unknown statistic '" + name + "'", "choose from " + all);
}

const char* statistic_name(Statistic s) { return kNames[static_cast<size_t>(s)]; }
std::string score_field_name(Statistic s) {
  if (s == Statistic::ref) return "ref_pred";
  if (s == Statistic::alt) return "alt_pred";
  return statistic_name(s);
}

bool needs_alt(Statistic s) { return s != Statistic::ref; }

double default_pseudocount(Statistic s) {
  if (s == Statistic::log2fc) return 1.0;
  if (s == Statistic::logfc) return 1e-3;
  return 0.0;
}

double compute(Statistic s, std::span<const float> ref, std::span<const float> alt, double pc, LogitRule rule) {
  switch (s) {
    case Statistic::ref: return sum(ref);
    case Statistic::alt: return sum(alt);
    case Statistic::diff:
    case Statistic::sad: return sum(alt) - sum(ref);
    case Statistic::abs_diff: return std::fabs(sum(alt) - sum(ref));
    case Statistic::logit_diff: return logit(sum(alt), rule) - logit(sum(ref), rule);
    case Statistic::log2fc: return std::log2((sum(alt) + pc) / (sum(ref) + pc));
    case Statistic::logfc: return std::log((sum(alt) + pc) / (sum(ref) + pc));
    case Statistic::l1: {
      double d = 0;
      for (size_t i = 0; i < ref.size(); ++i) d += std::fabs(static_cast<double>(alt[i]) - ref[i]);
      return d;
    }
    case Statistic::l2: {
      double d = 0;
      for (size_t i = 0; i < ref.size(); ++i) d += (static_cast<double>(alt[i]) - ref[i]) * (static_cast<double>(alt[i]) - ref[i]);
      return std::sqrt(d);
    }
    case Statistic::jsd: return jsd(ref, alt);
    case Statistic::max_abs_diff: {
      double d = 0;
      for (size_t i = 0; i < ref.size(); ++i) d = std::max(d, std::fabs(static_cast<double>(alt[i]) - ref[i]));
      return d;
    }
  }
  return 0;
}

BinRange window_bins(int64_t bins, int64_t bin_size, int64_t window_bp) {
  if (window_bp <= 0 || bins <= 1) return {0, bins - 1};
  int64_t c = bins / 2, h = window_bp / (2 * std::max<int64_t>(bin_size, 1));
  return {std::max<int64_t>(0, c - h), std::min(bins - 1, c + h)};
}

}  // namespace s2f::score
