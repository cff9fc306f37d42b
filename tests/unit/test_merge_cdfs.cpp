// The reservoir merge (uniform sample of the union), CDF compaction and
// percentile lookup rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "s2f/background/cdf.hpp"
#include "s2f/background/percentile_table.hpp"
#include "s2f/background/reservoir.hpp"
#include "s2f/background/reservoir_merge.hpp"

using namespace s2f::background;

namespace {

// Shards of consecutive integers 0..N-1 with the given sizes, each sampled
// with its own seed, then merged.
MergedSample sample_and_merge(const std::vector<size_t>& sizes, uint64_t capacity, uint64_t seed) {
  std::vector<Reservoir> res;
  float next = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    res.emplace_back(capacity, track_seed(seed, i));
    for (size_t k = 0; k < sizes[i]; ++k) res.back().add(next++);
  }
  std::vector<ShardSample> shards;
  for (const auto& r : res) shards.push_back({r.sample(), r.seen(), r.capacity()});
  return merge_reservoirs(shards, track_seed(seed ^ 0xABCDEF, 1000));
}

double ks_uniform(const std::vector<float>& sorted) {
  double d = 0;
  const double n = static_cast<double>(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    double f = sorted[i];
    d = std::max({d, (static_cast<double>(i) + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

}  // namespace

TEST(ReservoirMerge, MergedSampleIsUniformOverTheUnionChiSquare) {
  // Shards of very different sizes, some complete, some sampled:
  // every one of the 300 values must be kept with probability 20/300.
  const std::vector<size_t> sizes = {15, 35, 50, 200};
  const uint64_t capacity = 20;
  const int reps = 3000;
  std::vector<int> kept(300, 0);
  std::vector<double> from_shard(sizes.size(), 0);
  for (int s = 0; s < reps; ++s) {
    auto m = sample_and_merge(sizes, capacity, static_cast<uint64_t>(s) * 7919 + 1);
    ASSERT_EQ(m.values.size(), capacity);
    ASSERT_EQ(m.seen, 300u);
    ASSERT_FALSE(m.exact);
    ASSERT_TRUE(std::is_sorted(m.values.begin(), m.values.end()));
    for (float v : m.values) ++kept[static_cast<size_t>(v)];
  }
  const double expected = reps * 20.0 / 300.0;  // 200
  double chi2 = 0;
  for (int k : kept) chi2 += (k - expected) * (k - expected) / expected;
  // 299 degrees of freedom: mean 299, sd 24.5; 430 is > 5 sd.
  EXPECT_LT(chi2, 430.0);
  EXPECT_GT(chi2, 180.0);
  // Per-shard totals follow the shard sizes (values from shard i are a
  // contiguous range).
  size_t lo = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    double got = std::accumulate(kept.begin() + static_cast<long>(lo), kept.begin() + static_cast<long>(lo + sizes[i]), 0.0);
    double want = static_cast<double>(reps) * capacity * static_cast<double>(sizes[i]) / 300.0;
    EXPECT_NEAR(got / want, 1.0, 0.05) << "shard " << i;
    lo += sizes[i];
  }
}

TEST(ReservoirMerge, MergedSampleMatchesTheTrueDistributionKS) {
  // 200,000 uniform values spread unevenly over 8 shards, capacity 5,000.
  std::mt19937_64 g(2024);
  std::uniform_real_distribution<float> u(0, 1);
  const std::vector<size_t> sizes = {1000, 3000, 6000, 10000, 20000, 40000, 50000, 70000};
  std::vector<Reservoir> res;
  for (size_t i = 0; i < sizes.size(); ++i) {
    res.emplace_back(5000, track_seed(77, i));
    // Skewed order within shards must not matter: feed each shard sorted.
    std::vector<float> v(sizes[i]);
    for (auto& x : v) x = u(g);
    std::sort(v.begin(), v.end());
    for (float x : v) res.back().add(x);
  }
  std::vector<ShardSample> shards;
  for (const auto& r : res) shards.push_back({r.sample(), r.seen(), r.capacity()});
  auto m = merge_reservoirs(shards, 5);
  ASSERT_EQ(m.values.size(), 5000u);
  EXPECT_EQ(m.seen, 200000u);
  // Critical value at alpha = 0.001 is 1.95 / sqrt(n) = 0.0276.
  EXPECT_LT(ks_uniform(m.values), 0.0276);
}

TEST(ReservoirMerge, CompleteShardsMergeExactlyWhateverTheSplit) {
  std::vector<float> all;
  for (int i = 0; i < 500; ++i) all.push_back(std::sin(static_cast<float>(i)));
  std::vector<float> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  for (size_t n : {1u, 2u, 3u, 7u}) {
    std::vector<Reservoir> res(n, Reservoir(1000, 1));
    for (size_t i = 0; i < all.size(); ++i) res[i * n / all.size()].add(all[i]);
    std::vector<ShardSample> shards;
    for (const auto& r : res) shards.push_back({r.sample(), r.seen(), r.capacity()});
    auto m = merge_reservoirs(shards, 0);
    EXPECT_TRUE(m.exact);
    EXPECT_EQ(m.values, sorted) << n << " shards";
  }
}

TEST(ReservoirMerge, EmptyTrackMergesToNothing) {
  std::vector<float> none;
  std::vector<ShardSample> shards = {{none, 0, 10}, {none, 0, 10}};
  auto m = merge_reservoirs(shards, 1);
  EXPECT_TRUE(m.values.empty());
  EXPECT_EQ(m.seen, 0u);
}

TEST(CompactCdf, EndpointsOrderStatisticsAndShortTracks) {
  std::vector<float> v(20001);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  auto c = compact_cdf(v);
  ASSERT_EQ(c.size(), kCdfPoints);
  EXPECT_EQ(c.front(), 0.0f);
  EXPECT_EQ(c.back(), 20000.0f);
  // point j at j * 20000 / 9999
  EXPECT_FLOAT_EQ(c[1], 20000.0f / 9999.0f);
  EXPECT_TRUE(std::is_sorted(c.begin(), c.end()));

  std::vector<float> three = {1, 2, 4};
  auto s = compact_cdf(three, 5);  // q = 0, .25, .5, .75, 1 -> x = 0, .5, 1, 1.5, 2
  EXPECT_EQ(s, (std::vector<float>{1, 1.5f, 2, 3, 4}));
  std::vector<float> one = {7};
  EXPECT_EQ(compact_cdf(one, 4), (std::vector<float>(4, 7.0f)));
  auto empty = compact_cdf(std::vector<float>{}, 4);
  for (float x : empty) EXPECT_TRUE(std::isnan(x));
  std::vector<float> inf = {-INFINITY, 0, INFINITY};
  for (float x : compact_cdf(inf, 7)) EXPECT_FALSE(std::isnan(x));
}

TEST(PercentileLookup, TiesExtremesAndOutOfRange) {
  // 5 points at percentiles 0, .25, .5, .75, 1.
  std::vector<float> row = {0, 1, 1, 1, 4};
  EXPECT_EQ(percentile_in_row(row, -1.0f), 0.0) << "below the smallest";
  EXPECT_EQ(percentile_in_row(row, 5.0f), 1.0) << "above the largest";
  EXPECT_EQ(percentile_in_row(row, 0.0f), 0.0) << "the minimum itself";
  EXPECT_EQ(percentile_in_row(row, 4.0f), 1.0) << "the maximum itself";
  EXPECT_DOUBLE_EQ(percentile_in_row(row, 1.0f), 0.5) << "ties: middle of points 1..3";
  EXPECT_DOUBLE_EQ(percentile_in_row(row, 0.5f), 0.125) << "interpolated between points 0 and 1";
  EXPECT_DOUBLE_EQ(percentile_in_row(row, 2.5f), 0.875);
  EXPECT_TRUE(std::isnan(percentile_in_row(row, NAN)));
  std::vector<float> constant(5, 3.0f);
  EXPECT_DOUBLE_EQ(percentile_in_row(constant, 3.0f), 0.5);
  EXPECT_EQ(percentile_in_row(constant, 2.0f), 0.0);
  std::vector<float> empty(5, NAN);
  EXPECT_TRUE(std::isnan(percentile_in_row(empty, 1.0f)));

  PercentileTable t({"a", "b"}, {0, 1, 1, 1, 4, 10, 20, 30, 40, 50}, 5, {7, 9}, {false, true});
  EXPECT_EQ(t.find("b"), 1);
  EXPECT_EQ(t.find("zzz"), -1);
  EXPECT_DOUBLE_EQ(t.percentile(1, 25.0f), 0.375);
  EXPECT_TRUE(t.is_signed(1));
  EXPECT_EQ(t.count(0), 7);
}
