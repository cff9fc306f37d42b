// HitCaller: Fi-NeMo motif-instance calling for one region at a time.
//
// Each region's contribution scores are reconstructed as a sparse,
// non-negative combination of motif CWMs placed at positions (a non-negative
// lasso), solved by proximal gradient descent with Nesterov momentum; the
// duality gap decides convergence. Regions are independent, so a region
// stops as soon as it converges instead of waiting for a batch.
//
// Inputs and outputs follow Fi-NeMo's fit_contribs: contributions are scaled
// by their RMS (the region's global scale), every (motif, position) by an
// importance scale (sum of squared contributions under the trimmed motif +
// eps)^-1/2 capped at 10, and the post-filter keeps hits whose similarity
// (cosine of CWM and contributions) reaches the motif's lambda.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "s2f/hits/motif_set.hpp"

namespace s2f::hits {

struct FitSettings {
  bool hypothetical = false;    // fit hypothetical contributions (no sequence mask)
  bool sqrt_transform = false;  // signed square root of contributions and CWMs
  float step_size_max = 3.0f;
  float step_size_min = 0.08f;
  float step_adjust = 0.7f;     // step size factor after a region diverges
  float convergence_tol = 5e-4f;  // duality gap per base
  int max_steps = 10000;
  bool post_filter = true;
  float eps = 1.0f;
};

enum class FitStatus : uint8_t { converged, timeout, failed };

struct Hit {
  uint32_t motif = 0;
  int32_t position = 0;  // untrimmed motif start within the region
  float coefficient = 0, similarity = 0, importance = 0, importance_sq = 0;
};

struct RegionFit {
  std::vector<Hit> hits;  // motif-major, then position
  float nll = 0, dual_gap = 0, step_size = 0, global_scale = 0;
  int num_steps = 0;
  FitStatus status = FitStatus::converged;
};

// Reusable per-thread buffers of one region's fit.
struct FitWorkspace;
struct FitWorkspaceDeleter {
  void operator()(FitWorkspace* w) const;
};
using FitWorkspacePtr = std::unique_ptr<FitWorkspace, FitWorkspaceDeleter>;

class HitCaller {
 public:
  HitCaller(const MotifSet& motifs, int length, FitSettings settings);

  // `contrib` is [L][4] (A, C, G, T) as the optimiser sees it: projected
  // modes have already multiplied by the one-hot sequence. `seq_mask` holds
  // one bit per base per position (bit b = base b present); it masks the
  // reconstruction in projected modes and is ignored in hypothetical mode.
  RegionFit fit(std::span<const float> contrib, std::span<const uint8_t> seq_mask, FitWorkspace& ws) const;
  RegionFit fit(std::span<const float> contrib, std::span<const uint8_t> seq_mask) const;
  FitWorkspacePtr make_workspace() const;

  int length() const { return length_; }
  int width() const { return width_; }
  size_t motif_count() const { return static_cast<size_t>(motifs_); }
  const FitSettings& settings() const { return settings_; }

 private:
  void prepare(FitWorkspace& ws, std::span<const float> contrib, RegionFit& out) const;
  float optimizer_step(FitWorkspace& ws, std::span<const uint8_t> seq_mask, int i, float step, float& nll) const;
  void extract_hits(FitWorkspace& ws, RegionFit& out) const;

  FitSettings settings_;
  int length_ = 0, width_ = 0, positions_ = 0, motifs_ = 0, lanes_ = 0;
  int span_lo_ = 0, span_hi_ = 0;       // union of the trimmed spans
  std::vector<int> trim_start_, trim_end_;
  std::vector<float> cwm_by_base_;      // [4][W][lanes]: correlation, vectorised over motifs
  std::vector<float> cwm_by_motif_;     // [M][W][4]: placing one motif instance
  std::vector<float> lambda_;               // [lanes]
};

}  // namespace s2f::hits
