// Attributor: targets as seeds of the reverse pass, references in
// parallel, their multipliers combined in a fixed order.
#include "s2f/attribute/attributor.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/full_activations.hpp"
#include "s2f/engine/reverse_pass.hpp"
#include "s2f/error.hpp"

namespace s2f::attribute {

Method parse_method(const std::string& name) {
  if (name == "deepshap") return Method::deepshap;
  if (name == "grad") return Method::grad;
  if (name == "input-x-grad") return Method::input_x_grad;
  if (name == "ism")
    fail_usage("ISM contribution scores come from s2f-ism", "run s2f-ism --attr --target HEAD (same output stream)");
  fail_usage("unknown --method '" + name + "'", "use deepshap, grad or input-x-grad");
}

const char* method_name(Method m) {
  switch (m) {
    case Method::deepshap:
      return "deepshap";
    case Method::grad:
      return "grad";
    case Method::input_x_grad:
      return "input-x-grad";
  }
  return "?";
}

Objective parse_objective(const std::string& name) {
  if (name == "softmax") return Objective::softmax;
  if (name == "sum") return Objective::sum;
  fail_usage("unknown --objective '" + name + "'", "use softmax or sum");
}

const char* objective_name(Objective o) { return o == Objective::softmax ? "softmax" : "sum"; }

// What a thread keeps between references and sequences: a reference's
// activations and the reverse pass's gradients (for ChromBPNet-512 about
// 90 MB each, allocated once, not once a reference).
struct ThreadState {
  std::optional<engine::FullActivations> ref;
  engine::ReverseWorkspace ws;
};

struct Attributor::Member {
  engine::CompiledModel model;
  engine::ReversePass reverse;
  int head_node = -1;
  bool profile = false;
  mutable std::optional<engine::FullActivations> x;  // the explained sequence's pass
  mutable oneapi::tbb::enumerable_thread_specific<ThreadState> threads;
  explicit Member(engine::ModelGraph g)
      : model(engine::split_activations(std::move(g)), engine::kReverseCompile), reverse(model) {}
};

namespace {

// The target's value and its gradient with respect to the head node's
// output (length x channels), for activations `a`; the softmax weights come
// from `weights_from` (the explained sequence's pass).
struct TargetFunction {
  int node;
  std::vector<int64_t> channels;
  bool softmax;
  int64_t length, width;

