// s2f_marginalize without a process: the dinucleotide shuffle (exact counts,
// distinct draws, uniform over the valid shuffles), motif readers (the real
// JASPAR MEME file, a JASPAR PFM, IUPAC), experiment design, and the
// before/after loop on the demo model checked against direct predictions.
// Suites are named marginalize* (lower case) so that `ctest -R marginal`
// selects them with the end-to-end test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/error.hpp"
#include "s2f/marginalize/backgrounds.hpp"
#include "s2f/genome/dinucleotide_shuffle.hpp"
#include "s2f/marginalize/effect_summary.hpp"
#include "s2f/marginalize/experiments.hpp"
#include "s2f/marginalize/marginalize.hpp"
#include "s2f/marginalize/motif.hpp"
#include "s2f/marginalize/motif_matrix.hpp"
#include "s2f/npz.hpp"
#include "s2f/predict/one_hot.hpp"

using namespace s2f;
using namespace s2f::marginalize;
using s2f::genome::dinucleotide_shuffle;
namespace fs = std::filesystem;

namespace {

std::map<std::string, int> dinucleotides(const std::string& s) {
  std::map<std::string, int> c;
  for (size_t i = 0; i + 1 < s.size(); ++i) ++c[s.substr(i, 2)];
  return c;
}

std::string random_sequence(Rng& rng, size_t n, const char* alphabet) {
  std::string s(n, 'A');
  size_t k = std::string(alphabet).size();
  for (auto& c : s) c = alphabet[rng.below(k)];
  return s;
}

fs::path temp_dir() {
  fs::path p = fs::temp_directory_path() / ("s2f_marginalize_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}
struct RemoveTempDir : ::testing::Environment {
  void TearDown() override { fs::remove_all(fs::temp_directory_path() / ("s2f_marginalize_" + std::to_string(::getpid()))); }
};
const auto* const kRemoveTempDir = ::testing::AddGlobalTestEnvironment(new RemoveTempDir);

std::string write_temp(const std::string& name, const std::string& text) {
  fs::path p = temp_dir() / name;
  std::ofstream(p) << text;
  return p.string();
}

// The message of the s2f::Error `f` throws (empty when it does not throw).
template <class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(e.what_part()) + " | " + e.where() + " | " + e.fix();
  }
  return {};
}

// Pearson chi-square of observed counts against equal expected counts.
double chi_square(const std::map<std::string, int>& counts, size_t categories, int draws) {
  const double expected = static_cast<double>(draws) / static_cast<double>(categories);
  double x2 = 0;
  size_t seen = 0;
  for (const auto& [k, n] : counts) {
    x2 += (n - expected) * (n - expected) / expected;
    ++seen;
  }
  x2 += static_cast<double>(categories - seen) * expected;  // categories never drawn
  return x2;
}

// Every distinct rearrangement of `s` with its dinucleotide counts and first letter.
std::set<std::string> valid_shuffles(const std::string& s) {
  std::set<std::string> out;
  std::string p = s;
  std::sort(p.begin(), p.end());
  const auto want = dinucleotides(s);
  do {
    if (p[0] == s[0] && dinucleotides(p) == want) out.insert(p);
  } while (std::next_permutation(p.begin(), p.end()));
  return out;
}

}  // namespace

// ---- dinucleotide shuffle ---------------------------------------------------

TEST(marginalizeShuffle, PreservesDinucleotidesFirstAndLastExactly) {
  Rng rng(11);
  for (int trial = 0; trial < 2000; ++trial) {
    size_t n = 3 + rng.below(400);
    // Some with N (and runs of it), some over a two-letter alphabet.
    const char* alphabet = trial % 3 == 0 ? "ACGTN" : trial % 3 == 1 ? "ACGT" : "AT";
    std::string s = random_sequence(rng, n, alphabet);
    if (trial % 7 == 0) s.replace(n / 3, std::min<size_t>(5, n - n / 3), std::min<size_t>(5, n - n / 3), 'N');
    std::string t = dinucleotide_shuffle(s, rng);
    ASSERT_EQ(t.size(), s.size());
    ASSERT_EQ(dinucleotides(t), dinucleotides(s)) << s << " -> " << t;
    ASSERT_EQ(t.front(), s.front());
    ASSERT_EQ(t.back(), s.back());
  }
}

