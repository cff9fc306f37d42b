// The engine's reverse pass, one small graph per op:
//  - gradients equal central finite differences of a float64 forward pass
//    written here (an interpreter of the uncompiled graph, independent of
//    the engine's kernels);
//  - DeepLIFT multipliers sum to the difference of outputs (summation to
//    delta), and equal the gradient on graphs with no nonlinearity;
//  - contributions are the same bytes for 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <oneapi/tbb/global_control.h>
#include <random>

#include "random_weights.hpp"
#include "s2f/attribute/attributor.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/full_activations.hpp"
#include "s2f/engine/reverse_pass.hpp"
#include "s2f/error.hpp"

using namespace s2f::engine;
using s2f::test::random_tensor;

namespace {

using Tensor = std::vector<double>;  // (length x channels)

// ---- float64 forward pass of a ModelGraph, straight from formats/MODEL.md ----
double act(Activation a, double alpha, double z) {
  switch (a) {
    case Activation::linear: return z;
    case Activation::relu: return z > 0 ? z : 0;
    case Activation::gelu: return 0.5 * z * (1 + std::erf(z / std::sqrt(2.0)));
    case Activation::gelu_tanh: return 0.5 * z * (1 + std::tanh(std::sqrt(2 / M_PI) * (z + 0.044715 * z * z * z)));
    case Activation::elu: return z > 0 ? z : alpha * (std::exp(z) - 1);
    case Activation::sigmoid: return 1 / (1 + std::exp(-z));
    case Activation::tanh: return std::tanh(z);
    case Activation::softplus: return std::log1p(std::exp(z));
    case Activation::exp: return std::exp(z);
    case Activation::softmax: break;
  }
  return NAN;
}

void activate(const Node& n, Tensor& t, int64_t L, int64_t C) {
  if (n.activation != Activation::softmax) {
    for (double& v : t) v = act(n.activation, n.alpha, v);
    return;
  }
  for (int64_t p = 0; p < L; ++p) {
    double s = 0;
    for (int64_t c = 0; c < C; ++c) s += std::exp(t[p * C + c]);
    for (int64_t c = 0; c < C; ++c) t[p * C + c] = std::exp(t[p * C + c]) / s;
  }
}

std::vector<Tensor> forward64(const ModelGraph& g, const Tensor& x) {
  std::vector<Tensor> v(g.nodes.size());
  v[0] = x;
  for (size_t i = 1; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const Node& in = g.nodes[static_cast<size_t>(n.inputs[0])];
    const Tensor& a = v[static_cast<size_t>(n.inputs[0])];
    const int64_t L = in.shape.length, C = in.shape.channels, Lo = n.shape.length, Co = n.shape.channels;
    Tensor& y = v[i];
    y.assign(static_cast<size_t>(Lo * Co), 0.0);
    auto W = [&](const char* k) { return n.weights.at(k).data; };
    switch (n.op) {
      case Op::input: break;
      case Op::conv1d: {
        const auto w = W("kernel");
        const auto b = n.weights.count("bias") ? W("bias") : std::vector<float>(static_cast<size_t>(Co), 0.0f);
        for (int64_t p = 0; p < Lo; ++p)
          for (int64_t o = 0; o < Co; ++o) {
            double s = b[o];
            for (int64_t k = 0; k < n.kernel; ++k) {
              const int64_t q = p * n.stride + k * n.dilation - n.pad_left;
              if (q < 0 || q >= L) continue;
              for (int64_t c = 0; c < C; ++c) s += a[q * C + c] * w[(k * C + c) * Co + o];
            }
            y[p * Co + o] = s;
          }
        activate(n, y, Lo, Co);
        break;
      }
      case Op::dense: {
        const auto w = W("kernel"), b = W("bias");
        for (int64_t p = 0; p < Lo; ++p)
          for (int64_t o = 0; o < Co; ++o) {
            double s = b[o];
            for (int64_t c = 0; c < C; ++c) s += a[p * C + c] * w[c * Co + o];
            y[p * Co + o] = s;
          }
        activate(n, y, Lo, Co);
        break;
      }
      case Op::batchnorm: {
        const auto ga = W("gamma"), be = W("beta"), mu = W("mean"), var = W("var");
        for (int64_t p = 0; p < L; ++p)
          for (int64_t c = 0; c < C; ++c)
            y[p * C + c] = (a[p * C + c] - mu[c]) / std::sqrt(var[c] + static_cast<double>(n.epsilon)) * ga[c] + be[c];
        break;
      }
      case Op::activation:
        y = a;
        activate(n, y, L, C);
        break;
      case Op::maxpool1d:
      case Op::avgpool1d:
        for (int64_t p = 0; p < Lo; ++p)
          for (int64_t c = 0; c < C; ++c) {
            double m = -INFINITY, s = 0;
            int64_t count = 0;
            for (int64_t k = 0; k < n.kernel; ++k) {
              const int64_t q = p * n.stride + k - n.pad_left;
              if (q < 0 || q >= L) continue;
              m = std::max(m, a[q * C + c]);
              s += a[q * C + c];
              ++count;
            }
            y[p * C + c] = n.op == Op::maxpool1d ? m : s / static_cast<double>(n.count_include_pad ? n.kernel : count);
          }
        break;
      case Op::global_avg_pool:
      case Op::global_max_pool:
        for (int64_t c = 0; c < C; ++c) {
          double m = -INFINITY, s = 0;
          for (int64_t q = 0; q < L; ++q) {
            m = std::max(m, a[q * C + c]);
            s += a[q * C + c];
          }
          y[c] = n.op == Op::global_max_pool ? m : s / static_cast<double>(L);
        }
        break;
      case Op::flatten:
        for (int64_t q = 0; q < L; ++q)
          for (int64_t c = 0; c < C; ++c) y[n.flatten_order == "lc" ? q * C + c : c * L + q] = a[q * C + c];
        break;
      case Op::crop:
        for (int64_t p = 0; p < Lo; ++p)
          for (int64_t c = 0; c < C; ++c) y[p * C + c] = a[(p + n.crop_left) * C + c];
        break;
      case Op::add:
        y = a;
        for (size_t k = 1; k < n.inputs.size(); ++k)
          for (size_t e = 0; e < y.size(); ++e) y[e] += v[static_cast<size_t>(n.inputs[k])][e];
        break;
      case Op::concat: {
        int64_t off = 0;
        for (int k : n.inputs) {
          const int64_t Ck = g.nodes[static_cast<size_t>(k)].shape.channels;
          for (int64_t p = 0; p < Lo; ++p)
            for (int64_t c = 0; c < Ck; ++c) y[p * Co + off + c] = v[static_cast<size_t>(k)][p * Ck + c];
          off += Ck;
        }
        break;
      }
      case Op::logsumexp:
        for (int64_t p = 0; p < L; ++p) {
          double s = 0;
          for (int64_t c = 0; c < C; ++c) s += std::exp(a[p * C + c]);
          y[p] = std::log(s);
        }
        break;
    }
  }
  return v;
}

// ---- small graphs, one per op ----
struct Case {
  std::string name;
  ModelGraph graph;
  bool linear = false;  // no nonlinearity: DeepLIFT multipliers are the gradient
};

class Builder {
 public:
  explicit Builder(int64_t length, uint32_t seed) : rng_(seed) {
    g_.input_length = length;
    Node in;
    in.name = "sequence";
    add(in);
  }
  int add(Node n) {
    if (n.name.empty()) n.name = "n" + std::to_string(g_.nodes.size());
    g_.nodes.push_back(std::move(n));
    return static_cast<int>(g_.nodes.size()) - 1;
  }
  int conv(int x, int64_t cin, int64_t cout, int64_t k, int64_t dil = 1, int64_t pl = -1, int64_t pr = -1,
           int64_t stride = 1, Activation a = Activation::linear) {
    Node n;
    n.op = Op::conv1d;
    n.inputs = {x};
    n.filters = cout;
    n.kernel = k;
    n.dilation = dil;
    n.stride = stride;
    n.pad_left = pl < 0 ? dil * (k - 1) / 2 : pl;
    n.pad_right = pr < 0 ? dil * (k - 1) - n.pad_left : pr;
    n.activation = a;
    n.weights["kernel"] = random_tensor({k, cin, cout}, rng_, 0.5f);
    n.weights["bias"] = random_tensor({cout}, rng_, 0.3f);
    return add(n);
  }
  int dense(int x, int64_t cin, int64_t units, Activation a = Activation::linear) {
    Node n;
    n.op = Op::dense;
    n.inputs = {x};
    n.units = units;
    n.activation = a;
    n.weights["kernel"] = random_tensor({cin, units}, rng_, 0.4f);
    n.weights["bias"] = random_tensor({units}, rng_, 0.3f);
    return add(n);
  }
  int op(Op o, std::vector<int> inputs, std::function<void(Node&)> set = {}) {
    Node n;
    n.op = o;
    n.inputs = std::move(inputs);
    if (set) set(n);
    return add(n);
  }
  int activation(int x, Activation a) {
    return op(Op::activation, {x}, [a](Node& n) { n.activation = a; });
  }
  int batchnorm(int x, int64_t c) {
    Node n;
    n.op = Op::batchnorm;
    n.inputs = {x};
    n.epsilon = 1e-3f;
    n.weights["gamma"] = random_tensor({c}, rng_, 0.5f);
    n.weights["beta"] = random_tensor({c}, rng_, 0.5f);
    n.weights["mean"] = random_tensor({c}, rng_, 0.5f);
    auto var = random_tensor({c}, rng_, 0.5f);
    for (float& e : var.data) e = e * e + 0.5f;
    n.weights["var"] = var;
    return add(n);
  }
  ModelGraph done(int head) {
    g_.heads = {Head{"out", head, HeadKind::profile, 1}};
    g_.infer_shapes();
    return g_;
  }