  std::vector<float> weights(const engine::FullActivations& x) const {
    const auto v = x.view(node);
    std::vector<double> l;
    for (int64_t p = 0; p < length; ++p)
      for (int64_t c : channels) l.push_back(v.row(p)[c]);
    const double mx = *std::max_element(l.begin(), l.end());
    double s = 0;
    for (double& e : l) s += (e = std::exp(e - mx));
    std::vector<float> w(l.size());
    for (size_t j = 0; j < l.size(); ++j) w[j] = static_cast<float>(l[j] / s);
    return w;
  }
  double value(const engine::FullActivations& a, const std::vector<float>& w) const {
    const auto v = a.view(node);
    double sum = 0, weighted = 0, wsum = 0;
    size_t j = 0;
    for (int64_t p = 0; p < length; ++p)
      for (int64_t c : channels) {
        const double e = v.row(p)[c];
        sum += e;
        if (softmax) {
          weighted += w[j] * e;
          wsum += w[j];
        }
        ++j;
      }
    if (!softmax) return sum;
    return weighted - wsum * sum / static_cast<double>(j);
  }
  engine::OutputSeed seed(const std::vector<float>& w) const {
    engine::OutputSeed s{node, std::vector<float>(static_cast<size_t>(length * width), 0.0f)};
    const double n = static_cast<double>(length) * static_cast<double>(channels.size());
    double wsum = 0;
    for (float e : w) wsum += e;
    size_t j = 0;
    for (int64_t p = 0; p < length; ++p)
      for (int64_t c : channels)
        s.grad[static_cast<size_t>(p * width + c)] += softmax ? static_cast<float>(w[j++] - wsum / n) : 1.0f;
    return s;
  }
};

}  // namespace

Attributor::Attributor(std::vector<engine::ModelGraph> members, Target target, Method method)
    : target_(std::move(target)), method_(method) {
  if (members.empty()) fail(Exit::internal, "an Attributor needs a model");
  members_.reserve(members.size());
  for (auto& g : members) {
    if (target_.head >= g.heads.size()) fail(Exit::internal, "attribution target head out of range");
    const auto& head = g.heads[target_.head];
    const bool profile = head.kind == engine::HeadKind::profile;
    members_.emplace_back(std::move(g));
    Member& m = members_.back();
    m.head_node = m.model.graph().heads[target_.head].node;
    m.profile = profile;
    if (method_ == Method::deepshap && m.reverse.unsupported_for_deeplift() >= 0)
      fail_usage("--method deepshap has no DeepLIFT rule for the softmax layer " +
                     m.model.node(m.reverse.unsupported_for_deeplift()).node.name + " inside the model",
                 "use --method grad or input-x-grad");
  }
}

Attributor::~Attributor() = default;

int64_t Attributor::input_length() const { return members_.front().model.length(0); }

void Attributor::explain(std::span<const float> x, std::span<const float> references, int64_t n_refs,
                         Attribution& out) const {
  const int64_t L = input_length();
  const size_t cells = static_cast<size_t>(L * 4);
  if (x.size() != cells) fail(Exit::internal, "attribution input of the wrong length");
  // Each member's contributions on their own, then the members' mean: an
  // ensemble of equal members gives exactly one member's values.
  std::vector<double> hyp(cells, 0.0), member(cells);
  out.max_gap = 0;
  out.target_x.clear();
  for (const Member& m : members_) {
    TargetFunction t{m.head_node, target_.channels, m.profile && target_.objective == Objective::softmax,
                     m.model.length(m.head_node), m.model.channels(m.head_node)};
    if (m.x)
      m.x->recompute(x.data());
    else
      m.x.emplace(m.model, x.data());
    const engine::FullActivations& fx = *m.x;
    const std::vector<float> w = t.softmax ? t.weights(fx) : std::vector<float>{};
    const engine::OutputSeed seed = t.seed(w);
    const double tx = t.value(fx, w);
    out.target_x.push_back(tx);
    std::fill(member.begin(), member.end(), 0.0);
    if (method_ != Method::deepshap) {
      std::vector<float> g(cells);
      m.reverse.run(engine::ReverseRule::gradient, fx, nullptr, std::span(&seed, 1), g, m.threads.local().ws);
      for (size_t k = 0; k < cells; ++k) hyp[k] += method_ == Method::grad ? g[k] : static_cast<double>(g[k]) * x[k];
      continue;  // one value per member: nothing to sum first
    }
    if (n_refs < 1 || references.size() != static_cast<size_t>(n_refs) * cells)
      fail(Exit::internal, "deepshap needs references of the input's length");
    // Each reference's hypothetical contributions in a slot of its own,
    // added in reference order below: the same sums for any thread count.
    std::vector<std::vector<double>> per_ref(static_cast<size_t>(n_refs));
    std::vector<double> gaps(static_cast<size_t>(n_refs), 0.0);
    oneapi::tbb::parallel_for(int64_t{0}, n_refs, [&](int64_t i) {
      const float* r = references.data() + static_cast<size_t>(i) * cells;
      ThreadState& state = m.threads.local();
      if (state.ref)
        state.ref->recompute(r);
      else
        state.ref.emplace(m.model, r);
      const engine::FullActivations& fr = *state.ref;
      std::vector<float> mult(cells);
      m.reverse.run(engine::ReverseRule::deeplift, fx, &fr, std::span(&seed, 1), mult, state.ws);
      auto& h = per_ref[static_cast<size_t>(i)];
      h.assign(cells, 0.0);
      double sum = 0;
      for (int64_t l = 0; l < L; ++l) {
        const float* mr = mult.data() + l * 4;
        const float* rr = r + l * 4;
        const float* xr = x.data() + l * 4;
        double on_ref = 0;
        for (int c = 0; c < 4; ++c) {
          on_ref += static_cast<double>(mr[c]) * rr[c];
          sum += static_cast<double>(mr[c]) * (static_cast<double>(xr[c]) - rr[c]);
        }
        for (int b = 0; b < 4; ++b) h[static_cast<size_t>(l * 4 + b)] = mr[b] - on_ref;
      }
      const double tr = t.value(fr, w);
      const double scale = std::max({std::fabs(tx), std::fabs(tr), 1e-30});
      gaps[static_cast<size_t>(i)] = std::fabs(sum - (tx - tr)) / scale;
    });
    for (int64_t i = 0; i < n_refs; ++i) {
      const auto& h = per_ref[static_cast<size_t>(i)];
      for (size_t k = 0; k < cells; ++k) member[k] += h[k] / static_cast<double>(n_refs);
      out.max_gap = std::max(out.max_gap, gaps[static_cast<size_t>(i)]);
    }
    for (size_t k = 0; k < cells; ++k) hyp[k] += member[k];
  }
  out.hypothetical.resize(cells);
  out.projected.resize(cells);
  const double members = static_cast<double>(members_.size());
  for (size_t k = 0; k < cells; ++k) {
    const double h = hyp[k] / members;
    out.hypothetical[k] = static_cast<float>(h);
    out.projected[k] = static_cast<float>(method_ == Method::input_x_grad ? h : h * x[k]);
  }
}

}  // namespace s2f::attribute