TEST(marginalizeShuffle, ShortSequencesComeBackUnchanged) {
  Rng rng(1);
  EXPECT_EQ(dinucleotide_shuffle("", rng), "");
  EXPECT_EQ(dinucleotide_shuffle("A", rng), "A");
  EXPECT_EQ(dinucleotide_shuffle("AC", rng), "AC");
}

TEST(marginalizeShuffle, ManyShufflesOfOneSequenceAreDistinct) {
  Rng rng(5);
  std::string s = random_sequence(rng, 300, "ACGT");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(dinucleotide_shuffle(s, rng));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(seen.count(s));
}

TEST(marginalizeShuffle, SameSeedSameShuffle) {
  Rng a(3), b(3), c(4);
  std::string s = "ACGTTGCAACGGTACCATGCAN";
  std::string x = dinucleotide_shuffle(s, a);
  EXPECT_EQ(x, dinucleotide_shuffle(s, b));
  std::string y = dinucleotide_shuffle(s, c);
  // Different seeds may coincide on a short sequence, but not 20 times in a row.
  bool differs = x != y;
  for (int i = 0; i < 20 && !differs; ++i) differs = dinucleotide_shuffle(s, a) != dinucleotide_shuffle(s, c);
  EXPECT_TRUE(differs);
}

TEST(marginalizeShuffle, UniformOverEveryValidShuffle) {
  // Small enough to enumerate: every valid shuffle must be drawn, nothing
  // else may be, and the counts must pass a chi-square test of uniformity.
  for (const std::string s : {"ACAGTCATGA", "AACCGGTTACGT", "TTAGATTACAT"}) {
    auto valid = valid_shuffles(s);
    ASSERT_GE(valid.size(), 5u) << s;
    Rng rng(2024);
    const int draws = 1000 * static_cast<int>(valid.size());
    std::map<std::string, int> counts;
    for (int i = 0; i < draws; ++i) ++counts[dinucleotide_shuffle(s, rng)];
    for (const auto& [t, n] : counts) ASSERT_TRUE(valid.count(t)) << s << " gave invalid " << t;
    EXPECT_EQ(counts.size(), valid.size()) << s;
    const double df = static_cast<double>(valid.size() - 1);
    const double x2 = chi_square(counts, valid.size(), draws);
    // df + 5 sd of the chi-square distribution: p < 1e-4 for a uniform sampler.
    const double limit = df + 5 * std::sqrt(2 * df);
    EXPECT_LT(x2, limit) << s << ": " << valid.size() << " valid shuffles";
    // Power check (negative control): the same test rejects a sampler that
    // favours one shuffle by half as much again.
    std::map<std::string, int> biased = counts;
    biased.begin()->second += 500;
    EXPECT_GT(chi_square(biased, valid.size(), draws + 500), limit) << s;
    std::printf("%s: %zu valid shuffles, chi-square %.1f (df %.0f, limit %.1f)\n", s.c_str(), valid.size(), x2, df, limit);
  }
}

// ---- motifs -------------------------------------------------------------------