 private:
  ModelGraph g_;
  std::mt19937 rng_;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const int64_t L = 24;
  auto gap = [](Builder& b, int x) { return b.op(Op::global_avg_pool, {x}); };
  for (Activation a : {Activation::relu, Activation::gelu, Activation::gelu_tanh, Activation::elu, Activation::sigmoid,
                       Activation::tanh, Activation::softplus, Activation::exp}) {
    Builder b(L, 1 + static_cast<uint32_t>(a));
    int x = b.conv(0, 4, 8, 3);
    x = b.activation(x, a);
    out.push_back({std::string("activation_") + activation_name(a), b.done(gap(b, x))});
  }
  {
    Builder b(L, 20);  // a conv's own activation (split off for the reverse pass)
    int x = b.conv(0, 4, 8, 5, 1, -1, -1, 1, Activation::relu);
    out.push_back({"conv_with_relu", b.done(gap(b, b.conv(x, 8, 3, 3, 2, -1, -1, 1, Activation::tanh)))});
  }
  {
    Builder b(L, 21);
    int x = b.conv(0, 4, 8, 3);
    x = b.conv(x, 8, 16, 3, 2);        // same padding, dilation 2
    x = b.conv(x, 16, 6, 4, 1, 0, 0, 2);  // valid, stride 2
    out.push_back({"conv_dilated_strided", b.done(gap(b, x)), true});
  }
  {
    Builder b(L, 22);  // wide layers: packed and Winograd transposed kernels
    int x = b.conv(0, 4, 40, 5);
    x = b.conv(x, 40, 40, 3, 1);
    x = b.conv(x, 40, 72, 3, 3, 0, 0);  // valid
    x = b.conv(x, 72, 3, 7);
    out.push_back({"conv_wide", b.done(gap(b, x)), true});
  }
  {
    Builder b(L, 23);
    int x = b.conv(0, 4, 20, 3);
    x = b.dense(x, 20, 40);
    x = b.dense(x, 40, 3);
    out.push_back({"dense_per_position", b.done(gap(b, x)), true});
  }
  {
    Builder b(L, 24);
    int x = b.conv(0, 4, 8, 3);
    x = b.activation(x, Activation::relu);
    x = b.batchnorm(x, 8);  // after an activation: not folded
    int y = b.batchnorm(b.conv(0, 4, 8, 3), 8);  // folded into the conv
    out.push_back({"batchnorm", b.done(gap(b, b.op(Op::add, {x, y})))});
  }
  for (bool include : {true, false}) {
    Builder b(L, 25 + include);
    int x = b.conv(0, 4, 6, 3);
    int mx = b.op(Op::maxpool1d, {x}, [](Node& n) {
      n.kernel = 3;
      n.stride = 2;
      n.pad_left = n.pad_right = 1;
    });
    int av = b.op(Op::avgpool1d, {x}, [include](Node& n) {
      n.kernel = 3;
      n.stride = 2;
      n.pad_left = n.pad_right = 1;
      n.count_include_pad = include;
    });
    out.push_back({include ? "pools" : "pools_exclude_pad", b.done(gap(b, b.op(Op::concat, {mx, av})))});
  }
  {
    Builder b(L, 27);
    int x = b.conv(0, 4, 6, 3);
    out.push_back({"global_max_pool", b.done(b.dense(b.op(Op::global_max_pool, {x}), 6, 2))});
  }
  for (const char* order : {"lc", "cl"}) {
    Builder b(L, 28);
    int x = b.conv(0, 4, 3, 3);
    int f = b.op(Op::flatten, {x}, [order](Node& n) { n.flatten_order = order; });
    out.push_back({std::string("flatten_") + order + "_dense", b.done(b.dense(f, L * 3, 4)), true});
  }
  {
    Builder b(L, 29);
    int x = b.conv(0, 4, 6, 3);
    int c = b.op(Op::crop, {x}, [](Node& n) {
      n.crop_left = 2;
      n.crop_right = 5;
    });
    out.push_back({"crop", b.done(c), true});
  }
  {
    Builder b(L, 30);
    int x = b.conv(0, 4, 5, 3);
    int a = b.activation(x, Activation::relu);
    int s = b.activation(x, Activation::sigmoid);
    int sum = b.op(Op::add, {a, s, x});
    int cat = b.op(Op::concat, {sum, a});
    out.push_back({"add_concat", b.done(gap(b, cat))});
  }
  {
    Builder b(L, 31);
    int x = b.conv(0, 4, 5, 3);
    out.push_back({"logsumexp", b.done(gap(b, b.op(Op::logsumexp, {x})))});
  }
  {
    Builder b(L, 32);
    int x = b.conv(0, 4, 5, 3);
    out.push_back({"softmax", b.done(b.conv(b.activation(x, Activation::softmax), 5, 2, 3))});
  }
  return out;
}

// The target: a fixed random weighting of the head's values.
std::vector<double> target_weights(const ModelGraph& g, uint32_t seed) {
  const Node& h = g.nodes[static_cast<size_t>(g.heads[0].node)];
  std::mt19937 rng(seed);
  std::normal_distribution<double> d;
  std::vector<double> w(static_cast<size_t>(h.shape.length * h.shape.channels));
  for (double& e : w) e = d(rng);
  return w;
}

double target64(const ModelGraph& g, const std::vector<double>& w, const Tensor& x) {
  const auto v = forward64(g, x);
  const Tensor& h = v[static_cast<size_t>(g.heads[0].node)];
  double s = 0;
  for (size_t k = 0; k < h.size(); ++k) s += w[k] * h[k];
  return s;
}

struct Compiled {
  CompiledModel model;
  ReversePass reverse;
  OutputSeed seed;
  explicit Compiled(const ModelGraph& g, const std::vector<double>& w)
      : model(split_activations(g), kReverseCompile), reverse(model) {
    seed.node = model.graph().heads[0].node;
    seed.grad.assign(w.begin(), w.end());
  }
  std::vector<float> multipliers(const std::vector<float>& x, const std::vector<float>* r) const {
    ReverseWorkspace ws;
    const FullActivations fx(model, x.data());
    std::vector<float> m(x.size());
    if (r) {
      const FullActivations fr(model, r->data());
      reverse.run(ReverseRule::deeplift, fx, &fr, std::span(&seed, 1), m, ws);
    } else {
      reverse.run(ReverseRule::gradient, fx, nullptr, std::span(&seed, 1), m, ws);
    }
    return m;
  }
  double target(const std::vector<float>& x) const {
    const FullActivations fx(model, x.data());
    const auto v = fx.view(seed.node);
    double s = 0;
    for (int64_t p = 0; p < v.rows; ++p)
      for (int64_t c = 0; c < v.channels; ++c) s += seed.grad[static_cast<size_t>(p * v.channels + c)] * v.row(p)[c];
    return s;
  }
};

std::vector<float> random_input(int64_t L, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 0.7f);
  std::vector<float> x(static_cast<size_t>(L * 4));
  for (float& e : x) e = d(rng);
  return x;
}

}  // namespace

