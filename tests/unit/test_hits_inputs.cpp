// Region inputs (.npz, s2f stream, peaks), bad inputs that must stop with a
// clear message, and the output tables.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "s2f/error.hpp"
#include "s2f/hits/hit_tables.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/npz.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/stream.hpp"

using namespace s2f;
using namespace s2f::hits;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  fs::path p = fs::temp_directory_path() / ("s2f_hits_inputs_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

// Each test process removes its own scratch directory when it ends.
struct RemoveTempDir : ::testing::Environment {
  void TearDown() override { fs::remove_all(fs::temp_directory_path() / ("s2f_hits_inputs_" + std::to_string(::getpid()))); }
};
const auto* const kRemoveTempDir = ::testing::AddGlobalTestEnvironment(new RemoveTempDir);

// A regions .npz as Fi-NeMo writes it; `contrib_shape` may be made wrong.
std::string write_npz(const std::string& name, size_t n, size_t length, std::vector<uint64_t> contrib_shape = {},
                      float poison = 0.0f, bool coordinates = true) {
  std::string path = (temp_dir() / name).string();
  npz::NpzWriter w(ByteSink::open(path));
  std::vector<int8_t> seq(n * 4 * length, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t l = 0; l < length; ++l) seq[(i * 4 + (l % 4)) * length + l] = 1;
  w.add(std::string("sequences"), "|i1", {n, 4, length}, seq.data(), seq.size());
  if (contrib_shape.empty()) contrib_shape = {n, 4, length};
  size_t count = 1;
  for (auto d : contrib_shape) count *= d;
  std::vector<uint16_t> con(count);
  for (size_t k = 0; k < count; ++k) con[k] = stream::float_to_half(0.01f * static_cast<float>(k % 7));
  if (poison != 0.0f) con[count / 2] = stream::float_to_half(poison);
  w.add(std::string("contributions"), "<f2", contrib_shape, con.data(), con.size() * 2);
  if (coordinates) {
    std::vector<std::string> chr, names;
    std::vector<int64_t> start;
    for (size_t i = 0; i < n; ++i) {
      chr.push_back(i % 2 ? "chr2" : "chr1");
      names.push_back("p" + std::to_string(i));
      start.push_back(static_cast<int64_t>(1000 * i));
    }
    w.add_strings("chr", chr);
    w.add_strings("peak_name", names);
    w.add(std::string("start"), npz::kI64, {n}, start.data(), start.size() * 8);
  }
  w.finish();
  return path;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what_part() + " | " + e.where() + " | " + e.fix();
  }
  return "no error";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(HitRegions, NpzRoundTrip) {
  RegionSet set = load_regions_npz(write_npz("ok.npz", 3, 8));
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.length(), 8u);
  EXPECT_TRUE(set.half_precision());
  EXPECT_TRUE(set.peaks.has_coordinates);
  EXPECT_EQ(set.peaks.chrom[1], "chr2");
  EXPECT_EQ(set.peaks.region_start[2], 2000);
  EXPECT_EQ(set.peaks.name[0], "p0");
  EXPECT_EQ(set.peaks.chrom_rank[0], 0u);
  EXPECT_EQ(set.peaks.chrom_rank[1], 1u);
  EXPECT_EQ(set.bases()[5], 1u << 1);  // position 5 is base C
  std::vector<float> c(32);
  std::vector<uint8_t> mask(8);
  set.optimiser_input(0, false, c, mask);
  // Projected: only the sequence's base keeps its contribution.
  EXPECT_EQ(c[5 * 4 + 0], 0.0f);
  EXPECT_EQ(c[5 * 4 + 1], set.contribution(0, 1, 5));
  set.validate();
}

TEST(HitRegions, CompactContributionsBroadcastOverTheSequence) {
  RegionSet set = load_regions_npz(write_npz("compact.npz", 2, 8, {2, 8}));
  EXPECT_EQ(set.channels(), 1);
  std::vector<float> c(32);
  std::vector<uint8_t> mask(8);
  set.optimiser_input(1, false, c, mask);
  EXPECT_EQ(c[3 * 4 + 3], set.contribution(1, 0, 3));
  EXPECT_EQ(c[3 * 4 + 0], 0.0f);
}

