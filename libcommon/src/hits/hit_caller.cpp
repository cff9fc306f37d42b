#include "s2f/hits/hit_caller.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "fit_kernels.hpp"
#include "s2f/error.hpp"

namespace s2f::hits {

// Everything a region's fit writes, kept between regions so a worker thread
// allocates once. Position-major [p][lane] layouts put all motifs of one
// position side by side, which is what the vectorised loops run along.
struct FitWorkspace {
  std::vector<float> contrib;                   // [L][4], scaled by the global scale
  std::vector<double> sq_prefix, abs_prefix;    // prefix sums over positions of sum_b c^2 and |c|
  double contrib_sq = 0.0;                      // sum of c^2
  std::vector<float> imp, xcov, base_grad;      // [P][lanes], fixed per region
  std::vector<float> corr, inter, coef;         // [P][lanes], per step
  std::vector<float> pred;                      // [L][4] reconstruction, nonzero only where touched
  std::vector<uint8_t> touched;                 // [L]
  std::vector<int> touched_list;
  // Rows (positions) the step must visit: the rest hold zeros that stay
  // zero, and their gradient is the fixed base_grad.
  std::vector<uint8_t> row_state;               // [P]: bit 0 inter row nonzero, bit 1 coef row nonzero
  std::vector<uint8_t> live;                    // [P]: visit this step
  std::vector<int> active_rows;                 // rows with a nonzero in inter or coef
  std::vector<int> hot_rows;                    // rows where some base_grad > lambda
  std::vector<int> step_rows;
  std::vector<float> row_base_max;              // [P]: max over motifs of base_grad / lambda
  std::vector<float> lane_scratch;
};

void FitWorkspaceDeleter::operator()(FitWorkspace* w) const { delete w; }

namespace {

float signed_sqrt(float x) { return x > 0 ? std::sqrt(x) : x < 0 ? -std::sqrt(-x) : 0.0f; }

// numpy/torch nan_to_num: NaN -> 0, +-inf -> the largest finite float.
float nan_to_num(float x) {
  if (std::isnan(x)) return 0.0f;
  if (std::isinf(x)) return x > 0 ? FLT_MAX : -FLT_MAX;
  return x;
}

}  // namespace

HitCaller::HitCaller(const MotifSet& motifs, int length, FitSettings settings)
    : settings_(settings), length_(length), width_(motifs.width()), motifs_(static_cast<int>(motifs.size())) {
  if (motifs.empty()) fail_input("the motif set is empty", {}, "select at least one motif");
  if (length_ < width_)
    fail_input("regions of " + std::to_string(length_) + " bp are shorter than the motif width " +
                   std::to_string(width_),
               {}, "use longer regions or narrower motifs");
  positions_ = length_ - width_ + 1;
  lanes_ = (motifs_ + 15) / 16 * 16;
  const auto W = static_cast<size_t>(width_), lanes = static_cast<size_t>(lanes_);
  cwm_by_base_.assign(4 * W * lanes, 0.0f);
  cwm_by_motif_.assign(static_cast<size_t>(motifs_) * W * 4, 0.0f);
  lambda_.assign(lanes, 1.0f);
  span_lo_ = width_;
  span_hi_ = 0;
  for (int m = 0; m < motifs_; ++m) {
    const Motif& motif = motifs[static_cast<size_t>(m)];
    if (!(motif.lambda > 0.0f)) fail_input("lambda of " + motif.name + " must be positive");
    trim_start_.push_back(motif.trim_start);
    trim_end_.push_back(motif.trim_end);
    span_lo_ = std::min(span_lo_, motif.trim_start);
    span_hi_ = std::max(span_hi_, motif.trim_end);
    lambda_[static_cast<size_t>(m)] = motif.lambda;
    // Only the trimmed span takes part; the matrix is renormalised after
    // trimming (and after the optional square root).
    std::vector<float> v(4 * W, 0.0f);
    float norm = 0.0f;
    for (int b = 0; b < 4; ++b)
      for (int w = motif.trim_start; w < motif.trim_end; ++w) {
        float x = motifs.value(static_cast<size_t>(m), b, w);
        if (settings_.sqrt_transform) x = signed_sqrt(x);
        v[static_cast<size_t>(b * width_ + w)] = x;
        norm += x * x;
      }
    norm = std::sqrt(norm);
    for (int b = 0; b < 4; ++b)
      for (int w = 0; w < width_; ++w) {
        float x = v[static_cast<size_t>(b * width_ + w)] / norm;
        cwm_by_base_[(static_cast<size_t>(b) * W + static_cast<size_t>(w)) * lanes + static_cast<size_t>(m)] = x;
        cwm_by_motif_[(static_cast<size_t>(m) * W + static_cast<size_t>(w)) * 4 + static_cast<size_t>(b)] = x;
      }
  }
}

FitWorkspacePtr HitCaller::make_workspace() const {
  FitWorkspacePtr ws(new FitWorkspace);
  const auto L = static_cast<size_t>(length_), P = static_cast<size_t>(positions_),
             lanes = static_cast<size_t>(lanes_);
  ws->contrib.resize(L * 4);
  ws->sq_prefix.resize(L + 1);
  ws->abs_prefix.resize(L + 1);
  for (auto* v : {&ws->imp, &ws->xcov, &ws->base_grad, &ws->corr, &ws->inter, &ws->coef}) v->assign(P * lanes, 0.0f);
  ws->pred.assign(L * 4, 0.0f);
  ws->touched.assign(L, 0);
  ws->row_state.assign(P, 0);
  ws->live.assign(P, 0);
  ws->row_base_max.assign(P, 0.0f);
  ws->lane_scratch.assign(2 * lanes, 0.0f);
  return ws;
}

void HitCaller::prepare(FitWorkspace& ws, std::span<const float> contrib, RegionFit& out) const {
  const size_t n = static_cast<size_t>(length_) * 4;
  float sum_sq = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    float x = contrib[i];
    if (settings_.sqrt_transform) x = signed_sqrt(x);
    ws.contrib[i] = x;
    sum_sq += x * x;
  }
  // The global scale (RMS per base) makes lambda mean the same in every region.
  const float scale = std::sqrt(sum_sq / static_cast<float>(length_));
  out.global_scale = scale;
  for (size_t i = 0; i < n; ++i) ws.contrib[i] = nan_to_num(ws.contrib[i] / scale);

