// Samplers: pinned generator output (the same on every platform), bounded
// integers, selection without replacement, quotas, regions, holdouts, and
// identical samples whatever the thread count.
#include <gtest/gtest.h>

#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <map>
#include <set>

#include "s2f/error.hpp"
#include "s2f/sampling/feature_targets.hpp"
#include "s2f/sampling/holdout.hpp"
#include "s2f/sampling/regions.hpp"
#include "s2f/sampling/rng.hpp"
#include "s2f/sampling/strategies.hpp"
#include "s2f/sampling/tiling.hpp"
#include "s2f/shard.hpp"

using namespace s2f;
using namespace s2f::sampling;

TEST(Rng, SplitMix64ReferenceValue) {
  // First output of the reference SplitMix64 seeded with 0.
  EXPECT_EQ(mix_seed(0), 0xE220A8397B1DCDAFULL);
}

TEST(Rng, PinnedOutputs) {
  // Pinned so that a change of generator or mapping is noticed: samples
  // published with a seed must stay reproducible.
  Rng r(42);
  EXPECT_EQ(r.next(), 1546998764402558742ULL);
  EXPECT_EQ(r.next(), 6990951692964543102ULL);
  EXPECT_EQ(r.next(), 12544586762248559009ULL);
  Rng q(42);
  std::vector<uint64_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(q.below(1000));
  EXPECT_EQ(got, (std::vector<uint64_t>{83, 378, 680, 924, 991}));
  EXPECT_EQ(selection_key(456, 3, 7), 1958932821129125312ULL);
}

TEST(Rng, BelowStaysInRangeAndIsRoughlyUniform) {
  Rng r(7);
  std::vector<int> counts(10);
  for (int i = 0; i < 100000; ++i) counts[r.below(10)]++;
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (uint64_t n : {uint64_t{1}, uint64_t{3}, (uint64_t{1} << 63) + 1})
    for (int i = 0; i < 1000; ++i) EXPECT_LT(r.below(n), n);
}

TEST(Rng, DrawGeneratorsDependOnlyOnTheirIndex) {
  EXPECT_EQ(draw_rng(1, 2, 3).next(), draw_rng(1, 2, 3).next());
  EXPECT_NE(draw_rng(1, 2, 3).next(), draw_rng(1, 2, 4).next());
  EXPECT_NE(draw_rng(1, 2, 3).next(), draw_rng(1, 5, 3).next());
}

TEST(Regions, NormaliseSubtractPadTrim) {
  std::vector<genome::Contig> contigs{{"a", 100}, {"b", 50}};
  Regions r{{0, 50, 60}, {0, 10, 30}, {0, 25, 40}, {1, 0, 50}};
  normalize(r);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].begin, 10);
  EXPECT_EQ(r[0].end, 40);
  Regions cut{{0, 20, 22}, {0, 35, 55}, {1, 45, 60}};
  auto s = subtract(r, cut);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].end, 20);
  EXPECT_EQ(s[1].begin, 22);
  EXPECT_EQ(s[1].end, 35);
  EXPECT_EQ(s[2].begin, 55);
  EXPECT_EQ(s[3].end, 45);
  auto p = pad({{0, 5, 10}}, 8, contigs);
  EXPECT_EQ(p[0].begin, 0);
  EXPECT_EQ(p[0].end, 18);
  auto t = trim_contig_ends({{0, 0, 100}, {1, 0, 20}}, 10, contigs);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].begin, 10);
  EXPECT_EQ(t[0].end, 90);
  EXPECT_EQ(t[1].begin, 10);
}

TEST(Regions, PickerMapsOffsets) {
  RegionPicker p({{0, 10, 20}, {1, 5, 7}});
  EXPECT_EQ(p.total(), 12u);
  EXPECT_EQ(p.at(0).pos, 10);
  EXPECT_EQ(p.at(9).pos, 19);
  EXPECT_EQ(p.at(10).contig, 1);
  EXPECT_EQ(p.at(11).pos, 6);
}

TEST(Selection, WithoutReplacementIsDistinctAndDeterministic) {
  std::vector<SampledPosition> c;
  for (int i = 0; i < 1000; ++i) c.push_back({0, i, '+', "x", std::to_string(i), Partition::train});
  auto a = select_without_replacement(c, 100, 5, 1);
  auto b = select_without_replacement(c, 100, 5, 1);
  ASSERT_EQ(a.size(), 100u);
  std::set<int64_t> seen;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].pos, b[i].pos);
    seen.insert(a[i].pos);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(select_without_replacement(c, 5000, 5, 1).size(), 1000u);
  EXPECT_NE(select_without_replacement(c, 100, 6, 1)[0].pos, a[0].pos);
}

