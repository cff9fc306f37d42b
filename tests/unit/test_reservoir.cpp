// Per-track reservoir sampling (Algorithm R): exact counts and tails,
// uniform inclusion, and independence from interleaving, batching and
// thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <oneapi/tbb/global_control.h>
#include <random>

#include "s2f/background/reservoir.hpp"
#include "s2f/background/track_rng.hpp"

using namespace s2f::background;

TEST(Reservoir, KeepsEverythingUpToCapacityAndCountsExactly) {
  Reservoir r(100, 7);
  for (int i = 0; i < 60; ++i) r.add(static_cast<float>(i));
  r.add(NAN);
  EXPECT_EQ(r.seen(), 60u) << "NaN is 'no value' and not counted";
  EXPECT_TRUE(r.complete());
  EXPECT_EQ(r.sample().size(), 60u);
  for (int i = 0; i < 1000; ++i) r.add(static_cast<float>(i));
  EXPECT_EQ(r.seen(), 1060u);
  EXPECT_EQ(r.sample().size(), 100u);
  EXPECT_FALSE(r.complete());
}

TEST(Reservoir, TailsAreTheExactExtremes) {
  Reservoir r(10, 3, 5);
  std::mt19937_64 g(1);
  std::normal_distribution<float> d;
  std::vector<float> all;
  for (int i = 0; i < 20000; ++i) {
    all.push_back(d(g));
    r.add(all.back());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(r.tail_bottom(), std::vector<float>(all.begin(), all.begin() + 5));
  EXPECT_EQ(r.tail_top(), std::vector<float>(all.rbegin(), all.rbegin() + 5));
}

TEST(Reservoir, InclusionIsUniformChiSquare) {
  // 100 values, capacity 10, 4,000 seeds: each value is kept with
  // probability 1/10, i.e. 400 times in expectation.
  const int n = 100, cap = 10, reps = 4000;
  std::vector<int> kept(n, 0);
  for (int s = 0; s < reps; ++s) {
    Reservoir r(cap, track_seed(99, static_cast<uint64_t>(s)));
    for (int i = 0; i < n; ++i) r.add(static_cast<float>(i));
    for (float v : r.sample()) ++kept[static_cast<size_t>(v)];
  }
  const double expected = static_cast<double>(reps) * cap / n;
  double chi2 = 0;
  for (int k : kept) chi2 += (k - expected) * (k - expected) / expected;
  // 99 degrees of freedom: mean 99, sd 14; 170 is p < 1e-6. The
  // inclusion counts are negatively correlated (fixed sample size),
  // which only lowers chi2.
  EXPECT_LT(chi2, 170.0) << "inclusion frequencies are not uniform";
  EXPECT_GT(chi2, 40.0) << "suspiciously perfect: the generator may be degenerate";
}

TEST(Reservoir, BelowIsUnbiasedForSmallRanges) {
  TrackRng rng(5);
  std::vector<int> c(3, 0);
  for (int i = 0; i < 300000; ++i) ++c[rng.below(3)];
  for (int k : c) EXPECT_NEAR(k, 100000, 1500);
}

namespace {

// records x tracks x k values with NaN holes.
std::vector<float> random_values(size_t records, size_t tracks, size_t k, uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<float> u(-3, 3);
  std::vector<float> v(records * tracks * k);
  for (auto& x : v) x = (g() % 17 == 0) ? NAN : u(g);
  return v;
}

}  // namespace

TEST(ReservoirSet, ResultDoesNotDependOnBatchingOrThreads) {
  const size_t records = 3000, tracks = 37, k = 4;
  auto v = random_values(records, tracks, k, 11);
  auto run = [&](size_t batch, int threads) {
    oneapi::tbb::global_control gc(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    ReservoirSet set(tracks, 500, 42, 3);
    for (size_t r0 = 0; r0 < records; r0 += batch) set.ingest(v.data() + r0 * tracks * k, std::min(batch, records - r0), k);
    return set;
  };
  auto a = run(records, 1), b = run(7, 2), c = run(128, 2);
  for (size_t t = 0; t < tracks; ++t) {
    EXPECT_EQ(a[t].sample(), b[t].sample()) << t;
    EXPECT_EQ(a[t].sample(), c[t].sample()) << t;
    EXPECT_EQ(a[t].seen(), c[t].seen());
    EXPECT_EQ(a[t].tail_top(), c[t].tail_top());
  }
}

TEST(ReservoirSet, EachTrackDependsOnlyOnItsOwnValues) {
  const size_t records = 2000, tracks = 3;
  auto v = random_values(records, tracks, 1, 12);
  auto w = v;
  for (size_t r = 0; r < records; ++r) w[r * tracks + 1] = static_cast<float>(r);  // change track 1 only
  ReservoirSet a(tracks, 100, 8), b(tracks, 100, 8);
  a.ingest(v.data(), records, 1);
  b.ingest(w.data(), records, 1);
  EXPECT_EQ(a[0].sample(), b[0].sample());
  EXPECT_EQ(a[2].sample(), b[2].sample());
  EXPECT_NE(a[1].sample(), b[1].sample());
  EXPECT_NE(a[0].seed(), a[2].seed()) << "tracks have independent streams";
}

TEST(ReservoirSet, BulkIngestEqualsAddingValuesOneByOne) {
  const size_t records = 5000, tracks = 5, k = 3;
  auto v = random_values(records, tracks, k, 13);
  ReservoirSet set(tracks, 700, 21);
  set.ingest(v.data(), records, k);
  for (size_t t = 0; t < tracks; ++t) {
    Reservoir one(700, track_seed(21, t));
    for (size_t r = 0; r < records; ++r)
      for (size_t i = 0; i < k; ++i) one.add(v[(r * tracks + t) * k + i]);
    EXPECT_EQ(one.sample(), set[t].sample()) << t;
    EXPECT_EQ(one.seen(), set[t].seen());
  }
}