  ws.sq_prefix[0] = ws.abs_prefix[0] = 0.0;
  for (int l = 0; l < length_; ++l) {
    double sq = 0.0, ab = 0.0;
    for (int b = 0; b < 4; ++b) {
      double x = ws.contrib[static_cast<size_t>(l) * 4 + static_cast<size_t>(b)];
      sq += x * x;
      ab += std::abs(x);
    }
    ws.sq_prefix[static_cast<size_t>(l) + 1] = ws.sq_prefix[static_cast<size_t>(l)] + sq;
    ws.abs_prefix[static_cast<size_t>(l) + 1] = ws.abs_prefix[static_cast<size_t>(l)] + ab;
  }
  ws.contrib_sq = ws.sq_prefix[static_cast<size_t>(length_)];

  const auto lanes = static_cast<size_t>(lanes_);
  std::fill(ws.xcov.begin(), ws.xcov.end(), 0.0f);
  for (int l = 0; l < length_; ++l)
    for (int b = 0; b < 4; ++b) {
      float v = ws.contrib[static_cast<size_t>(l) * 4 + static_cast<size_t>(b)];
      if (v != 0.0f)
        kernels::correlate_add(cwm_by_base_.data(), width_, lanes_, span_lo_, span_hi_, positions_, l, b, v,
                               ws.xcov.data());
    }
  ws.hot_rows.clear();
  float* local = ws.lane_scratch.data();  // free until the first step
  float* ratio = local + lanes;
  for (int p = 0; p < positions_; ++p) {
    const size_t row = static_cast<size_t>(p) * lanes;
    for (int m = 0; m < motifs_; ++m)
      local[m] = static_cast<float>(ws.sq_prefix[static_cast<size_t>(p + trim_end_[static_cast<size_t>(m)])] -
                                    ws.sq_prefix[static_cast<size_t>(p + trim_start_[static_cast<size_t>(m)])]);
    kernels::importance_row(motifs_, local, ws.xcov.data() + row, lambda_.data(), settings_.eps, ws.imp.data() + row,
                            ws.base_grad.data() + row, ratio);
    float row_max = -INFINITY;
    bool hot = false;
    for (int m = 0; m < motifs_; ++m) {
      row_max = std::max(row_max, ratio[m]);
      hot |= ws.base_grad[row + static_cast<size_t>(m)] - lambda_[static_cast<size_t>(m)] > 0.0f;
    }
    for (int m = motifs_; m < lanes_; ++m) {  // padding lanes never win the max and never become hits
      ws.imp[row + static_cast<size_t>(m)] = 0.0f;
      ws.base_grad[row + static_cast<size_t>(m)] = -INFINITY;
    }
    ws.row_base_max[static_cast<size_t>(p)] = row_max;
    if (hot) ws.hot_rows.push_back(p);
  }
  std::fill(ws.inter.begin(), ws.inter.end(), 0.0f);
  std::fill(ws.coef.begin(), ws.coef.end(), 0.0f);
  std::fill(ws.corr.begin(), ws.corr.end(), 0.0f);
  ws.active_rows.clear();
}