TEST(Quotas, ChorusSplitAndOverrides) {
  auto q = ccre_quotas(11500, {});
  uint64_t total = 0;
  for (const auto& [k, v] : q) total += v;
  EXPECT_EQ(total, 11500u);
  EXPECT_EQ(q["PLS"], 1438u);
  EXPECT_EQ(q["CA"], 1437u);
  EXPECT_EQ(ccre_quotas(800, {{"TF", 3}})["TF"], 3u);
}

TEST(Holdouts, ChromosomesAndProportions) {
  std::vector<genome::Contig> contigs{{"chr1", 1000000}, {"chr2", 1000000}, {"chr3", 1000000}};
  genome::ChromosomeNames names(contigs);
  HoldoutPlan plan;
  plan.validation = parse_holdout("2", "--validation-holdout", names);
  plan.test = parse_holdout("0.25", "--test-holdout", names);
  plan.seed = 9;
  EXPECT_TRUE(plan.validation.contigs.count(1));
  Regions all{{0, 0, 1000000}, {1, 0, 1000000}, {2, 0, 1000000}};
  auto parts = assign_partitions(all, plan, 100000);
  uint64_t val = 0, test = 0, train = 0;
  for (const auto& r : parts) {
    if (r.contig == 1) {
      EXPECT_EQ(r.partition, Partition::validate);
    }
    (r.partition == Partition::validate ? val : r.partition == Partition::test ? test : train) +=
        static_cast<uint64_t>(r.length());
  }
  EXPECT_EQ(val, 1000000u);
  EXPECT_NEAR(static_cast<double>(test), 500000.0, 10000.0);  // a quarter of the two free chromosomes
  EXPECT_EQ(item_partition(1, 0, plan), Partition::validate);
  EXPECT_THROW(parse_holdout("chrQ", "--test-holdout", names), Error);
  EXPECT_THROW(parse_holdout("1.5", "--test-holdout", names), Error);
}

TEST(Uniform, SameSampleForAnyThreadCountAndInsideRegions) {
  RegionPicker picker({{0, 1000, 5000}, {1, 200, 300}, {2, 0, 90000}});
  std::vector<SampledPosition> one, two;
  {
    oneapi::tbb::global_control g(oneapi::tbb::global_control::max_allowed_parallelism, 1);
    one = sample_uniform(picker, 50000, 789, "intergenic");
  }
  {
    oneapi::tbb::global_control g(oneapi::tbb::global_control::max_allowed_parallelism, 2);
    two = sample_uniform(picker, 50000, 789, "intergenic");
  }
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].contig, two[i].contig);
    ASSERT_EQ(one[i].pos, two[i].pos);
    const auto& p = one[i];
    bool inside = (p.contig == 0 && p.pos >= 1000 && p.pos < 5000) || (p.contig == 1 && p.pos >= 200 && p.pos < 300) ||
                  (p.contig == 2 && p.pos < 90000);
    ASSERT_TRUE(inside) << p.contig << ":" << p.pos;
  }
}

TEST(Outside, DropsExcludedPositions) {
  std::vector<SampledPosition> v(4);
  v[0].pos = 5;
  v[1].pos = 15;
  v[2].contig = 1;
  v[2].pos = 15;
  v[3].pos = 25;
  auto kept = outside(v, {{0, 10, 20}, {0, 25, 26}});
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].pos, 5);
  EXPECT_EQ(kept[1].contig, 1);
}

// ---- Selene's sampler rules (--preset selene) ---------------------------------

TEST(SeleneRules, WindowOverlapAndWindowsInsideByBruteForce) {
  // Every position checked against the definition: window [pos - L/2, pos - L/2 + L).
  std::vector<genome::Contig> contigs{{"a", 400}};
  for (int64_t window : {10, 11}) {
    const int64_t h = window / 2;
    auto excluded = window_overlaps({{0, 100, 120}, {0, 395, 400}}, window, contigs);
    auto inside = keep_windows_inside({{0, 0, 400}}, window, contigs);
    for (int64_t pos = 0; pos < 400; ++pos) {
      const int64_t ws = pos - h, we = pos - h + window;
      const bool overlaps = (ws < 120 && we > 100) || (ws < 400 && we > 395);
      bool in_excluded = false, in_inside = false;
      for (const auto& r : excluded) in_excluded |= pos >= r.begin && pos < r.end;
      for (const auto& r : inside) in_inside |= pos >= r.begin && pos < r.end;
      ASSERT_EQ(in_excluded, overlaps) << "window " << window << " pos " << pos;
      ASSERT_EQ(in_inside, ws >= 0 && we <= 400) << "window " << window << " pos " << pos;
    }
  }
}

