// FullActivations: the unplanned reference pass and its partial update.
#include "s2f/engine/full_activations.hpp"

#include <algorithm>

namespace s2f::engine {

static PositionRange intersect(PositionRange a, PositionRange b) {
  PositionRange r{std::max(a.lo, b.lo), std::min(a.hi, b.hi)};
  return r.empty() ? PositionRange{} : r;
}

FullActivations::FullActivations(const CompiledModel& model, const float* onehot, std::vector<PositionRange> need)
    : model_(&model), need_(std::move(need)) {
  const size_t n = model.nodes().size();
  buffers_.resize(n);
  buffers_[0].assign(onehot, onehot + model.length(0) * model.channels(0));
  for (size_t i = 1; i < n; ++i) {
    const auto& c = model.node(static_cast<int>(i));
    if (c.storage == Storage::alias || c.storage == Storage::shifted) continue;
    buffers_[i].assign(static_cast<size_t>(model.length(static_cast<int>(i)) * model.channels(static_cast<int>(i))), 0.0f);
  }
  bind_views();
  compute_all();
}

void FullActivations::recompute(const float* onehot) {
  std::copy(onehot, onehot + buffers_[0].size(), buffers_[0].begin());
  compute_all();
}

void FullActivations::compute_all() {
  const auto& model = *model_;
  const size_t n = model.nodes().size();
  std::vector<TensorView> ins;
  for (size_t i = 1; i < n; ++i) {
    const auto& c = model.node(static_cast<int>(i));
    if (buffers_[i].empty()) continue;
    const PositionRange all{0, model.length(static_cast<int>(i))};
    const PositionRange r = need_.empty() ? all : intersect(all, need_[i]);
    if (r.empty()) continue;
    ins.clear();
    for (int k : c.node.inputs) ins.push_back(views_[static_cast<size_t>(k)]);
    model.compute_node(static_cast<int>(i), ins.data(), views_[i], r);
  }
}

FullActivations::FullActivations(const FullActivations& o) : model_(o.model_), buffers_(o.buffers_), need_(o.need_) {
  bind_views();
}

FullActivations& FullActivations::operator=(const FullActivations& o) {
  model_ = o.model_;
  buffers_ = o.buffers_;
  need_ = o.need_;
  bind_views();
  return *this;
}

void FullActivations::bind_views() {
  const auto& m = *model_;
  const size_t n = m.nodes().size();
  views_.assign(n, {});
  views_[0] = TensorView{buffers_[0].data(), 0, m.length(0), m.channels(0), m.channels(0)};
  for (size_t i = 1; i < n; ++i) {
    const auto& c = m.node(static_cast<int>(i));
    if (buffers_[i].empty()) {
      views_[i] = m.view_of_alias(static_cast<int>(i), views_[static_cast<size_t>(c.node.inputs[0])]);
    } else {
      const int64_t ch = m.channels(static_cast<int>(i));
      views_[i] = TensorView{buffers_[i].data(), 0, m.length(static_cast<int>(i)), ch, ch};
    }
  }
}

void FullActivations::set_input_base(int64_t pos, int base) {
  float* row = views_[0].row(pos);
  std::fill(row, row + views_[0].channels, 0.0f);
  if (base >= 0) row[base] = 1.0f;
}

// mean(after) = mean(before) + sum over the changed window of (after - before) / L,
// accumulated in double like the full pool, so it agrees with recomputation
// to float rounding at a cost proportional to the window, not to L.
static void update_global_mean(const TensorView& after_in, const TensorView& before_in, const TensorView& before_out,
                               const TensorView& out, PositionRange window, int64_t in_length) {
  const int64_t ch = out.channels;
  std::vector<double> delta(static_cast<size_t>(ch), 0.0);
  for (int64_t p = window.lo; p < window.hi; ++p) {
    const float* a = after_in.row(p);
    const float* b = before_in.row(p);
    for (int64_t j = 0; j < ch; ++j) delta[static_cast<size_t>(j)] += static_cast<double>(a[j]) - b[j];
  }
  const float* m0 = before_out.row(0);
  float* m = out.row(0);
  for (int64_t j = 0; j < ch; ++j)
    m[j] = static_cast<float>(static_cast<double>(m0[j]) + delta[static_cast<size_t>(j)] / static_cast<double>(in_length));
}

std::vector<PositionRange> FullActivations::update(PositionRange changed, const FullActivations* before) {
  const auto& m = *model_;
  const size_t n = m.nodes().size();
  std::vector<PositionRange> out(n);
  out[0] = changed.clip(m.length(0));
  std::vector<TensorView> ins;
  for (size_t i = 1; i < n; ++i) {
    const auto& c = m.node(static_cast<int>(i));
    PositionRange r;
    for (size_t s = 0; s < c.node.inputs.size(); ++s)
      r = r.hull(m.changed_range(static_cast<int>(i), s, out[static_cast<size_t>(c.node.inputs[s])]));
    // Positions no consumer reads are never computed, so they cannot change;
    // consumers' needed outputs read only needed inputs, so the intersected
    // range still propagates exactly.
    if (!need_.empty()) r = intersect(r, need_[i]);
    out[i] = r;
    if (r.empty() || buffers_[i].empty()) continue;  // views follow their input's buffer
    const size_t in0 = static_cast<size_t>(c.node.inputs[0]);
    if (before && c.node.op == Op::global_avg_pool && c.activation == Activation::linear && !c.fused_relu) {
      update_global_mean(views_[in0], before->views_[in0], before->views_[i], views_[i], out[in0], m.length(static_cast<int>(in0)));
      continue;
    }
    ins.clear();
    for (int k : c.node.inputs) ins.push_back(views_[static_cast<size_t>(k)]);
    m.compute_node(static_cast<int>(i), ins.data(), views_[i], r);
  }
  return out;
}

void FullActivations::restore(const FullActivations& reference, const std::vector<PositionRange>& changed) {
  for (size_t i = 0; i < buffers_.size(); ++i) {
    const PositionRange r = changed[i];
    if (r.empty() || buffers_[i].empty()) continue;
    const TensorView& from = reference.views_[i];
    const TensorView& to = views_[i];
    std::copy(from.row(r.lo), from.row(r.lo) + r.size() * to.stride, to.row(r.lo));
  }
}

}  // namespace s2f::engine