// One step of the seed's optimizer_step. The gradient's correlation of the
// residual with every CWM is split as corr(contrib) - corr(reconstruction):
// the first is fixed per region (xcov), the second is nonzero only near the
// few placed instances. The proximal step then visits only positions that
// can hold a nonzero (near instances, or where the fixed gradient alone
// exceeds lambda); elsewhere zeros stay zero and only add the fixed
// gradient to the dual norm. Every quantity is the seed's, computed over
// fewer terms, instead of two dense convolutions per step.
float HitCaller::optimizer_step(FitWorkspace& ws, std::span<const uint8_t> seq_mask, int i, float step,
                                float& nll_out) const {
  const auto lanes = static_cast<size_t>(lanes_), W = static_cast<size_t>(width_);
  for (int p : ws.active_rows) {
    const size_t row = static_cast<size_t>(p) * lanes;
    for (int m = 0; m < motifs_; ++m) {
      const float ci = ws.inter[row + static_cast<size_t>(m)];
      if (ci == 0.0f) continue;
      const float a = ci * ws.imp[row + static_cast<size_t>(m)];
      const float* cwm = cwm_by_motif_.data() + static_cast<size_t>(m) * W * 4;
      for (int w = trim_start_[static_cast<size_t>(m)]; w < trim_end_[static_cast<size_t>(m)]; ++w) {
        const int l = p + w;
        if (!ws.touched[static_cast<size_t>(l)]) {
          ws.touched[static_cast<size_t>(l)] = 1;
          ws.touched_list.push_back(l);
        }
        float* out = ws.pred.data() + static_cast<size_t>(l) * 4;
        const float* c = cwm + static_cast<size_t>(w) * 4;
        for (int b = 0; b < 4; ++b) out[b] += a * c[b];
      }
    }
  }

  double cross = 0.0, pred_sq = 0.0;
  for (int l : ws.touched_list) {
    float* out = ws.pred.data() + static_cast<size_t>(l) * 4;
    const float* c = ws.contrib.data() + static_cast<size_t>(l) * 4;
    const uint8_t mask = settings_.hypothetical ? 0xF : seq_mask[static_cast<size_t>(l)];
    for (int b = 0; b < 4; ++b) {
      if (!(mask >> b & 1)) out[b] = 0.0f;
      cross += static_cast<double>(out[b]) * c[b];
      pred_sq += static_cast<double>(out[b]) * out[b];
    }
  }
  // |c - pred|^2 and <c - pred, c> without a pass over the whole region.
  const double nll = ws.contrib_sq - 2.0 * cross + pred_sq;
  const double dual_diff = ws.contrib_sq - cross;

  for (int l : ws.touched_list) {
    float* out = ws.pred.data() + static_cast<size_t>(l) * 4;
    for (int p = std::max(0, l - span_hi_ + 1); p <= std::min(positions_ - 1, l - span_lo_); ++p)
      ws.live[static_cast<size_t>(p)] = 1;
    for (int b = 0; b < 4; ++b) {
      if (out[b] != 0.0f)
        kernels::correlate_add(cwm_by_base_.data(), width_, lanes_, span_lo_, span_hi_, positions_, l, b, out[b],
                               ws.corr.data());
      out[b] = 0.0f;
    }
    ws.touched[static_cast<size_t>(l)] = 0;
  }
  ws.touched_list.clear();

  const float fi = static_cast<float>(i);
  const float mom = fi / (fi + 3.0f);
  for (int p : ws.hot_rows) ws.live[static_cast<size_t>(p)] = 1;
  for (int p : ws.active_rows) ws.live[static_cast<size_t>(p)] = 1;
  ws.step_rows.clear();
  float idle_max = -INFINITY;  // dual norm over the rows not visited
  for (int p = 0; p < positions_; ++p) {
    if (ws.live[static_cast<size_t>(p)]) ws.step_rows.push_back(p);
    else idle_max = std::max(idle_max, ws.row_base_max[static_cast<size_t>(p)]);
    ws.live[static_cast<size_t>(p)] = 0;
  }
  kernels::StepTotals t = kernels::prox_step(ws.step_rows.data(), static_cast<int>(ws.step_rows.size()), lanes_,
                                             ws.base_grad.data(), ws.imp.data(), ws.corr.data(), ws.inter.data(),
                                             ws.coef.data(), lambda_.data(), step, mom, ws.row_state.data(),
                                             ws.lane_scratch.data());
  t.dual_max = std::max(t.dual_max, idle_max);
  ws.active_rows.clear();
  for (int p : ws.step_rows)
    if (ws.row_state[static_cast<size_t>(p)]) ws.active_rows.push_back(p);

  // Duality gap of the non-negative lasso (Kim et al. 2007, section III):
  // the residual scaled into the dual feasible set.
  float inv = 1.0f / t.dual_max;
  float clamped = inv > 1.0f ? 1.0f : inv;
  const double dual_scale = (static_cast<double>(clamped) * clamped + 1.0) / 2.0;
  const double gap = std::abs(nll * dual_scale - dual_diff + static_cast<double>(t.l1));
  nll_out = static_cast<float>(nll / (2.0 * length_));
  return static_cast<float>(gap / length_);
}