TEST(HitRegions, WrongShapesAreErrors) {
  auto e = error_of([&] { load_regions_npz(write_npz("shape.npz", 2, 8, {2, 3, 8})); });
  EXPECT_TRUE(has(e, "'contributions' has shape (2, 3, 8)")) << e;
  e = error_of([&] { load_regions_npz(write_npz("shape2.npz", 2, 8, {3, 8})); });
  EXPECT_TRUE(has(e, "(N, 4, L) or (N, L)")) << e;
}

TEST(HitRegions, NanContributionsAreAnError) {
  RegionSet set = load_regions_npz(write_npz("nan.npz", 2, 8, {}, NAN));
  auto e = error_of([&] { set.validate(); });
  EXPECT_TRUE(has(e, "NaN in region 1 at position 0")) << e;
}

TEST(HitRegions, OddWidthIsAnError) {
  RegionSet set = load_regions_npz(write_npz("odd.npz", 2, 7));
  auto e = error_of([&] { set.validate(); });
  EXPECT_TRUE(has(e, "region width 7 is odd")) << e;
}

TEST(HitRegions, RegionPeakCountMismatchNamesBothNumbers) {
  RegionSet set = load_regions_npz(write_npz("mismatch.npz", 3, 8, {}, 0.0f, false));
  EXPECT_FALSE(set.peaks.has_coordinates);
  std::string peaks = (temp_dir() / "two.narrowPeak").string();
  std::ofstream(peaks) << "chr1\t100\t300\tp0\t0\t.\t1\t1\t1\t100\nchr1\t900\t1100\tp1\t0\t.\t1\t1\t1\t100\n";
  auto table = read_narrowpeak(peaks, 4, {});
  EXPECT_EQ(table.region_start[1], 996);  // start + summit - half width
  auto e = error_of([&] { set.attach(table, peaks); });
  EXPECT_TRUE(has(e, "3 regions but the peaks file has 2 peaks")) << e;
}

TEST(HitRegions, StreamInputMatchesItsRecords) {
  std::string path = (temp_dir() / "contrib.s2f").string();
  {
    stream::Header h;
    h.kind = stream::kind::contributions;
    h.schema = stream::contributions_schema(6);
    stream::Writer w(ByteSink::open(path), h);
    auto& b = w.batch();
    const size_t f_id = h.schema.index("id"), f_chrom = h.schema.index("chrom"), f_start = h.schema.index("start"),
                 f_seq = h.schema.index("seq"), f_con = h.schema.index("contrib");
    for (int r = 0; r < 2; ++r) {
      size_t i = b.add_record();
      b.set_str(f_id, i, "w" + std::to_string(r));
      b.set_str(f_chrom, i, "chr7");
      b.set_scalar<int64_t>(f_start, i, r == 0 ? 500 : -1);
      auto seq = b.fixed_mut<uint8_t>(f_seq, i);
      const char* s = "ACGTNa";
      for (int l = 0; l < 6; ++l) seq[static_cast<size_t>(l)] = static_cast<uint8_t>(s[l]);
      auto con = b.fixed_mut<float>(f_con, i);
      for (size_t k = 0; k < con.size(); ++k) con[k] = static_cast<float>(k) + 100.0f * static_cast<float>(r);
      w.end_record();
    }
    w.finish();
  }
  RegionSet set = load_regions_stream(path);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.length(), 6u);
  EXPECT_EQ(set.contribution(1, 2, 3), 100.0f + 3 * 4 + 2);  // [L][4] record -> [4][L]
  EXPECT_EQ(set.bases()[4], 0u);                              // N
  EXPECT_EQ(set.bases()[5], 1u);                              // lower-case a
  EXPECT_EQ(set.peaks.chrom[0], "chr7");
  EXPECT_EQ(set.peaks.region_start[0], 500);
  EXPECT_EQ(set.peaks.chrom[1], "NA");  // start -1: no coordinates
  EXPECT_EQ(set.peaks.name[1], "w1");
}