TEST(SeleneRules, WholeUnitProportionsTruncateAsSelene) {
  HoldoutPlan plan;
  plan.validation.proportion = 0.1;
  plan.test.proportion = 0.25;
  plan.seed = 436;
  auto parts = whole_unit_partitions(10, plan);  // int(1.0) = 1 validation, int(2.5) = 2 test
  std::map<Partition, int> n;
  for (auto p : parts) ++n[p];
  EXPECT_EQ(n[Partition::validate], 1);
  EXPECT_EQ(n[Partition::test], 2);
  EXPECT_EQ(n[Partition::train], 7);
  EXPECT_EQ(parts, whole_unit_partitions(10, plan));
  auto nine = whole_unit_partitions(9, plan);  // int(0.9) = 0 validation
  EXPECT_EQ(std::count(nine.begin(), nine.end(), Partition::validate), 0);
}

TEST(SeleneRules, TargetThresholdsAndZeroLengthFeatures) {
  FeatureThresholds t = parse_feature_thresholds({"0.5", "B=0.01"});
  FeatureTargets targets({"A", "B", "C"}, t, 1);
  targets.add(0, 0, 100, 0);    // A covers 100 of the bin [0, 200): 100 > int(0.5 * 200 - 1) = 99
  targets.add(0, 150, 150, 1);  // B: zero length marks one base, and 1 is not > int(0.01 * 200 - 1) = 1
  targets.add(0, 10, 60, 2);    // C: two overlapping pieces, union 90 bases: not > 99
  targets.add(0, 20, 100, 2);
  targets.finish();
  EXPECT_EQ(targets.positives(0, 0, 200), (std::vector<uint32_t>{0}));
  EXPECT_EQ(targets.positives(0, 1, 201), (std::vector<uint32_t>{}));  // A now 99 bases
  targets.add(0, 151, 152, 1);
  targets.finish();
  EXPECT_EQ(targets.positives(0, 0, 200), (std::vector<uint32_t>{0, 1}));  // B: 2 bases > 1
  EXPECT_EQ(class_indices_column({0, 1}), "0;1");
  EXPECT_EQ(class_indices_column({}), "");
  EXPECT_THROW(parse_feature_thresholds({"0"}), Error);
  EXPECT_THROW(FeatureTargets({"A"}, parse_feature_thresholds({"Z=0.2"}), 1), Error);
}

// ---- tiles (--strategy tile) ------------------------------------------------

namespace {
struct Tile {
  int contig;
  int64_t start;
};
std::vector<Tile> all_tiles(const TilePlan& plan, uint64_t lo, uint64_t hi) {
  std::vector<Tile> v;
  plan.for_each(lo, hi, [&](int c, int64_t s) { v.push_back({c, s}); });
  return v;
}
}  // namespace