TEST(marginalizeMotifs, RealJasparMemeFile) {
  const std::string path = std::string(S2F_SOURCE_DIR) + "/../shared/data/motifs/jaspar_4_pfms.meme";
  if (!fs::exists(path)) GTEST_SKIP() << "real motif file absent: " << path;
  auto motifs = read_motif_file(path);
  ASSERT_EQ(motifs.size(), 4u);
  const auto& ap1 = find_motif(motifs, "MA1141.2", path);
  EXPECT_EQ(ap1.alt_name, "FOS::JUND");
  EXPECT_EQ(ap1.length(), 9u);
  EXPECT_EQ(consensus(ap1), "ATGAGTCAT");  // the AP-1 site
  EXPECT_EQ(&find_motif(motifs, "FOS::JUND", path), &ap1);
  EXPECT_EQ(consensus(find_motif(motifs, "CTCF", path)), "GCCACCAGGGGGCGC");
  EXPECT_EQ(consensus(find_motif(motifs, "MA0039.5", path)), "CCCCACCC");
  EXPECT_NEAR(ap1.columns[0][0], 0.592408, 1e-6);
  auto msg = error_of([&] { find_motif(motifs, "MA9999.1", path); });
  EXPECT_NE(msg.find("MA9999.1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("jaspar_4_pfms.meme"), std::string::npos) << msg;
  EXPECT_NE(msg.find("MA1141.2 (FOS::JUND)"), std::string::npos) << msg;
}

TEST(marginalizeMotifs, JasparPfmFile) {
  auto path = write_temp("two.jaspar",
                         ">MA0001.9\tTEST1\n"
                         "A  [ 10  0  0  2 ]\n"
                         "C  [  0 30  0  2 ]\n"
                         "G  [  0  0  5  2 ]\n"
                         "T  [  0  0  5  4 ]\n"
                         ">MA0002.9 TEST2\n"
                         "1 2 3\n4 5 6\n7 8 9\n0 0 100\n");
  auto motifs = read_motif_file(path);
  ASSERT_EQ(motifs.size(), 2u);
  EXPECT_EQ(motifs[0].name, "MA0001.9");
  EXPECT_EQ(motifs[0].alt_name, "TEST1");
  EXPECT_EQ(consensus(motifs[0]), "ACGT");  // G/T tie at 3 goes to G (A,C,G,T order)
  EXPECT_DOUBLE_EQ(motifs[0].columns[3][3], 0.4);
  EXPECT_EQ(consensus(find_motif(motifs, "TEST2", path)), "GGT");
  auto unknown = error_of([&] { find_motif(motifs, "TEST3", path); });
  EXPECT_NE(unknown.find("no motif named 'TEST3' in " + path + "; it has MA0001.9 (TEST1), MA0002.9 (TEST2)"),
            std::string::npos)
      << unknown;
  auto bad = write_temp("bad.jaspar", ">X Y\nA [1 2]\nC [1 2]\nG [1]\nT [1 2]\n");
  EXPECT_NE(error_of([&] { read_motif_file(bad); }).find("different lengths"), std::string::npos);
  auto notmotif = write_temp("text.txt", "hello\n");
  EXPECT_NE(error_of([&] { read_motif_file(notmotif); }).find("not a MEME or JASPAR"), std::string::npos);
}

TEST(marginalizeMotifs, MemeTextWithDeclaredWidth) {
  auto motifs = parse_motif_text(
      "MEME version 5\n\nALPHABET= ACGT\n\nMOTIF m1 alt1\nletter-probability matrix: alength= 4 w= 2 nsites= 3\n"
      " 0.1 0.2 0.3 0.4\n 1 0 0 0\n\nMOTIF m2\nletter-probability matrix: alength= 4 w= 1\n0 0 1 0\n",
      "inline");
  ASSERT_EQ(motifs.size(), 2u);
  EXPECT_EQ(consensus(motifs[0]), "TA");
  EXPECT_EQ(consensus(motifs[1]), "G");
  EXPECT_NE(error_of([] { parse_motif_text("MEME version 4\nMOTIF a\nletter-probability matrix: w= 3\n1 0 0 0\n", "x"); })
                .find("declares w= 3"),
            std::string::npos);
}

TEST(marginalizeMotifs, MemeWidthSmallerThanMatrixIsAnErrorNamingMotifAndBothNumbers) {
  auto m = error_of([] {
    parse_motif_text("MEME version 4\n\nALPHABET= ACGT\n\nMOTIF m1\nletter-probability matrix: alength= 4 w= 2\n"
                     "1 0 0 0\n0 1 0 0\n0 0 1 0\n\nMOTIF m2\nletter-probability matrix: w= 1\n1 0 0 0\n",
                     "short.meme");
  });
  EXPECT_NE(m.find("motif m1 declares w= 2 but its matrix has 3 rows"), std::string::npos) << m;
  EXPECT_NE(m.find("short.meme:6"), std::string::npos) << m;
}

TEST(marginalizeMotifs, MemeDuplicateIdIsAnErrorNamingBothLines) {
  auto m = error_of([] {
    parse_motif_text("MEME version 4\nMOTIF a\nletter-probability matrix: w= 1\n1 0 0 0\n"
                     "MOTIF b\nletter-probability matrix: w= 1\n0 1 0 0\n"
                     "MOTIF a\nletter-probability matrix: w= 1\n0 0 1 0\n",
                     "dup.meme");
  });
  EXPECT_NE(m.find("motif id 'a' is used twice, on lines 2 and 8"), std::string::npos) << m;
  EXPECT_NE(m.find("dup.meme:8"), std::string::npos) << m;
}

TEST(marginalizeMotifs, MotifIdNotUtf8IsAnErrorNamingFileLine) {
  auto m = error_of([] {
    parse_motif_text("MEME version 4\nMOTIF a\xff\nletter-probability matrix: w= 1\n1 0 0 0\n", "latin1.meme");
  });
  EXPECT_NE(m.find("not valid UTF-8"), std::string::npos) << m;
  EXPECT_NE(m.find("a\\xff"), std::string::npos) << m;  // quoted by text_excerpt
  EXPECT_NE(m.find("latin1.meme:2"), std::string::npos) << m;
}

TEST(marginalizeMotifs, DegenerateCodesAreRefusedUnlessAsked) {
  // tangermeme one-hot encodes A, C, G, T, skips N and refuses the rest.
  auto m = parse_iupac("AcgTN");
  EXPECT_EQ(consensus(m), "ACGT.");
  for (const char* text : {"ACGR", "ACGU", "Y"}) {
    auto msg = error_of([&] { parse_iupac(text); });
    EXPECT_NE(msg.find("has the IUPAC code"), std::string::npos) << msg;
    EXPECT_NE(msg.find("add --iupac"), std::string::npos) << msg;
  }
  auto msg = error_of([] { parse_iupac("ACGR"); });
  EXPECT_NE(msg.find("'R' at position 4"), std::string::npos) << msg;
  EXPECT_EQ(consensus(parse_iupac("ACGU", MotifLetters::iupac)), "ACGT");
}

TEST(marginalizeMotifs, IupacWithNAndDegenerateCodes) {
  auto m = parse_iupac("AcgTNR", MotifLetters::iupac);
  ASSERT_EQ(m.length(), 6u);
  EXPECT_EQ(consensus(m), "ACGT.A");  // N keeps the background; R's tie goes to A
  EXPECT_DOUBLE_EQ(m.columns[5][0], 0.5);
  EXPECT_DOUBLE_EQ(m.columns[5][2], 0.5);
  EXPECT_DOUBLE_EQ(m.columns[4][0] + m.columns[4][1] + m.columns[4][2] + m.columns[4][3], 0.0);
  auto b = parse_iupac("B", MotifLetters::iupac);  // not A
  EXPECT_DOUBLE_EQ(b.columns[0][0], 0.0);
  EXPECT_NEAR(b.columns[0][1], 1.0 / 3, 1e-12);
  Rng rng(9);
  std::map<char, int> drawn;
  for (int i = 0; i < 3000; ++i) {
    auto s = sample(parse_iupac("RN", MotifLetters::iupac), rng);
    ++drawn[s[0]];
    ASSERT_EQ(s[1], kKeepBackground);
  }
  EXPECT_EQ(drawn.size(), 2u);
  EXPECT_NEAR(drawn['A'] / 3000.0, 0.5, 0.05);
  EXPECT_NEAR(drawn['G'] / 3000.0, 0.5, 0.05);
  auto msg = error_of([] { parse_iupac("ACXGT", MotifLetters::iupac); });
  EXPECT_NE(msg.find("'X' at position 3"), std::string::npos) << msg;
}

// ---- numeric motifs (.npy / .npz) -------------------------------------------

// An .npy file as numpy.save writes it (header from the npz writer's).
static std::string write_npy(const std::string& name, const std::string& descr, const std::vector<uint64_t>& shape,
                      const void* data, size_t bytes) {
  fs::path p = temp_dir() / name;
  std::ofstream f(p, std::ios::binary);
  const std::string header = npz::npy_header(descr, shape);
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  return p.string();
}

TEST(marginalizeMatrices, NpyOneMotifInAnyNumericDtype) {
  const std::vector<double> soft = {0.7, 0.1, 0.1, 0.1, 0, 0, 0, 0, 0.2, 0.2, 0.5, 0.1};
  auto m = read_motif_matrices(write_npy("soft.npy", npz::kF64, {3, 4}, soft.data(), soft.size() * 8));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].name, "soft");
  EXPECT_FALSE(m[0].per_background);
  ASSERT_EQ(m[0].length(), 3u);
  EXPECT_FLOAT_EQ(m[0].motifs[0][2][2], 0.5f);
  EXPECT_EQ(matrix_bases(m[0].motifs[0]), "ANG");  // a row of zeros reads as N
  const std::vector<int8_t> one_hot = {0, 0, 1, 0, 1, 0, 0, 0};
  auto oh = read_motif_matrices(write_npy("ga.npy", "|i1", {2, 4}, one_hot.data(), one_hot.size()));
  EXPECT_EQ(matrix_bases(oh[0].motifs[0]), "GA");
}