TEST(EngineReverse, GradientsOfEveryOpMatchCentralFiniteDifferences) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const auto w = target_weights(c.graph, 5);
    const Compiled engine(c.graph, w);
    const auto x = random_input(c.graph.input_length, 7);
    const auto g = engine.multipliers(x, nullptr);
    Tensor x64(x.begin(), x.end());
    double scale = 0, worst = 0;
    std::vector<double> fd(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double h = 1e-5;
      Tensor a = x64, b = x64;
      a[i] += h;
      b[i] -= h;
      fd[i] = (target64(c.graph, w, a) - target64(c.graph, w, b)) / (2 * h);
      scale = std::max(scale, std::fabs(fd[i]));
    }
    ASSERT_GT(scale, 1e-3) << "the target does not depend on the input";
    for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(g[i] - fd[i]));
    EXPECT_LT(worst / scale, 1e-4) << "largest gradient error " << worst << " of " << scale;
  }
}

TEST(EngineReverse, DeepLiftMultipliersSumToTheDifferenceOfOutputs) {
  for (const Case& c : cases()) {
    if (c.name == "softmax") continue;  // no DeepLIFT rule: refused (below)
    SCOPED_TRACE(c.name);
    const auto w = target_weights(c.graph, 6);
    const Compiled engine(c.graph, w);
    for (uint32_t s = 0; s < 3; ++s) {
      const auto x = random_input(c.graph.input_length, 100 + s), r = random_input(c.graph.input_length, 200 + s);
      const auto m = engine.multipliers(x, &r);
      double sum = 0;
      for (size_t i = 0; i < x.size(); ++i) sum += static_cast<double>(m[i]) * (x[i] - r[i]);
      Tensor x64(x.begin(), x.end()), r64(r.begin(), r.end());
      const double tx = target64(c.graph, w, x64), tr = target64(c.graph, w, r64);
      EXPECT_NEAR(sum, tx - tr, 1e-4 * std::max({std::fabs(tx), std::fabs(tr), 1.0}));
      if (c.linear) {
        const auto g = engine.multipliers(x, nullptr);
        for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(m[i], g[i], 1e-5 * (1 + std::fabs(g[i])));
      }
    }
  }
}

