// HitCaller on synthetic regions: planted instances are recovered, output
// does not depend on the thread count, and degenerate regions behave.
#include <gtest/gtest.h>

#include <cstdio>
#include <oneapi/tbb/task_arena.h>
#include <set>

#include "s2f/error.hpp"
#include "s2f/hits/fit_regions.hpp"
#include "s2f/hits/hit_caller.hpp"
#include "synthetic_regions.hpp"

using namespace s2f;
using namespace s2f::hits;
using namespace s2f::hits::testing;

namespace {

struct Scenario {
  SyntheticMotifs motifs;
  RegionSet regions{0, 0, 4, false};
  std::vector<Planted> truth;
};

Scenario make_scenario(size_t n, size_t length, double per_region, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Scenario s;
  s.motifs = make_motifs(4, 24, rng);
  s.regions = make_regions(s.motifs, n, length, per_region, 0.05, rng, s.truth);
  return s;
}

}  // namespace

TEST(HitCaller, RecoversPlantedInstances) {
  Scenario s = make_scenario(40, 600, 4.0, 11);
  HitCaller caller(s.motifs.set, 600, FitSettings{});
  auto fits = fit_regions(caller, s.regions);
  std::set<Planted> called;
  for (size_t r = 0; r < fits.size(); ++r) {
    EXPECT_EQ(fits[r].status, FitStatus::converged) << "region " << r;
    for (const Hit& h : fits[r].hits) called.insert({r, h.motif, h.position});
  }
  size_t found = 0;
  for (const auto& t : s.truth) found += called.count(t);
  // Precision: called hits within 2 bp of a planted instance of that motif.
  size_t near = 0;
  for (const auto& c : called)
    for (const auto& t : s.truth)
      if (t.region == c.region && t.motif == c.motif && std::abs(t.position - c.position) <= 2) {
        ++near;
        break;
      }
  double recall = static_cast<double>(found) / static_cast<double>(s.truth.size());
  double precision = static_cast<double>(near) / static_cast<double>(std::max<size_t>(1, called.size()));
  std::printf("planted %zu called %zu recall %.4f precision %.4f\n", s.truth.size(), called.size(), recall, precision);
  EXPECT_GE(recall, 0.9);
  EXPECT_GE(precision, 0.9);
}

TEST(HitCaller, SameResultsForAnyThreadCount) {
  Scenario s = make_scenario(24, 400, 3.0, 5);
  HitCaller caller(s.motifs.set, 400, FitSettings{});
  auto run = [&](int threads) {
    oneapi::tbb::task_arena arena(threads);
    std::vector<RegionFit> fits;
    arena.execute([&] { fits = fit_regions(caller, s.regions); });
    return fits;
  };
  auto a = run(1), b = run(2);
  ASSERT_EQ(a.size(), b.size());
  for (size_t r = 0; r < a.size(); ++r) {
    EXPECT_EQ(a[r].num_steps, b[r].num_steps);
    EXPECT_EQ(a[r].dual_gap, b[r].dual_gap);
    ASSERT_EQ(a[r].hits.size(), b[r].hits.size());
    for (size_t k = 0; k < a[r].hits.size(); ++k) {
      EXPECT_EQ(a[r].hits[k].position, b[r].hits[k].position);
      EXPECT_EQ(a[r].hits[k].coefficient, b[r].hits[k].coefficient);
    }
  }
}

TEST(HitCaller, NoiseOnlyRegionsGiveFewHits) {  // negative control
  Scenario s = make_scenario(20, 400, 0.0, 3);
  ASSERT_TRUE(s.truth.empty());
  HitCaller caller(s.motifs.set, 400, FitSettings{});
  size_t hits = 0;
  for (const auto& f : fit_regions(caller, s.regions)) hits += f.hits.size();
  EXPECT_LE(hits, 2u);
}

TEST(HitCaller, AllZeroRegionConvergesWithoutHits) {
  std::mt19937_64 rng(1);
  auto motifs = make_motifs(2, 20, rng);
  HitCaller caller(motifs.set, 100, FitSettings{});
  std::vector<float> contrib(400, 0.0f);
  std::vector<uint8_t> mask(100, 1);
  RegionFit f = caller.fit(contrib, mask);
  EXPECT_EQ(f.status, FitStatus::converged);
  EXPECT_EQ(f.global_scale, 0.0f);
  EXPECT_TRUE(f.hits.empty());
  EXPECT_EQ(f.num_steps, 1);
}

TEST(HitCaller, TimeoutIsReportedNotDropped) {
  Scenario s = make_scenario(1, 400, 4.0, 9);
  FitSettings st;
  st.max_steps = 2;
  st.convergence_tol = 1e-12f;
  HitCaller caller(s.motifs.set, 400, st);
  auto fits = fit_regions(caller, s.regions);
  ASSERT_EQ(fits.size(), 1u);
  EXPECT_EQ(fits[0].status, FitStatus::timeout);
  EXPECT_EQ(fits[0].num_steps, 3);  // counted as the reference does: stops once steps exceed max_steps
}

TEST(HitCaller, HypotheticalModeRecoversToo) {
  Scenario s = make_scenario(10, 500, 3.0, 21);
  FitSettings st;
  st.hypothetical = true;
  HitCaller caller(s.motifs.set, 500, st);
  auto fits = fit_regions(caller, s.regions);
  std::set<Planted> called;
  for (size_t r = 0; r < fits.size(); ++r)
    for (const Hit& h : fits[r].hits) called.insert({r, h.motif, h.position});
  size_t found = 0;
  for (const auto& t : s.truth) found += called.count(t);
  EXPECT_GE(static_cast<double>(found), 0.9 * static_cast<double>(s.truth.size()));
}

TEST(HitCaller, EmptyMotifSetIsAnError) {
  MotifSet empty(20);
  try {
    HitCaller caller(empty, 100, FitSettings{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(std::string(e.what_part()).find("motif set is empty"), std::string::npos);
  }
}

TEST(HitCaller, RegionsShorterThanMotifsAreAnError) {
  std::mt19937_64 rng(1);
  auto motifs = make_motifs(1, 30, rng);
  EXPECT_THROW(HitCaller(motifs.set, 20, FitSettings{}), Error);
}