TEST(Tiles, WholeChromosomeEndToEndWithTheLastShiftedBack) {
  // ChromBPNet geometry: 2114 in, 1000 out, 557 bp of context each side.
  std::vector<genome::Contig> contigs{{"chr1", 10000}};
  TileGeometry g{1000, 2114};
  EXPECT_EQ(g.left_context(), 557);
  EXPECT_EQ(g.right_context(), 557);
  EXPECT_EQ(g.anchor(557), 1057);  // the input window [0, 2114) is centred on 1057
  TilePlan plan({{0, 0, 10000}}, contigs, g);
  // Coverable: [557, 9443) = 8886 bp -> 9 tiles, the ninth shifted back to end at 9443.
  auto t = all_tiles(plan, 0, plan.size());
  ASSERT_EQ(t.size(), 9u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(t[static_cast<size_t>(i)].start, 557 + 1000 * i);
  EXPECT_EQ(t[8].start, 9443 - 1000);
  ASSERT_EQ(plan.uncovered().size(), 2u);
  EXPECT_EQ(plan.uncovered()[0].begin, 0);
  EXPECT_EQ(plan.uncovered()[0].end, 557);
  EXPECT_EQ(plan.uncovered()[1].begin, 9443);
  EXPECT_EQ(plan.uncovered()[1].end, 10000);
  EXPECT_EQ(plan.uncovered()[1].next_tile, 9u);
  EXPECT_EQ(plan.uncovered_bases(), 1114u);
}

TEST(Tiles, ShortRegionsGetOneCentredTileAndShortChromosomesNone) {
  std::vector<genome::Contig> contigs{{"a", 5000}, {"tiny", 150}};
  TileGeometry g{100, 200};  // 50 bp of context each side
  // A 10-bp region, one inside the uncoverable chromosome start, two close
  // together (their tiles merge), and the tiny contig (no input window fits).
  TilePlan plan({{0, 1000, 1010}, {0, 0, 20}, {0, 3000, 3040}, {0, 3050, 3060}, {1, 0, 150}}, contigs, g);
  auto t = all_tiles(plan, 0, plan.size());
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].start, 1005 - 50);  // centred on the region
  // The tiles centred on [3000, 3040) and [3050, 3060) overlap: their union
  // [2970, 3105) is tiled as one span, the second tile shifted back.
  EXPECT_EQ(t[1].start, 2970);
  EXPECT_EQ(t[2].start, 3005);
  ASSERT_EQ(plan.uncovered().size(), 2u);
  EXPECT_EQ(plan.uncovered()[0].begin, 0);
  EXPECT_EQ(plan.uncovered()[0].end, 20);
  EXPECT_EQ(plan.uncovered()[0].next_tile, 0u);
  EXPECT_EQ(plan.uncovered()[1].contig, 1);
  EXPECT_EQ(plan.uncovered()[1].next_tile, 3u);
  EXPECT_NE(plan.uncovered()[1].reason.find("shorter than the 200-bp input window"), std::string::npos);
}

TEST(Tiles, EveryCoverableRequestedBaseIsCoveredAndTilesStayInside) {
  // Random regions and geometries against a brute-force coverage count.
  Rng rng(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<genome::Contig> contigs{{"a", 500 + static_cast<int64_t>(rng.below(3000))},
                                        {"b", 100 + static_cast<int64_t>(rng.below(800))}};
    const int64_t out = 1 + static_cast<int64_t>(rng.below(120));
    TileGeometry g{out, out + static_cast<int64_t>(rng.below(90))};
    Regions req;
    for (int k = 0; k < 6; ++k) {
      int c = static_cast<int>(rng.below(2));
      int64_t len = contigs[static_cast<size_t>(c)].length;
      int64_t b = static_cast<int64_t>(rng.below(static_cast<uint64_t>(len)));
      int64_t e = std::min(len, b + 1 + static_cast<int64_t>(rng.below(400)));
      req.push_back({c, b, e});
    }
    TilePlan plan(req, contigs, g);
    std::map<std::pair<int, int64_t>, int> cover;
    auto tiles = all_tiles(plan, 0, plan.size());
    for (size_t i = 0; i < tiles.size(); ++i) {
      const auto& t = tiles[i];
      const int64_t len = contigs[static_cast<size_t>(t.contig)].length;
      ASSERT_GE(t.start - g.left_context(), 0);  // the input window stays on the chromosome
      ASSERT_LE(t.start + out + g.right_context(), len);
      if (i) {
        ASSERT_TRUE(t.contig > tiles[i - 1].contig || t.start > tiles[i - 1].start) << "genome order, no repeats";
      }
      for (int64_t x = t.start; x < t.start + out; ++x) cover[{t.contig, x}]++;
    }
    std::set<std::pair<int, int64_t>> uncovered;
    for (const auto& u : plan.uncovered())
      for (int64_t x = u.begin; x < u.end; ++x) uncovered.insert({u.contig, x});
    for (const auto& r : req)
      for (int64_t x = r.begin; x < r.end; ++x) {
        const std::pair<int, int64_t> base{r.contig, x};
        const bool edge = uncovered.count(base) > 0;
        ASSERT_NE(edge, cover.count(base) > 0) << "round " << round << " base " << r.contig << ":" << x;
        // Only a span's last (shifted-back) tile overlaps its neighbour.
        if (!edge) {
          ASSERT_LE(cover[base], 2);
        }
      }
    // Shards concatenate to the whole plan.
    std::vector<Tile> joined;
    for (uint32_t k = 0; k < 3; ++k) {
      auto [lo, hi] = ShardSpec{k, 3}.range(plan.size());
      auto part = all_tiles(plan, lo, hi);
      joined.insert(joined.end(), part.begin(), part.end());
    }
    ASSERT_EQ(joined.size(), tiles.size());
    for (size_t i = 0; i < tiles.size(); ++i) ASSERT_EQ(joined[i].start, tiles[i].start);
  }
}