TEST(marginalizeMatrices, NpzArraysArePerBackgroundOrShared) {
  fs::path p = temp_dir() / "set.npz";
  {
    npz::NpzWriter w(ByteSink::open(p.string()));
    std::vector<float> per(2 * 3 * 4, 0.f), one(5 * 4, 0.25f);
    for (size_t i = 0; i < per.size(); ++i) per[i] = static_cast<float>(i);
    w.add("per", npz::kF32, {2, 3, 4}, std::span<const float>(per));
    w.add("one", npz::kF32, {5, 4}, std::span<const float>(one));
    w.finish();
  }
  auto m = read_motif_matrices(p.string());
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name, "per");
  EXPECT_TRUE(m[0].per_background);
  ASSERT_EQ(m[0].motifs.size(), 2u);
  EXPECT_FLOAT_EQ(m[0].motifs[1][2][3], 23.f);  // (i * k + p) * 4 + b
  EXPECT_EQ(m[1].name, "one");
  EXPECT_EQ(m[1].length(), 5u);
  // Per-background motifs go into their own background; their number must match.
  auto e = matrix_experiments(m, 2, 20, -1);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[1].background, 1);
  EXPECT_EQ(e[1].segments[0].start, 20 / 2 - 3 / 2);
  EXPECT_FLOAT_EQ(e[1].segments[0].columns[0][0], 12.f);
  EXPECT_EQ(e[3].segments[0].start, 20 / 2 - 5 / 2);
  auto msg = error_of([&] { matrix_experiments(m, 3, 20, -1); });
  EXPECT_NE(msg.find("holds 2 motifs (one per background) but there are 3 backgrounds"), std::string::npos) << msg;
  EXPECT_NE(msg.find("set.npz:per"), std::string::npos) << msg;
}

