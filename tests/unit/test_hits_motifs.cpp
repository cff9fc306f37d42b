// Motif loading: the real MAX K562 tfmodisco-lite file, trimming, naming,
// selection and per-motif lambdas.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "s2f/error.hpp"
#include "s2f/hits/motif_set.hpp"

using namespace s2f;
using namespace s2f::hits;
namespace fs = std::filesystem;

namespace {

std::string real_modisco() {
  return std::string(S2F_SOURCE_DIR) + "/../shared/data/modisco/MAX_K562_modisco.lite_layout.h5";
}

#define REQUIRE_REAL_DATA()                                                             \
  if (!fs::exists(real_modisco())) GTEST_SKIP() << "real data absent: " << real_modisco()

fs::path temp_dir() {
  fs::path p = fs::temp_directory_path() / ("s2f_hits_motifs_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

// Each test process removes its own scratch directory when it ends.
struct RemoveTempDir : ::testing::Environment {
  void TearDown() override { fs::remove_all(fs::temp_directory_path() / ("s2f_hits_motifs_" + std::to_string(::getpid()))); }
};
const auto* const kRemoveTempDir = ::testing::AddGlobalTestEnvironment(new RemoveTempDir);

std::string write_temp(const std::string& name, const std::string& text) {
  fs::path p = temp_dir() / name;
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace

TEST(ModiscoMotifs, RealFileGivesKnownConsensuses) {
  REQUIRE_REAL_DATA();
  MotifSet set = load_modisco_motifs(real_modisco(), ModiscoOptions{});
  ASSERT_EQ(set.size(), 10u);
  const std::vector<std::string> expected = {"CACGTG", "CCACCAGGGGGCG", "CATGTG", "CACGTGG", "CATGACTCA"};
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(set[2 * k].name, "pos_patterns.pattern_" + std::to_string(k));
    EXPECT_EQ(set[2 * k].strand, '+');
    EXPECT_EQ(set[2 * k + 1].strand, '-');
    EXPECT_EQ(consensus(set, 2 * k), expected[k]) << "pattern " << k;
    // The reverse motif's trimmed span mirrors the forward one.
    EXPECT_EQ(set[2 * k + 1].trim_start, set.width() - set[2 * k].trim_end);
    EXPECT_EQ(set[2 * k + 1].trim_end, set.width() - set[2 * k].trim_start);
    EXPECT_FLOAT_EQ(set[2 * k].lambda, 0.7f);
    EXPECT_GT(set[2 * k].scale, 0.0);
  }
  // Reverse complement of CACGTG is itself: the reverse motif's consensus too.
  EXPECT_EQ(consensus(set, 1), "CACGTG");
  EXPECT_EQ(consensus(set, 5), "CACATG");  // reverse complement of CATGTG
}

TEST(ModiscoMotifs, IncludeRenameAndLambdas) {
  REQUIRE_REAL_DATA();
  ModiscoOptions o;
  o.include = read_name_list(write_temp("include.txt", "pos_patterns.pattern_4\npos_patterns.pattern_1\n"));
  o.rename = read_name_map(write_temp("names.tsv", "pos_patterns.pattern_4\tAP1\n"));
  o.lambdas = read_lambda_map(write_temp("lambdas.tsv", "pos_patterns.pattern_4\t0.8\n"));
  o.reverse_complements = false;
  MotifSet set = load_modisco_motifs(real_modisco(), o);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].name, "pos_patterns.pattern_1");  // file order, not list order
  EXPECT_EQ(set[1].name, "AP1");
  EXPECT_EQ(set[1].name_orig, "pos_patterns.pattern_4");
  EXPECT_FLOAT_EQ(set[1].lambda, 0.8f);
  EXPECT_FLOAT_EQ(set[0].lambda, 0.7f);
}

TEST(ModiscoMotifs, HypotheticalCwmsLoad) {
  REQUIRE_REAL_DATA();
  ModiscoOptions o;
  o.kind = MotifKind::hypothetical_cwm;
  MotifSet set = load_modisco_motifs(real_modisco(), o);
  EXPECT_EQ(set.size(), 10u);
  EXPECT_EQ(consensus(set, 0), "CACGTG");  // trimming still follows the CWM
}

TEST(ModiscoMotifs, SelectingNothingIsAnError) {
  REQUIRE_REAL_DATA();
  ModiscoOptions o;
  o.include = std::set<std::string>{"pos_patterns.pattern_99"};
  try {
    load_modisco_motifs(real_modisco(), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what_part()).find("no motifs selected"), std::string::npos);
  }
}

TEST(ModiscoMotifs, MissingFileIsAnIoError) {
  try {
    load_modisco_motifs("/nonexistent/motifs.h5", ModiscoOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::io);
  }
}

TEST(ModiscoMotifs, TrimSpanKeepsColumnsAboveThreshold) {
  // Column sums |.|: 0.1, 1.0, 0.5, 0.2, 0.9, 0.05 -> above 0.3: columns 1..4
  std::vector<double> m(24, 0.0);
  const double sums[6] = {0.1, 1.0, 0.5, 0.2, 0.9, 0.05};
  for (int w = 0; w < 6; ++w) m[static_cast<size_t>(2 * 6 + w)] = -sums[w];
  auto [start, end] = trim_span(m, 6, 0.3);
  EXPECT_EQ(start, 1);
  EXPECT_EQ(end, 5);
}

TEST(ModiscoMotifs, DuplicateNewNamesAreAnError) {
  EXPECT_THROW(read_name_map(write_temp("dup.tsv", "a\tX\nb\tX\n")), Error);
  EXPECT_THROW(read_lambda_map(write_temp("badlam.tsv", "a\t-1\n")), Error);
}

// Audit D18: keys of -L/-N tables that name no pattern, or a pattern twice.
TEST(ModiscoMotifs, TableKeyGivenTwiceIsAnErrorNamingBothLines) {
  try {
    read_lambda_map(write_temp("twice.tsv", "a\t0.5\nb\t0.6\na\t0.9\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'a' twice, on lines 1 and 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("twice.tsv:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_name_map(write_temp("twice_names.tsv", "a\tX\na\tY\n")), Error);
}

TEST(ModiscoMotifs, TableKeyNamingNoPatternIsAnErrorNamingFileLine) {
  const std::string demo = std::string(S2F_SOURCE_DIR) + "/pipelines/demo/model/demo_modisco.h5";
  ModiscoOptions o;
  o.lambdas = read_lambda_map(write_temp("typo.tsv", "pos_patterns.pattern_0\t0.5\npos_patterns.patern_1\t0.5\n"),
                              &o.lambda_lines);
  try {
    load_modisco_motifs(demo, o);
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(m.find("'pos_patterns.patern_1'"), std::string::npos) << m;
    EXPECT_NE(m.find("typo.tsv:2"), std::string::npos) << m;
    EXPECT_NE(m.find("pos_patterns.pattern_1"), std::string::npos) << m;
  }
  ModiscoOptions ok;
  ok.rename = read_name_map(std::string(S2F_SOURCE_DIR) + "/pipelines/demo/model/demo_motif_names.tsv", &ok.rename_lines);
  EXPECT_EQ(load_modisco_motifs(demo, ok).size(), 6u);
}
