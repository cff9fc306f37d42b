// Track output: the stitching rules against a brute-force statement of
// them (nearest window centre; mean over covering windows), bin splitting
// at cuts, genome-order checks of the writers, and the bedGraph text.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "s2f/error.hpp"
#include "s2f/tracks/track_file.hpp"
#include "s2f/tracks/window_stitcher.hpp"

using namespace s2f;
using namespace s2f::tracks;

namespace {

// Collects what a stitcher writes, one value per base.
class BaseMap : public TrackFile {
 public:
  explicit BaseMap(std::vector<Chromosome> chroms) : TrackFile("memory", std::move(chroms)) {}
  void finish() override {}
  std::map<std::pair<size_t, int64_t>, float> base;
  std::vector<int64_t> spans;

 protected:
  void write_run(size_t chrom, int64_t start, int64_t span, const float* values, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      spans.push_back(span);
      for (int64_t x = 0; x < span; ++x) {
        auto [it, added] = base.emplace(std::make_pair(chrom, start + static_cast<int64_t>(i) * span + x), values[i]);
        EXPECT_TRUE(added) << "base written twice";
      }
    }
  }
};

struct Win {
  size_t chrom;
  int64_t start;
  std::vector<float> values;
};

std::vector<Win> random_windows(std::mt19937& rng, int64_t bins, int64_t bin, int count) {
  std::vector<Win> w;
  std::uniform_int_distribution<int64_t> gap(0, bins * bin + 40);
  std::uniform_real_distribution<float> value(-5, 5);
  int64_t pos = 0;
  size_t chrom = 0;
  for (int i = 0; i < count; ++i) {
    if (rng() % 10 == 0) {
      chrom++;
      pos = 0;
    }
    pos += gap(rng) - (rng() % 3 == 0 ? 0 : bins * bin / 2);  // overlaps, repeats and gaps
    pos = std::max<int64_t>(pos, w.empty() || w.back().chrom != chrom ? 0 : w.back().start);
    Win x{chrom, pos, {}};
    for (int64_t k = 0; k < bins; ++k) x.values.push_back(value(rng));
    w.push_back(x);
  }
  return w;
}

}  // namespace

TEST(Stitching, MidpointGivesEachBaseTheNearestCentre) {
  std::mt19937 rng(5);
  for (int64_t bin : {1, 4}) {
    for (int round = 0; round < 30; ++round) {
      const int64_t bins = 3 + static_cast<int64_t>(rng() % 20);
      auto windows = random_windows(rng, bins, bin, 40);
      BaseMap out(std::vector<Chromosome>(64, Chromosome{"c", 1'000'000}));
      WindowStitcher st(StitchRule::midpoint, out);
      for (const auto& w : windows) st.add(w.chrom, w.start, bin, w.values.data(), w.values.size());
      st.finish();
      // The rule as stated: nearest centre (2x+1 vs start+end), ties to the earlier window.
      std::map<std::pair<size_t, int64_t>, float> expect;
      std::map<std::pair<size_t, int64_t>, int64_t> best;
      for (const auto& w : windows) {
        const int64_t end = w.start + bins * bin;
        for (int64_t x = w.start; x < end; ++x) {
          const int64_t d = std::llabs(2 * x + 1 - (w.start + end));
          auto key = std::make_pair(w.chrom, x);
          auto it = best.find(key);
          if (it == best.end() || d < it->second) {
            best[key] = d;
            expect[key] = w.values[static_cast<size_t>((x - w.start) / bin)];
          }
        }
      }
      ASSERT_EQ(out.base, expect) << "bin " << bin << " round " << round;
    }
  }
}

