#include "s2f/score/allele_scores.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "s2f/error.hpp"

namespace s2f::score {

namespace {
constexpr const char* kNames[] = {"allele1_pred_counts",
                                  "allele2_pred_counts",
                                  "logfc",
                                  "abs_logfc",
                                  "jsd",
                                  "original_jsd",
                                  "logfc_x_jsd",
                                  "abs_logfc_x_jsd",
                                  "allele1_quantile",
                                  "allele2_quantile",
                                  "active_allele_quantile",
                                  "quantile_change",
                                  "abs_quantile_change",
                                  "logfc_x_active_allele_quantile",
                                  "abs_logfc_x_active_allele_quantile",
                                  "jsd_x_active_allele_quantile",
                                  "logfc_x_jsd_x_active_allele_quantile",
                                  "abs_logfc_x_jsd_x_active_allele_quantile"};

std::vector<double> kept(const std::vector<double>& p, const std::vector<int64_t>* keep) {
  if (!keep) return p;
  std::vector<double> out;
  out.reserve(keep->size());
  for (int64_t k : *keep) out.push_back(p[static_cast<size_t>(k)]);
  return out;
}
}  // namespace

std::optional<AlleleScore> find_allele_score(const std::string& name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (name == kNames[i]) return static_cast<AlleleScore>(i);
  return std::nullopt;
}

AlleleScore parse_allele_score(const std::string& name) {
  if (auto s = find_allele_score(name)) return *s;
  std::string all;
  for (auto n : kNames) all += (all.empty() ? "" : ", ") + std::string(n);
  fail_usage("unknown statistic '" + name + "' for --scorer chrombpnet", "choose from " + all);
}

const char* allele_score_name(AlleleScore s) { return kNames[static_cast<size_t>(s)]; }

bool needs_peaks(AlleleScore s) { return static_cast<size_t>(s) >= static_cast<size_t>(AlleleScore::allele1_quantile); }

bool is_signed_score(AlleleScore s) {
  return s == AlleleScore::logfc || s == AlleleScore::logfc_x_jsd || s == AlleleScore::quantile_change ||
         s == AlleleScore::logfc_x_active_allele_quantile || s == AlleleScore::logfc_x_jsd_x_active_allele_quantile;
}

std::vector<AlleleScore> default_allele_scores(bool with_peaks) {
  std::vector<AlleleScore> s = {AlleleScore::logfc, AlleleScore::jsd};
  if (with_peaks) s.push_back(AlleleScore::active_allele_quantile);
  return s;
}

std::vector<double> softmax_profile(std::span<const float> logits) {
  std::vector<double> p(logits.size());
  if (logits.empty()) return p;
  double m = *std::max_element(logits.begin(), logits.end()), z = 0;
  for (size_t i = 0; i < p.size(); ++i) z += (p[i] = std::exp(static_cast<double>(logits[i]) - m));
  for (auto& x : p) x /= z;
  return p;
}

double jensen_shannon_distance(std::span<const double> p, std::span<const double> q) {
  double sp = 0, sq = 0;
  for (double x : p) sp += x;
  for (double x : q) sq += x;
  double d = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
    if (a > 0) d += a * std::log(a / m);
    if (b > 0) d += b * std::log(b / m);
  }
  return std::sqrt(std::max(0.0, d / 2));
}

double quantile_below(std::span<const double> sorted, double x) {
  if (sorted.empty()) return std::nan("");
  auto below = std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
  return static_cast<double>(below) / static_cast<double>(sorted.size());
}

double empirical_pvalue(std::span<const double> null, double obs, bool two_sided) {
  const double n = static_cast<double>(null.size());
  auto ge = static_cast<double>(null.end() - std::lower_bound(null.begin(), null.end(), obs));
  double right = (ge + 1) / (n + 1);
  if (!two_sided) return right;
  auto le = static_cast<double>(std::upper_bound(null.begin(), null.end(), obs) - null.begin());
  double left = (le + 1) / (n + 1);
  return 2 * std::min(left, right);
}

void compute_allele_scores(const AlleleInputs& in, std::span<const AlleleScore> scores, std::span<float> out) {
  const double c1 = std::exp(in.log_count1), c2 = std::exp(in.log_count2);
  const double logfc = std::log2(c2 / c1);
  // The softmax of two whole heads is the cost: only for scores with jsd in them.
  bool need_profiles = false;
  for (auto s : scores) need_profiles |= std::string_view(allele_score_name(s)).find("jsd") != std::string_view::npos;
  double jsd = std::nan(""), original = std::nan("");
  if (need_profiles) {
    auto p1 = softmax_profile(in.logits1), p2 = softmax_profile(in.logits2);
    original = jensen_shannon_distance(p2, p1);
    jsd = in.keep1 ? jensen_shannon_distance(kept(p2, in.keep2), kept(p1, in.keep1)) : original;
  }
  const double q1 = quantile_below(in.peak_counts, c1), q2 = quantile_below(in.peak_counts, c2);
  const double active = std::max(q1, q2);
  for (size_t i = 0; i < scores.size(); ++i) {
    double v = 0;
    switch (scores[i]) {
      case AlleleScore::allele1_pred_counts: v = c1; break;
      case AlleleScore::allele2_pred_counts: v = c2; break;
      case AlleleScore::logfc: v = logfc; break;
      case AlleleScore::abs_logfc: v = std::fabs(logfc); break;
      case AlleleScore::jsd: v = jsd; break;
      case AlleleScore::original_jsd: v = original; break;
      case AlleleScore::logfc_x_jsd: v = logfc * jsd; break;
      case AlleleScore::abs_logfc_x_jsd: v = std::fabs(logfc) * jsd; break;
      case AlleleScore::allele1_quantile: v = q1; break;
      case AlleleScore::allele2_quantile: v = q2; break;
      case AlleleScore::active_allele_quantile: v = active; break;
      case AlleleScore::quantile_change: v = q2 - q1; break;
      case AlleleScore::abs_quantile_change: v = std::fabs(q2 - q1); break;
      case AlleleScore::logfc_x_active_allele_quantile: v = logfc * active; break;
      case AlleleScore::abs_logfc_x_active_allele_quantile: v = std::fabs(logfc) * active; break;
      case AlleleScore::jsd_x_active_allele_quantile: v = jsd * active; break;
      case AlleleScore::logfc_x_jsd_x_active_allele_quantile: v = logfc * jsd * active; break;
      case AlleleScore::abs_logfc_x_jsd_x_active_allele_quantile: v = std::fabs(logfc) * jsd * active; break;
    }
    out[i] = static_cast<float>(v);
  }
}

}  // namespace s2f::score