void HitCaller::extract_hits(FitWorkspace& ws, RegionFit& out) const {
  const auto lanes = static_cast<size_t>(lanes_);
  for (int m = 0; m < motifs_; ++m)
    for (int p = 0; p < positions_; ++p) {
      const size_t at = static_cast<size_t>(p) * lanes + static_cast<size_t>(m);
      const float c = ws.coef[at];
      if (c == 0.0f) continue;
      const float imp = ws.imp[at];
      // Undo the importance scale to get the local contribution norm; the
      // similarity is then the cosine of CWM and contributions.
      const float importance_sq = 1.0f / (imp * imp) - settings_.eps;
      const float similarity = ws.xcov[at] / std::sqrt(importance_sq);
      if (settings_.post_filter && !(similarity >= lambda_[static_cast<size_t>(m)])) continue;
      Hit h;
      h.motif = static_cast<uint32_t>(m);
      h.position = p;
      h.coefficient = c;
      h.similarity = similarity;
      h.importance = static_cast<float>(ws.abs_prefix[static_cast<size_t>(p + trim_end_[static_cast<size_t>(m)])] -
                                        ws.abs_prefix[static_cast<size_t>(p + trim_start_[static_cast<size_t>(m)])]);
      h.importance_sq = importance_sq;
      out.hits.push_back(h);
    }
}

RegionFit HitCaller::fit(std::span<const float> contrib, std::span<const uint8_t> seq_mask, FitWorkspace& ws) const {
  if (contrib.size() != static_cast<size_t>(length_) * 4)
    fail(Exit::internal, "region of " + std::to_string(contrib.size()) + " values for length " + std::to_string(length_));
  if (!settings_.hypothetical && seq_mask.size() != static_cast<size_t>(length_))
    fail(Exit::internal, "sequence mask of " + std::to_string(seq_mask.size()) + " for length " + std::to_string(length_));
  RegionFit out;
  prepare(ws, contrib, out);
  int i = 0;
  float step = settings_.step_size_max;
  while (true) {
    float nll = 0.0f;
    const float gap = optimizer_step(ws, seq_mask, i, step, nll);
    ++i;
    if (!std::isfinite(gap)) {
      // Diverged: start this region again with a smaller step.
      std::fill(ws.inter.begin(), ws.inter.end(), 0.0f);
      std::fill(ws.coef.begin(), ws.coef.end(), 0.0f);
      ws.active_rows.clear();
      i = 0;
      step *= settings_.step_adjust;
    }
    const bool timeout = i > settings_.max_steps;
    const bool failed = step < settings_.step_size_min;
    if (gap <= settings_.convergence_tol || timeout || failed) {
      out.status = failed ? FitStatus::failed : gap <= settings_.convergence_tol ? FitStatus::converged : FitStatus::timeout;
      out.nll = nll;
      out.dual_gap = gap;
      out.num_steps = i;
      out.step_size = step;
      break;
    }
  }
  extract_hits(ws, out);
  return out;
}

RegionFit HitCaller::fit(std::span<const float> contrib, std::span<const uint8_t> seq_mask) const {
  auto ws = make_workspace();
  return fit(contrib, seq_mask, *ws);
}

}  // namespace s2f::hits
