// The per-variant scores of the ChromBPNet variant scorer
// (kundajelab/variant-scorer), with its definitions and names, for a model
// with a profile head (logits per 1-bp bin) and a log-count head. Per
// profile track, with allele1 = REF and allele2 = ALT:
//   counts_i  = exp(log-count_i)                 (allele1/2_pred_counts)
//   profile_i = softmax(logits_i) over the whole head
//   logfc     = log2(counts_2 / counts_1)        abs_logfc = |logfc|
//   jsd       = Jensen-Shannon distance (natural log, sqrt of the
//               divergence, as scipy's jensenshannon) of profile_2 and
//               profile_1 after indel alignment (profile_alignment.hpp),
//               each kept part renormalised to sum 1; original_jsd without
//               alignment (equal to jsd for SNVs)
//   logfc_x_jsd = logfc * jsd                    abs_logfc_x_jsd = |logfc| * jsd
// With a peak set's predicted counts (same model):
//   allele1/2_quantile     = fraction of peaks whose counts are < counts_1/2
//   active_allele_quantile = max(allele1_quantile, allele2_quantile)
//   quantile_change        = allele2_quantile - allele1_quantile (and abs_)
//   X_x_active_allele_quantile = X * active_allele_quantile for X in logfc,
//   abs_logfc, jsd, logfc_x_jsd, abs_logfc_x_jsd.
// Forward/reverse averaging happens upstream (s2f-predict --rc mean-prob
// averages softmax profiles and exp counts, as variant-scorer does).
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace s2f::score {

enum class AlleleScore {
  allele1_pred_counts, allele2_pred_counts, logfc, abs_logfc, jsd, original_jsd, logfc_x_jsd, abs_logfc_x_jsd,
  allele1_quantile, allele2_quantile, active_allele_quantile, quantile_change, abs_quantile_change,
  logfc_x_active_allele_quantile, abs_logfc_x_active_allele_quantile, jsd_x_active_allele_quantile,
  logfc_x_jsd_x_active_allele_quantile, abs_logfc_x_jsd_x_active_allele_quantile
};

std::optional<AlleleScore> find_allele_score(const std::string& name);
AlleleScore parse_allele_score(const std::string& name);  // usage error listing the names
const char* allele_score_name(AlleleScore s);
bool needs_peaks(AlleleScore s);  // the quantile scores
// Scores whose sign carries the direction (two-sided p-values).
bool is_signed_score(AlleleScore s);
// The default set: logfc and jsd, and the quantile scores with peaks.
std::vector<AlleleScore> default_allele_scores(bool with_peaks);

// softmax of logits, in double precision.
std::vector<double> softmax_profile(std::span<const float> logits);
// scipy.spatial.distance.jensenshannon(p, q) in natural log: p and q are
// normalised to sum 1 first.
double jensen_shannon_distance(std::span<const double> p, std::span<const double> q);

// Everything one track of one variant needs.
struct AlleleInputs {
  double log_count1 = 0, log_count2 = 0;
  std::span<const float> logits1, logits2;  // the whole profile head
  const std::vector<int64_t>* keep1 = nullptr;  // aligned bins (nullptr = all)
  const std::vector<int64_t>* keep2 = nullptr;
  std::span<const double> peak_counts;          // sorted; empty = no peak set
};

// All scores of one track; out[i] is scores[i].
void compute_allele_scores(const AlleleInputs& in, std::span<const AlleleScore> scores, std::span<float> out);

// Fraction of the sorted values that are < x (np.mean(values < x)).
double quantile_below(std::span<const double> sorted, double x);

// Empirical p-value of an observed score against null scores (variant-
// scorer's get_pvals): right tail (1 + #{null >= obs}) / (n + 1), left tail
// (1 + #{null <= obs}) / (n + 1), two-sided 2 * min(left, right) (may
// exceed 1, as there). `sorted_null` is sorted ascending.
double empirical_pvalue(std::span<const double> sorted_null, double observed, bool two_sided);

}  // namespace s2f::score