TEST(HitRegions, NotOneHotIsAnError) {
  std::string path = (temp_dir() / "notonehot.npz").string();
  {
    npz::NpzWriter w(ByteSink::open(path));
    std::vector<int8_t> seq(1 * 4 * 4, 2);
    std::vector<float> con(16, 0.0f);
    w.add(std::string("sequences"), "|i1", {1, 4, 4}, seq.data(), seq.size());
    w.add(std::string("contributions"), npz::kF32, {1, 4, 4}, con.data(), con.size() * 4);
    w.finish();
  }
  auto e = error_of([&] { load_regions_npz(path); });
  EXPECT_TRUE(has(e, "not one-hot")) << e;
}

TEST(HitTables, SortedByChromosomeThenStartAndDeduplicated) {
  MotifSet motifs(10);
  Motif m;
  m.name = m.name_orig = "pos_patterns.pattern_0";
  m.trim_start = 2;
  m.trim_end = 8;
  motifs.add(m, std::vector<float>(40, 0.1f));
  PeakTable peaks;
  peaks.has_coordinates = true;
  peaks.chrom = {"chr2", "chr1", "chr1"};
  peaks.name = {"a", "b", "c"};
  peaks.region_start = {100, 500, 480};  // regions b and c overlap
  peaks.rank_chromosomes();
  std::vector<RegionFit> fits(3);
  for (auto& f : fits) f.global_scale = 2.0f;
  fits[0].hits.push_back({0, 5, 1.0f, 0.9f, 3.0f, 4.0f});
  fits[1].hits.push_back({0, 10, 1.0f, 0.9f, 3.0f, 4.0f});
  fits[2].hits.push_back({0, 30, 1.0f, 0.9f, 3.0f, 4.0f});  // same genomic start as b's hit
  auto hits = collect_hits(fits, motifs, peaks);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].peak_id, 0u);  // chr2 first: peaks-file order of chromosomes
  EXPECT_EQ(hits[0].start, 107);
  EXPECT_EQ(hits[0].end_untrimmed, 115);
  EXPECT_FLOAT_EQ(hits[0].coefficient_global, 4.0f);
  EXPECT_FLOAT_EQ(hits[0].importance, 6.0f);
  EXPECT_FLOAT_EQ(hits[0].importance_sq, 16.0f);
  auto unique = unique_hits(hits, motifs, peaks);
  EXPECT_EQ(unique.size(), 2u);
  fs::path dir = temp_dir() / "tables";
  fs::create_directories(dir);
  write_hits_tsv((dir / "hits.tsv").string(), hits, nullptr, motifs, peaks);
  std::ifstream in(dir / "hits.tsv");
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header.substr(0, 52), "chr\tstart\tend\tstart_untrimmed\tend_untrimmed\tmotif_na");
  EXPECT_EQ(first, "chr2\t107\t113\t105\t115\tpos_patterns.pattern_0\t1\t4\t0.9\t0.9\t6\t16\t+\ta\t0");
}

TEST(HitTool, BadInputsStopWithAClearMessage) {
  const char* bin = std::getenv("S2F_BIN_DIR");
  std::string tool = std::string(bin ? bin : S2F_BIN_DIR) + "/s2f-call-hits";
  if (!fs::exists(tool)) GTEST_SKIP() << "s2f-call-hits not built";
  std::string modisco = std::string(S2F_SOURCE_DIR) + "/../shared/data/modisco/MAX_K562_modisco.lite_layout.h5";
  if (!fs::exists(modisco)) GTEST_SKIP() << "real data absent: " << modisco;
  std::string regions = write_npz("tool.npz", 3, 80);
  std::string peaks = (temp_dir() / "one.narrowPeak").string();
  std::ofstream(peaks) << "chr1\t100\t300\tp0\t0\t.\t1\t1\t1\t100\n";
  std::string err = (temp_dir() / "stderr.txt").string();
  std::string cmd = tool + " -q -r " + regions + " -m " + modisco + " -p " + peaks + " -o " +
                    (temp_dir() / "toolout").string() + " 2>" + err;
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  std::stringstream text;
  text << std::ifstream(err).rdbuf();
  EXPECT_TRUE(has(text.str(), "s2f-call-hits: error: the regions file has 3 regions but the peaks file has 1 peaks"))
      << text.str();
}