TEST(EngineReverse, DeepLiftRefusesASoftmaxInsideTheNetwork) {
  for (const Case& c : cases()) {
    if (c.name != "softmax") continue;
    const Compiled engine(c.graph, target_weights(c.graph, 1));
    const auto x = random_input(c.graph.input_length, 1);
    EXPECT_THROW(engine.multipliers(x, &x), s2f::Error);
  }
}

TEST(EngineReverse, AttributionsAreTheSameBytesForAnyThreadCount) {
  using namespace s2f::attribute;
  for (const Case& c : cases()) {
    if (c.name != "conv_wide" && c.name != "pools") continue;
    SCOPED_TRACE(c.name);
    const int64_t L = c.graph.input_length, n = 6;
    std::mt19937 rng(3);
    std::vector<float> x(static_cast<size_t>(L * 4), 0.0f), refs(static_cast<size_t>(n * L * 4), 0.0f);
    for (int64_t k = 0; k < L; ++k) x[static_cast<size_t>(k * 4 + rng() % 4)] = 1.0f;
    for (int64_t k = 0; k < n * L; ++k) refs[static_cast<size_t>(k * 4 + rng() % 4)] = 1.0f;
    Attributor a({c.graph}, Target{0, {0, 1}, Objective::softmax}, Method::deepshap);
    Attribution one, two;
    {
      oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 1);
      a.explain(x, refs, n, one);
    }
    {
      oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 2);
      a.explain(x, refs, n, two);
    }
    EXPECT_EQ(one.hypothetical, two.hypothetical);
    EXPECT_EQ(one.projected, two.projected);
    EXPECT_LT(one.max_gap, 1e-4);
    // Projected contributions sum to the mean difference of the target:
    // softmax-weighted, mean-centred logits of channels 0 and 1, the weights
    // from x (float64 forward pass).
    auto logits = [&](const std::vector<float>& v) {
      const auto acts = forward64(c.graph, Tensor(v.begin(), v.end()));
      const Tensor& h = acts[static_cast<size_t>(c.graph.heads[0].node)];
      const int64_t C = c.graph.nodes[static_cast<size_t>(c.graph.heads[0].node)].shape.channels;
      std::vector<double> l;
      for (size_t p = 0; p < h.size() / static_cast<size_t>(C); ++p)
        for (int64_t ch : {0, 1}) l.push_back(h[p * static_cast<size_t>(C) + static_cast<size_t>(ch)]);
      return l;
    };
    const auto lx = logits(x);
    std::vector<double> wx(lx.size());
    double z = 0;
    for (size_t j = 0; j < lx.size(); ++j) z += wx[j] = std::exp(lx[j]);
    for (double& e : wx) e /= z;
    auto t = [&](const std::vector<double>& l) {
      double mean = 0, s = 0;
      for (double e : l) mean += e / static_cast<double>(l.size());
      for (size_t j = 0; j < l.size(); ++j) s += wx[j] * (l[j] - mean);
      return s;
    };
    double expected = 0;
    for (int64_t i = 0; i < n; ++i) {
      const std::vector<float> r(refs.begin() + i * L * 4, refs.begin() + (i + 1) * L * 4);
      expected += (t(lx) - t(logits(r))) / static_cast<double>(n);
    }
    double sum = 0;
    for (float e : one.projected) sum += e;
    EXPECT_NEAR(sum, expected, 1e-4 * std::max(1.0, std::fabs(t(lx))));
  }
}
