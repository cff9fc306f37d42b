// Per-track statistics of a (ref, alt) pair of predictions over a window of
// bins. Selene's scores (diff, abs_diff, logit_diff, ref, alt) act on the
// window sum; the windowed effects follow chorus (log2fc, logfc, sad) and
// the profile distances compare the two profiles bin by bin.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace s2f::score {

enum class Statistic { ref, alt, diff, abs_diff, logit_diff, log2fc, logfc, sad, l1, l2, jsd, max_abs_diff };

Statistic parse_statistic(const std::string& name);  // usage error listing the names
const char* statistic_name(Statistic s);
// Field name in a scores stream: the statistic's name, except ref/alt, which
// become ref_pred/alt_pred (the stream already has ref/alt allele fields).
std::string score_field_name(Statistic s);
bool needs_alt(Statistic s);                 // all but `ref`
double default_pseudocount(Statistic s);     // log2fc 1, logfc 0.001, others 0

// How logit() treats a prediction, for logit_diff and ISM logits:
//  - clipped (default): p clipped to [kLogitEpsilon, 1 - kLogitEpsilon], so
//    every value is finite and symmetric around 0.5; predictions below 1e-6
//    all compare equal (ref 1e-8 -> alt 1e-7 gives 0);
//  - selene (--logit selene): Selene's LogitScoreHandler exactly: p == 0
//    becomes 1e-24, p >= 1 becomes 0.999999 (as float32, Selene's array
//    type), everything else is unclipped (1e-8 -> 1e-7 gives ln 10). Never
//    infinite; a prediction below 0 (no probability) or NaN gives NaN, as
//    scipy's logit does, and s2f-score warns with the count.
enum class LogitRule : uint8_t { clipped, selene };
LogitRule parse_logit_rule(const std::string& name);  // usage error naming the choices
inline constexpr double kLogitEpsilon = 1e-6;
// ln(p / (1 - p)) under `rule`.
double logit(double p, LogitRule rule = LogitRule::clipped);

// One track's window of bins, reference and alternative (alt may be empty
// for `ref`).
double compute(Statistic s, std::span<const float> ref, std::span<const float> alt, double pseudocount,
               LogitRule logit_rule = LogitRule::clipped);

// The window of a head with `bins` bins of `bin_size` bp: centre bin
// c = bins / 2 (integer division), half-width h = window_bp / (2 * bin_size)
// (integer division), bins c - h ... c + h inclusive, clipped to the head.
// window_bp <= 0 means the whole head.
struct BinRange {
  int64_t first = 0, last = 0;  // inclusive
  int64_t size() const { return last - first + 1; }
};
BinRange window_bins(int64_t bins, int64_t bin_size, int64_t window_bp);

}  // namespace s2f::score