TEST(marginalizeMatrices, BadShapesAndValuesAreErrors) {
  const std::vector<float> wide(4 * 9, 1.f);
  auto msg = error_of([&] { read_motif_matrices(write_npy("wide.npy", npz::kF32, {4, 9}, wide.data(), wide.size() * 4)); });
  EXPECT_NE(msg.find("shape (4, 9), not (k, 4) or (n, k, 4)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("transpose(0, 2, 1)"), std::string::npos) << msg;
  std::vector<float> nan(2 * 4, 0.f);
  nan[6] = std::nanf("");
  msg = error_of([&] { read_motif_matrices(write_npy("nan.npy", npz::kF32, {2, 4}, nan.data(), nan.size() * 4)); });
  EXPECT_NE(msg.find("value at [1, 2] is not finite"), std::string::npos) << msg;
  msg = error_of([] { read_motif_matrices("motif.csv"); });
  EXPECT_NE(msg.find("neither .npy nor .npz"), std::string::npos) << msg;
}

TEST(marginalizeMatrices, ColumnsReplaceTheOneHotColumns) {
  // tangermeme substitute: X[:, :, start:end] = motif, zero rows included.
  Experiment e{"soft", 0, -1, -1, {{2, "AN", {Column{0.5f, 0.2f, 0.2f, 0.1f}, Column{0, 0, 0, 0}}}}};
  const std::string bg = "CCCCCC";
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bg.data()), bg.size());
  std::string shown(6, ' '), encoded(6, ' ');
  apply(e, bytes, reinterpret_cast<uint8_t*>(shown.data()));
  EXPECT_EQ(shown, "CCANCC");  // what --save-after writes
  apply_for_encoding(e, bytes, reinterpret_cast<uint8_t*>(encoded.data()));
  EXPECT_EQ(encoded, "CCAACC");  // no N for the model's N value to fill
  std::vector<float> x(6 * 4);
  predict::one_hot(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(encoded.data()), 6), 0.25f, x.data());
  write_columns(e, x.data());
  const std::vector<float> want = {0, 1, 0, 0, 0, 1, 0, 0, 0.5f, 0.2f, 0.2f, 0.1f, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(x, want);
}