TEST(Stitching, AverageIsTheMeanOfCoveringWindows) {
  std::mt19937 rng(9);
  for (int64_t bin : {1, 3}) {
    for (int round = 0; round < 30; ++round) {
      const int64_t bins = 2 + static_cast<int64_t>(rng() % 12);
      auto windows = random_windows(rng, bins, bin, 30);
      BaseMap out(std::vector<Chromosome>(64, Chromosome{"c", 1'000'000}));
      WindowStitcher st(StitchRule::average, out);
      for (const auto& w : windows) st.add(w.chrom, w.start, bin, w.values.data(), w.values.size());
      st.finish();
      std::map<std::pair<size_t, int64_t>, std::pair<double, int>> acc;
      for (const auto& w : windows)
        for (int64_t x = w.start; x < w.start + bins * bin; ++x) {
          auto& a = acc[{w.chrom, x}];
          a.first += w.values[static_cast<size_t>((x - w.start) / bin)];
          a.second++;
        }
      ASSERT_EQ(out.base.size(), acc.size());
      for (const auto& [key, a] : acc) ASSERT_EQ(out.base.at(key), static_cast<float>(a.first / a.second));
    }
  }
}

TEST(Stitching, TilesWithoutOverlapPassThroughUnchangedInOneRun) {
  BaseMap out({{"c", 10000}});
  WindowStitcher st(StitchRule::midpoint, out);
  std::vector<float> v(100);
  for (int t = 0; t < 5; ++t) {
    for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(t * 1000 + static_cast<int>(k));
    st.add(0, 100 + 100 * t, 1, v.data(), v.size());
  }
  st.finish();
  ASSERT_EQ(out.base.size(), 500u);
  EXPECT_EQ(out.base.at({0, 100}), 0.0f);
  EXPECT_EQ(out.base.at({0, 599}), 4099.0f);
}

TEST(Stitching, ChromBPNetWorkedExample) {
  // WINDOWS.md: tiles at 8557 and 8443 (the last, shifted back) of 1000 bp:
  // the overlap [8443, 9443) ∩ [7557, 8557) is cut at the midpoint of the
  // centres 8057 and 8943, 8500.
  BaseMap out({{"c", 10000}});
  WindowStitcher st(StitchRule::midpoint, out);
  std::vector<float> a(1000, 1.0f), b(1000, 2.0f);
  st.add(0, 7557, 1, a.data(), a.size());
  st.add(0, 8443, 1, b.data(), b.size());
  st.finish();
  EXPECT_EQ(out.base.at({0, 8499}), 1.0f);
  EXPECT_EQ(out.base.at({0, 8500}), 2.0f);
  EXPECT_EQ(out.base.size(), 9443u - 7557u);
}

TEST(Stitching, RepeatedWindowKeepsTheFirst) {
  BaseMap out({{"c", 1000}});
  WindowStitcher st(StitchRule::midpoint, out);
  std::vector<float> a(10, 1.0f), b(10, 2.0f);
  st.add(0, 10, 1, a.data(), a.size());
  st.add(0, 10, 1, b.data(), b.size());
  st.finish();
  EXPECT_EQ(st.repeated(), 1u);
  EXPECT_EQ(out.base.at({0, 15}), 1.0f);
}

TEST(TrackFiles, RefuseIntervalsOutOfOrderOrOffTheChromosome) {
  BaseMap out({{"a", 100}, {"b", 100}});
  float v[2] = {1, 2};
  out.add(1, 10, 1, v, 2);
  EXPECT_THROW(out.add(0, 50, 1, v, 2), Error);   // back to an earlier chromosome
  EXPECT_THROW(out.add(1, 11, 1, v, 1), Error);   // overlaps what was written
  EXPECT_THROW(out.add(1, 99, 1, v, 2), Error);   // past the end
  float gap[3] = {1, NAN, 3};
  out.add(1, 20, 1, gap, 3);
  EXPECT_EQ(out.non_finite(), 1u);
  EXPECT_EQ(out.base.count({1, 21}), 0u);
}

TEST(TrackFiles, BedGraphMergesEqualNeighboursAndRoundTripsFloats) {
  const std::string path = testing::TempDir() + "/t.bedGraph";
  {
    auto f = open_bedgraph(path, {{"chr1", 1000}, {"chr2", 1000}});
    float v[4] = {0.1f, 0.1f, 0.1f, 1e-8f};
    f->add(0, 10, 2, v, 4);
    float w[1] = {-3.5f};
    f->add(0, 18, 1, w, 1);
    f->add(1, 0, 5, w, 1);
    f->finish();
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "chr1\t10\t16\t0.1\nchr1\t16\t18\t1e-08\nchr1\t18\t19\t-3.5\nchr2\t0\t5\t-3.5\n");
}
