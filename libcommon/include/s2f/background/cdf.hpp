// Compacting a track's sorted sample to a fixed number of percentile
// points, as stored in *_pertrack.npz (one row of 10,000 per track).
//
// Rule: point j of P (j = 0..P-1) is the quantile at q_j = j / (P - 1) of
// the m sorted values v, with linear interpolation between order
// statistics (numpy.percentile's default "linear" method):
//   x = q_j * (m - 1), lo = floor(x), hi = min(lo + 1, m - 1),
//   point_j = v[lo] + (x - lo) * (v[hi] - v[lo])   (computed in double).
// So point 0 is the minimum and point P-1 the maximum. Fewer than P values
// use the same rule (points repeat or interpolate between neighbours); one
// value fills the row with it; an empty track is all NaN (its count, 0,
// says why). Interpolating towards an infinite neighbour takes the nearer
// endpoint instead of producing NaN.
#pragma once
#include <span>
#include <vector>

namespace s2f::background {

inline constexpr size_t kCdfPoints = 10000;

// `sorted` ascending, NaN-free; `out` receives `points` values.
void compact_cdf(std::span<const float> sorted, std::span<float> out);
std::vector<float> compact_cdf(std::span<const float> sorted, size_t points = kCdfPoints);

}  // namespace s2f::background
