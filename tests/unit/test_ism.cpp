// s2f-ism's library: mutant enumeration in Selene's order and counts, and
// fast ISM against naive ISM on models with dilated residual convs, pooling
// (strided max and average), cropping, global pools, Flatten + Dense heads,
// on the bundled demo model, for single and double mutants, any thread count.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <random>

#include "s2f/engine/model_file.hpp"
#include "s2f/error.hpp"
#include "random_weights.hpp"
#include "s2f/ism/mutant_predictor.hpp"
#include "s2f/ism/mutations.hpp"

using namespace s2f;
using namespace s2f::engine;
using s2f::ism::Mutation;

namespace {

std::vector<uint8_t> bases(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<Mutation> all_mutants(const std::vector<uint8_t>& seq, int64_t start, int64_t end, int k) {
  ism::MutationEnumerator e(seq, start, end, k);
  std::vector<Mutation> out;
  while (e.next(7, out)) {
  }
  EXPECT_EQ(out.size(), e.total());
  return out;
}

uint64_t choose(uint64_t n, uint64_t k) {
  uint64_t r = 1;
  for (uint64_t i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

std::string random_sequence(int64_t length, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(static_cast<size_t>(length), 'A');
  for (auto& c : s) c = "ACGT"[rng() % 4];
  return s;
}

}  // namespace

TEST(IsmMutations, CountsAreBinomialTimesThreeToTheK) {
  const auto seq = bases(random_sequence(40, 3));
  for (int k = 1; k <= 3; ++k)
    for (auto [start, end] : {std::pair<int64_t, int64_t>{0, 40}, {5, 17}, {30, 33}}) {
      uint64_t w = static_cast<uint64_t>(end - start);
      if (w < static_cast<uint64_t>(k)) continue;
      uint64_t expect = choose(w, static_cast<uint64_t>(k));
      for (int i = 0; i < k; ++i) expect *= 3;
      EXPECT_EQ(all_mutants(seq, start, end, k).size(), expect) << "k=" << k << " [" << start << "," << end << ")";
    }
}

TEST(IsmMutations, SeleneOrderSkipsTheIdentityAndGivesAnNFourAlternatives) {
  const auto seq = bases("ACNT");
  auto m = all_mutants(seq, 0, 4, 1);
  ASSERT_EQ(m.size(), 3u + 3u + 4u + 3u);
  std::string got;
  for (const auto& x : m) got += std::to_string(x[0].pos) + ism::kBases[x[0].base] + " ";
  EXPECT_EQ(got, "0C 0G 0T 1A 1G 1T 2A 2C 2G 2T 3A 3C 3G ");
  // Pairs: combinations of positions, then the product of alternatives with
  // the last position varying fastest (itertools order).
  auto p = all_mutants(bases("AC"), 0, 2, 2);
  ASSERT_EQ(p.size(), 9u);
  auto label = ism::label_of(p[1], bases("AC"));
  EXPECT_EQ(label.pos, "0;1");
  EXPECT_EQ(label.ref, "A;C");
  EXPECT_EQ(label.alt, "C;G");
  EXPECT_EQ(ism::label_of(p[3], bases("AC")).alt, "G;A");
}

TEST(IsmMutations, BadRangesAreUsageErrors) {
  const auto seq = bases("ACGTACGT");
  EXPECT_THROW(ism::MutationEnumerator(seq, 0, 9, 1), Error);
  EXPECT_THROW(ism::MutationEnumerator(seq, 4, 4, 1), Error);
  EXPECT_THROW(ism::MutationEnumerator(seq, 0, 2, 3), Error);
  EXPECT_THROW(ism::MutationEnumerator(seq, 0, 8, 0), Error);
}

namespace {


struct GraphBuilder {
  ModelGraph g;
  std::mt19937 rng{17};
  int add(Node n) {
    g.nodes.push_back(std::move(n));
    return static_cast<int>(g.nodes.size()) - 1;
  }
  int conv(const std::string& name, int x, int64_t cin, int64_t cout, int64_t k, int64_t dilation, Activation a) {
    Node c;
    c.name = name;
    c.op = Op::conv1d;
    c.inputs = {x};
    c.filters = cout;
    c.kernel = k;
    c.dilation = dilation;
    c.pad_left = c.pad_right = dilation * (k - 1) / 2;
    c.activation = a;
    c.weights["kernel"] = test::random_tensor({k, cin, cout}, rng, 0.3f);
    c.weights["bias"] = test::random_tensor({cout}, rng, 0.3f);
    return add(c);
  }
  int op(const std::string& name, Op o, std::vector<int> inputs) {
    Node n;
    n.name = name;
    n.op = o;
    n.inputs = std::move(inputs);
    return add(n);
  }
};

// Every layer kind fast ISM has to get right: dilated convs with residual
// adds, strided max and average pooling, cropping, a global average pool
// and a global max pool into Dense, and a Flatten + Dense head over all
// positions (Basset-style).
ModelGraph mixed_model(int64_t L) {
  GraphBuilder b;
  b.g.name = "mixed";
  b.g.input_length = L;
  Node in;
  in.name = "sequence";
  int x = b.add(in);
  x = b.conv("c1", x, 4, 8, 7, 1, Activation::relu);
  int r = b.conv("r1", x, 8, 8, 3, 4, Activation::relu);
  x = b.op("add1", Op::add, {x, r});
  Node mp;
  mp.name = "maxpool";
  mp.op = Op::maxpool1d;
  mp.inputs = {x};
  mp.kernel = 3;
  mp.stride = 3;
  int pooled = b.add(mp);
  int c2 = b.conv("c2", pooled, 8, 6, 5, 2, Activation::elu);
  Node ap;
  ap.name = "avgpool";
  ap.op = Op::avgpool1d;
  ap.inputs = {c2};
  ap.kernel = 2;
  ap.stride = 2;
  int avg = b.add(ap);
  Node crop;
  crop.name = "crop";
  crop.op = Op::crop;
  crop.inputs = {x};
  crop.crop_left = crop.crop_right = 10;
  int cropped = b.add(crop);
  int profile = b.conv("profile", cropped, 8, 2, 9, 1, Activation::linear);
  int gap = b.op("gap", Op::global_avg_pool, {c2});
  int gmp = b.op("gmp", Op::global_max_pool, {c2});
  int both = b.op("pools", Op::concat, {gap, gmp});
  Node d;
  d.name = "counts";
  d.op = Op::dense;
  d.inputs = {both};
  d.units = 3;
  d.weights["kernel"] = test::random_tensor({12, 3}, b.rng, 0.3f);
  d.weights["bias"] = test::random_tensor({3}, b.rng, 0.3f);
  int counts = b.add(d);
  int flat = b.op("flatten", Op::flatten, {avg});
  Node fd;
  fd.name = "classes";
  fd.op = Op::dense;
  fd.inputs = {flat};
  fd.units = 4;
  fd.activation = Activation::sigmoid;
  const int64_t flat_len = ((L / 3 - 0) / 2) * 6;
  fd.weights["kernel"] = test::random_tensor({flat_len, 4}, b.rng, 0.05f);
  fd.weights["bias"] = test::random_tensor({4}, b.rng, 0.3f);
  int classes = b.add(fd);
  b.g.heads = {Head{"profile", profile, HeadKind::profile, 1}, Head{"counts", counts, HeadKind::scalar, 1},
               Head{"classes", classes, HeadKind::scalar, 1}};
  b.g.infer_shapes();
  return b.g;
}

double max_difference(const std::vector<HeadOutput>& a, const std::vector<HeadOutput>& b) {
  double worst = 0;
  EXPECT_EQ(a.size(), b.size());
  for (size_t h = 0; h < a.size(); ++h) {
    EXPECT_EQ(a[h].values.size(), b[h].values.size());
    for (size_t i = 0; i < a[h].values.size(); ++i)
      worst = std::max(worst, static_cast<double>(std::fabs(a[h].values[i] - b[h].values[i])));
  }
  return worst;
}

// Fast and naive predictions of the same mutants.
double fast_vs_naive(const ModelGraph& g, const std::string& seq, int64_t start, int64_t end, int k) {
  auto compiled = std::make_shared<CompiledModel>(g);
  ism::MutantPredictor fast(compiled, false, 0.25f), naive(compiled, true, 0.25f);
  const auto s = bases(seq);
  fast.set_reference(s);
  naive.set_reference(s);
  EXPECT_LE(max_difference(fast.reference(), naive.reference()), 1e-5);
  auto mutants = all_mutants(s, start, end, k);
  std::vector<HeadOutput> a, b;
  fast.predict(mutants, a);
  naive.predict(mutants, b);
  return max_difference(a, b);
}

}  // namespace

TEST(FastIsm, EqualsNaiveOnEveryLayerKind) {
  const auto g = mixed_model(120);
  std::string seq = random_sequence(120, 5);
  seq[40] = 'N';  // an N position: four alternatives, 0.25 one-hot in the reference
  EXPECT_LE(fast_vs_naive(g, seq, 0, 120, 1), 1e-5);
  EXPECT_LE(fast_vs_naive(g, seq, 30, 45, 2), 1e-5);
}

TEST(FastIsm, EqualsNaiveOnTheDemoModel) {
  const auto g = load_model(std::string(S2F_SOURCE_DIR) + "/pipelines/demo/model/demo.s2fm");
  const std::string seq = random_sequence(g.input_length, 9);
  EXPECT_LE(fast_vs_naive(g, seq, 0, g.input_length, 1), 1e-5);
  EXPECT_LE(fast_vs_naive(g, seq, 240, 252, 2), 1e-5);
}

TEST(FastIsm, SameBitsForAnyThreadCountAndAfterANewReference) {
  const auto g = mixed_model(120);
  auto compiled = std::make_shared<CompiledModel>(g);
  const auto s1 = bases(random_sequence(120, 1)), s2 = bases(random_sequence(120, 2));
  auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    ism::MutantPredictor fast(compiled, false, 0.25f);
    std::vector<HeadOutput> out1, out2;
    fast.set_reference(s1);
    fast.predict(all_mutants(s1, 0, 120, 1), out1);
    fast.set_reference(s2);  // the per-thread working copies must follow
    fast.predict(all_mutants(s2, 0, 120, 1), out2);
    return std::make_pair(out1, out2);
  };
  auto one = run(1), two = run(2);
  EXPECT_EQ(max_difference(one.first, two.first), 0.0);
  EXPECT_EQ(max_difference(one.second, two.second), 0.0);
  ism::MutantPredictor naive(compiled, true, 0.25f);
  std::vector<HeadOutput> n2;
  naive.set_reference(s2);
  naive.predict(all_mutants(s2, 0, 120, 1), n2);
  EXPECT_LE(max_difference(two.second, n2), 1e-5);
}

TEST(FastIsm, ReadingOneHeadComputesOnlyWhatItNeedsAndAgrees) {
  const auto g = load_model(std::string(S2F_SOURCE_DIR) + "/pipelines/demo/model/demo.s2fm");
  auto compiled = std::make_shared<CompiledModel>(g);
  const auto s = bases(random_sequence(g.input_length, 4));
  std::vector<bool> counts_only(g.heads.size(), false);
  size_t counts = 0;
  while (g.heads[counts].name != "counts") ++counts;
  counts_only[counts] = true;
  ism::MutantPredictor fast(compiled, false, 0.25f, counts_only), naive(compiled, true, 0.25f);
  fast.set_reference(s);
  naive.set_reference(s);
  auto mutants = all_mutants(s, 0, g.input_length, 1);
  std::vector<HeadOutput> a, b;
  fast.predict(mutants, a);
  naive.predict(mutants, b);
  double worst = 0;
  for (size_t i = 0; i < a[counts].values.size(); ++i)
    worst = std::max(worst, static_cast<double>(std::fabs(a[counts].values[i] - b[counts].values[i])));
  EXPECT_LE(worst, 1e-5);
  EXPECT_GT(b[1 - counts].values.size(), 0u);
}