TEST(marginalizeDesign, OneMotifPerBackground) {
  auto e = paired_experiments("pairs", {parse_iupac("AAA"), parse_iupac("CCNCC")}, 20, {});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].background, 0);
  EXPECT_EQ(e[1].background, 1);
  EXPECT_EQ(e[0].label, "pairs");
  EXPECT_EQ(e[0].segments[0].bases, "AAA");
  EXPECT_EQ(e[0].segments[0].start, 10 - 1);
  EXPECT_EQ(e[1].segments[0].bases, "CC.CC");
  EXPECT_EQ(e[1].segments[0].start, 10 - 2);
}

TEST(marginalizeMotifs, SamplingFollowsThePwm) {
  Motif m;
  m.name = "p";
  m.columns = {{0.7, 0.1, 0.15, 0.05}};
  Rng rng(77);
  std::map<char, int> n;
  const int draws = 40000;
  for (int i = 0; i < draws; ++i) ++n[sample(m, rng)[0]];
  EXPECT_NEAR(n['A'] / double(draws), 0.7, 0.01);
  EXPECT_NEAR(n['C'] / double(draws), 0.1, 0.01);
  EXPECT_NEAR(n['G'] / double(draws), 0.15, 0.01);
  EXPECT_NEAR(n['T'] / double(draws), 0.05, 0.01);
}

// ---- experiments ----------------------------------------------------------------

TEST(marginalizeDesign, CentredStartAsTangermeme) {
  EXPECT_EQ(centred_start(500, 9), 246);
  EXPECT_EQ(centred_start(500, 8), 246);
  EXPECT_EQ(centred_start(2114, 15), 1050);
  auto e = motif_experiments({parse_iupac("ATGAGTCAT"), parse_iupac("CCNC")}, 3, 500, {});
  ASSERT_EQ(e.size(), 6u);
  EXPECT_EQ(e[0].segments[0].start, 246);
  EXPECT_EQ(e[3].label, "CCNC");
  EXPECT_EQ(e[3].segments[0].start, 248);
  EXPECT_EQ(e[4].background, 1);
  std::string bg(500, 'T'), out(500, ' ');
  apply(e[3], std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bg.data()), bg.size()),
        reinterpret_cast<uint8_t*>(out.data()));
  EXPECT_EQ(out.substr(246, 8), "TTCCTCTT");  // N kept the background T
  Insertion at{false, 0, 491};
  EXPECT_EQ(motif_experiments({parse_iupac("ATGAGTCAT")}, 1, 500, at)[0].segments[0].start, 491);
}

TEST(marginalizeDesign, PlacementErrors) {
  Insertion late{false, 0, 492};
  auto msg = error_of([&] { motif_experiments({parse_iupac("ATGAGTCAT")}, 1, 500, late); });
  EXPECT_NE(msg.find("at start 492 does not fit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("between 0 and 491"), std::string::npos) << msg;
  msg = error_of([&] { motif_experiments({parse_iupac(std::string(501, 'A'))}, 1, 500, {}); });
  EXPECT_NE(msg.find("longer than the 500-bp"), std::string::npos) << msg;
}

TEST(marginalizeDesign, SpacingPutsTheGapBetweenEndAndStart) {
  auto sweep = SpacingSweep::parse("0:30:5");
  EXPECT_EQ(sweep.first, 0);
  EXPECT_EQ(sweep.last, 30);
  EXPECT_EQ(sweep.step, 5);
  auto e = spacing_experiments({parse_iupac("ATGAGTCAT"), parse_iupac("CCCCACCC")}, sweep, 2, 500, {});
  ASSERT_EQ(e.size(), 7u * 2);
  for (const auto& x : e) {
    ASSERT_EQ(x.segments.size(), 2u);
    EXPECT_EQ(x.segments[0].start, 246);
    EXPECT_EQ(x.segments[1].start - (x.segments[0].start + 9), x.spacing);
    EXPECT_EQ(x.label, "ATGAGTCAT+CCCCACCC");
  }
  EXPECT_EQ(e[2].spacing, 5);
  auto msg = error_of([] {
    spacing_experiments({parse_iupac("ATGAGTCAT"), parse_iupac("CCCCACCC")}, SpacingSweep::parse("0:300:1"), 1, 500, {});
  });
  EXPECT_NE(msg.find("at gap 238"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { SpacingSweep::parse("5:1:1"); }), "");
  EXPECT_NE(error_of([] { SpacingSweep::parse("a:1"); }), "");
}

TEST(marginalizeDesign, AnnotationsAndAblation) {
  auto path = write_temp("ann.tsv", "example\tstart\tend\n0\t10\t15\n1\t0\t3\tfirst3\n# comment\n");
  auto ann = read_annotations(path);
  ASSERT_EQ(ann.size(), 2u);
  EXPECT_EQ(ann[0].name, "0:10-15");
  EXPECT_EQ(ann[1].name, "first3");
  std::vector<std::string> sources = {std::string(10, 'A') + "CGTAC" + std::string(5, 'A'), "GGG" + std::string(17, 'T')};
  EXPECT_NE(error_of([&] { check_annotations(ann, 1, 20, path); }).find("names example 1 but the input has 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_annotations(ann, 2, 12, path); }).find("ends at 15"), std::string::npos);
  auto e = annotation_experiments(ann, sources, 3);
  ASSERT_EQ(e.size(), 6u);
  EXPECT_EQ(e[0].segments[0].bases, "CGTAC");
  EXPECT_EQ(e[0].segments[0].start, 10);
  EXPECT_EQ(e[5].segments[0].bases, "GGG");
  EXPECT_EQ(e[5].background, 2);
  auto bad = write_temp("bad.tsv", "0\t5\t5\n");
  EXPECT_NE(error_of([&] { read_annotations(bad); }).find("not after its start"), std::string::npos);

  Rng rng(3);
  std::vector<std::string> inputs = {random_sequence(rng, 100, "ACGT"), random_sequence(rng, 100, "ACGT")};
  auto ab = ablation_experiments(inputs, Region::parse("20:60", 100), 4, 9);
  ASSERT_EQ(ab.size(), 8u);
  for (const auto& x : ab) {
    std::string out(100, ' ');
    const auto& src = inputs[static_cast<size_t>(x.background)];
    apply(x, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(src.data()), src.size()),
          reinterpret_cast<uint8_t*>(out.data()));
    EXPECT_EQ(out.substr(0, 20), src.substr(0, 20));
    EXPECT_EQ(out.substr(60), src.substr(60));
    EXPECT_EQ(dinucleotides(out.substr(20, 40)), dinucleotides(src.substr(20, 40)));
  }
  EXPECT_EQ(ab[5].replicate, 1);
  EXPECT_EQ(ab[5].background, 1);
  EXPECT_NE(error_of([] { Region::parse("20:120", 100); }).find("ends past"), std::string::npos);
}

TEST(marginalizeDesign, RandomBackgroundsHaveTheGcContent) {
  auto bg = random_backgrounds(200, 500, 0.41, 5);
  ASSERT_EQ(bg.size(), 200u);
  std::map<char, double> n;
  for (const auto& s : bg)
    for (char c : s) n[c] += 1;
  const double total = 200.0 * 500;
  EXPECT_NEAR((n['G'] + n['C']) / total, 0.41, 0.005);
  EXPECT_NEAR(n['A'] / total, 0.295, 0.005);
  EXPECT_EQ(random_backgrounds(3, 50, 0.41, 5), random_backgrounds(3, 50, 0.41, 5));
  EXPECT_NE(random_backgrounds(3, 50, 0.41, 5), random_backgrounds(3, 50, 0.41, 6));
}

// ---- the loop on the demo model -------------------------------------------------

TEST(marginalizeLoop, DemoModelBeforeAfterMatchDirectPredictions) {
  const std::string path = std::string(S2F_SOURCE_DIR) + "/pipelines/demo/model/demo.s2fm";
  auto graph = engine::load_model(path);
  const int64_t L = graph.input_length;
  std::vector<predict::ModelHeadInfo> heads;
  for (const auto& h : graph.heads) {
    const auto& shape = graph.nodes[static_cast<size_t>(h.node)].shape;
    heads.push_back({h.name, h.kind == engine::HeadKind::profile, shape.channels, shape.length, h.bin_size, {}});
  }
  auto plan = predict::plan_tracks(heads, predict::default_catalog(heads), {});
  ASSERT_EQ(plan.heads.size(), 2u);
  auto compiled = std::make_shared<engine::CompiledModel>(graph);
  engine::Predictor predictor(compiled);
  auto backgrounds = random_backgrounds(5, L, 0.41, 2);
  auto experiments = motif_experiments({parse_iupac("ATGAGTCAT"), parse_iupac("CCCCACCC")}, 5, L, {});
  predict::EnsemblePredictor one_model(std::vector<predict::StageModel>{{path, graph}});
  Marginalizer m(one_model, plan, {3, {0.25f, "--n-value", ""}});  // batch 3: batches straddle motifs
  EffectSummary summary(plan);
  std::vector<std::vector<double>> counts_effect(2);
  size_t calls = 0;
  m.run(backgrounds, experiments, [&](size_t k, const HeadSlices& v) {
    ASSERT_EQ(k, calls++);
    const auto& e = experiments[k];
    std::string edited(static_cast<size_t>(L), ' ');
    const auto& bg = backgrounds[static_cast<size_t>(e.background)];
    apply(e, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bg.data()), bg.size()),
          reinterpret_cast<uint8_t*>(edited.data()));
    for (const auto& [seq, got] : {std::pair{bg, &v.before}, std::pair{edited, &v.after}}) {
      std::vector<float> x(static_cast<size_t>(L * 4));
      predict::one_hot(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(seq.data()), seq.size()), 0.25f, x.data());
      auto direct = predictor.predict(x.data(), 1);
      for (size_t h = 0; h < 2; ++h) {
        ASSERT_EQ(m.values_per_sequence(h), direct[h].tracks * direct[h].bins);
        for (int64_t j = 0; j < m.values_per_sequence(h); ++j) ASSERT_EQ((*got)[h][j], direct[h].values[static_cast<size_t>(j)]);
      }
    }
    counts_effect[k / 5].push_back(v.after[1][0] - v.before[1][0]);
    summary.add(e, v);
  });
  EXPECT_EQ(calls, experiments.size());
  EXPECT_EQ(m.values_per_sequence(0), 2 * 300);
  EXPECT_EQ(m.values_per_sequence(1), 1);
  // Summary: 2 motifs x (2 profile tracks + 1 counts track) rows, counts mean/sd as computed here.
  std::string tsv = summary.tsv();
  std::vector<std::string> lines;
  for (size_t a = 0, b; (b = tsv.find('\n', a)) != std::string::npos; a = b + 1) lines.push_back(tsv.substr(a, b - a));
  ASSERT_EQ(lines.size(), 1u + 2 * 3);
  for (size_t k = 0; k < 2; ++k) {
    double mean = 0, ss = 0;
    for (double x : counts_effect[k]) mean += x / 5;
    for (double x : counts_effect[k]) ss += (x - mean) * (x - mean);
    auto fields = lines[1 + 3 * k + 2];
    std::vector<std::string> f;
    for (size_t a = 0, b;; a = b + 1) {
      b = fields.find('\t', a);
      f.push_back(fields.substr(a, b == std::string::npos ? b : b - a));
      if (b == std::string::npos) break;
    }
    EXPECT_EQ(f[2], "counts");
    EXPECT_EQ(f[5], "5");
    EXPECT_NEAR(std::stod(f[6]), mean, 1e-6);
    EXPECT_NEAR(std::stod(f[7]), std::sqrt(ss / 4), 1e-6);
  }
  // AP1 (planted +2.0) moves the counts head far more than the scrambled control would; KLF4 (+1.0) less.
  double ap1 = 0, klf4 = 0;
  for (double x : counts_effect[0]) ap1 += x / 5;
  for (double x : counts_effect[1]) klf4 += x / 5;
  EXPECT_GT(ap1, 1.5);
  EXPECT_GT(klf4, 0.5);
  EXPECT_GT(ap1, klf4);
}
