// Window arithmetic checked against windows worked out by hand (WINDOWS.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "s2f/genome/bases.hpp"
#include "s2f/genome/chrom_names.hpp"
#include "s2f/genome/selene_windows.hpp"
#include "s2f/genome/window.hpp"

using namespace s2f::genome;

namespace {

// Index:        0123456789...
const std::string kContig = "AAAACCCCGGGGTTTTACGTACGTACGT";

struct Pair {
  std::string ref, alt;
  bool match;
};

Pair windows(int64_t pos, const std::string& ref, const std::string& alt, int64_t L, int64_t index) {
  std::vector<uint8_t> r(static_cast<size_t>(L)), a(static_cast<size_t>(L));
  bool m = build_variant_windows(kContig, pos, ref, alt, L, index, r, a);
  return {std::string(r.begin(), r.end()), std::string(a.begin(), a.end()), m};
}

// Selene's windows (selene_windows.hpp); `pos` is 0-based, as everywhere here.
Pair selene(int64_t pos, const std::string& ref, const std::string& alt, int64_t L, bool minus) {
  std::vector<uint8_t> r(static_cast<size_t>(L)), a(static_cast<size_t>(L));
  bool m = build_selene_variant_windows(kContig, pos, ref, alt, L, minus, r, a);
  return {std::string(r.begin(), r.end()), std::string(a.begin(), a.end()), m};
}

}  // namespace

TEST(PositionWindow, OddLengthCentres) {
  EXPECT_EQ(position_index(11), 5);
  EXPECT_EQ(position_window_start(100, 11), 95);  // 95..105, 100 in the middle
}

TEST(PositionWindow, EvenLengthPutsPositionRightOfMiddle) {
  EXPECT_EQ(position_index(2114), 1057);
  EXPECT_EQ(position_window_start(5000, 2114), 5000 - 1057);
}

TEST(PositionWindow, IntervalCentre) {
  EXPECT_EQ(interval_centre(100, 200), 150);
  EXPECT_EQ(interval_centre(100, 201), 150);  // floor
  EXPECT_EQ(interval_centre(100, 200, 7), 107);
  EXPECT_EQ(interval_centre(100, 200, -1), 150);
}

TEST(VariantIndex, SeleneConvention) {
  EXPECT_EQ(default_variant_index(11, 1), 5);      // odd: centre
  EXPECT_EQ(default_variant_index(12, 1), 5);      // even: L/2 - 1
  EXPECT_EQ(default_variant_index(1000, 1), 499);
  EXPECT_EQ(default_variant_index(12, 6), 2);      // 6 - 1 - 3
  EXPECT_EQ(default_variant_index(11, 4), 3);      // 6 - 1 - 2
}

TEST(VariantWindows, SnvOddLength) {
  auto w = windows(8, "G", "T", 5, default_variant_index(5, 1));
  EXPECT_EQ(w.ref, "CCGGG");
  EXPECT_EQ(w.alt, "CCTGG");
  EXPECT_TRUE(w.match);
}

TEST(VariantWindows, SnvEvenLength) {
  auto w = windows(8, "G", "T", 4, default_variant_index(4, 1));
  EXPECT_EQ(w.ref, "CGGG");
  EXPECT_EQ(w.alt, "CTGG");
}

TEST(VariantWindows, ExplicitIndex) {
  auto w = windows(8, "G", "T", 4, 0);
  EXPECT_EQ(w.ref, "GGGG");
  EXPECT_EQ(w.alt, "TGGG");
}

TEST(VariantWindows, InsertionCroppedSymmetrically) {
  // hap = CC + GAA + GGG (8 bases), d = 2: drop 1 left, 1 right.
  auto w = windows(8, "G", "GAA", 6, default_variant_index(6, 1));
  EXPECT_EQ(w.ref, "CCGGGG");
  EXPECT_EQ(w.alt, "CGAAGG");
}

TEST(VariantWindows, OddInsertionCropsMoreOnTheRight) {
  // index 2, hap = CC + GAAA + GGG (9), d = 3: drop 1 left, 2 right.
  auto w = windows(8, "G", "GAAA", 6, 2);
  EXPECT_EQ(w.alt, "CGAAAG");
}

TEST(VariantWindows, DeletionRefilledFromBothFlanks) {
  // REF CGG at 7, index 1, window [6, 12). k = 2: one more base each side.
  auto w = windows(7, "CGG", "C", 6, default_variant_index(6, 3));
  EXPECT_EQ(w.ref, "CCGGGG");
  EXPECT_EQ(w.alt, "CCCGGT");
  EXPECT_TRUE(w.match);
}

TEST(VariantLayoutTest, DeletionReadsBeyondTheRefWindow) {
  auto lay = variant_layout(7, 3, 1, 6, 1);
  EXPECT_EQ(lay.ref_start, 6);
  EXPECT_EQ(lay.read_begin, 5);
  EXPECT_EQ(lay.read_end, 13);
  EXPECT_TRUE(lay.fits);
  EXPECT_FALSE(variant_layout(7, 10, 1, 6, 1).fits);
}

TEST(VariantWindows, RefMismatchUsesVcfRef) {
  auto w = windows(8, "A", "T", 5, 2);
  EXPECT_FALSE(w.match);
  EXPECT_EQ(w.ref, "CCAGG");
  EXPECT_EQ(w.alt, "CCTGG");
}

// Where each base of a window lies on the genome (s2f-ism's mutant `pos`).
namespace {
std::vector<int64_t> positions(const WindowPlacement& w) {
  std::vector<int64_t> out;
  for (int64_t o = 0; o < w.length; ++o) out.push_back(genome_position(w, o));
  return out;
}
WindowPlacement alt_window(int64_t pos, const std::string& ref, const std::string& alt, int64_t L, int64_t index,
                           bool minus = false) {
  WindowPlacement w;
  w.start = pos - index;
  w.length = L;
  w.minus = minus;
  w.alt_window = true;
  w.variant_pos = pos;
  w.ref_length = static_cast<int64_t>(ref.size());
  w.alt_length = static_cast<int64_t>(alt.size());
  return w;
}
}  // namespace

TEST(GenomePosition, WorkedExamples) {
  // Deletion CGG -> C at 7 (ALT window CC|C|GGT): genome 5 6 | 7 | 10 11 12.
  EXPECT_EQ(positions(alt_window(7, "CGG", "C", 6, 1)), (std::vector<int64_t>{5, 6, 7, 10, 11, 12}));
  // Insertion G -> GAA at 8 (ALT window C|GAA|GG): the added AA take the REF base's 8.
  EXPECT_EQ(positions(alt_window(8, "G", "GAA", 6, 2)), (std::vector<int64_t>{7, 8, 8, 8, 9, 10}));
  // A REF window, and an SNV's ALT window, are the genome's own span; '-' runs backwards.
  WindowPlacement ref;
  ref.start = 6;
  ref.length = 6;
  EXPECT_EQ(positions(ref), (std::vector<int64_t>{6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(positions(alt_window(8, "G", "T", 6, 2)), positions(ref));
  ref.minus = true;
  EXPECT_EQ(positions(ref), (std::vector<int64_t>{11, 10, 9, 8, 7, 6}));
  EXPECT_EQ(positions(alt_window(7, "CGG", "C", 6, 1, true)), (std::vector<int64_t>{12, 11, 10, 7, 6, 5}));
  WindowPlacement not_genomic;
  not_genomic.length = 6;
  EXPECT_EQ(genome_position(not_genomic, 3), -1);
}

TEST(GenomePosition, AltWindowBasesAreTheGenomeBasesThere) {
  // Every base of every ALT window outside the ALT allele is the contig's
  // base at its position, whatever the indel's size and parity and the
  // strand; the allele's bases lie over the REF bases, those an insertion
  // adds on the last one, and positions never run backwards.
  struct Case {
    int64_t pos;
    std::string ref, alt;
  };
  const std::vector<Case> cases = {{10, "G", "T"},     {9, "GGG", "ACA"},  {8, "G", "GAA"},   {8, "G", "GAAA"},
                                   {12, "T", "TACGTA"}, {7, "CGG", "C"},   {7, "CGGG", "C"},  {9, "GGGTT", "GA"},
                                   {12, "TTTTA", "T"},  {11, "GT", "GCCT"}};
  for (const auto& c : cases)
    for (int64_t L : {6, 7, 10})
      for (bool minus : {false, true}) {
        const int64_t index = default_variant_index(L, static_cast<int64_t>(c.ref.size()));
        if (index < 0 || index + static_cast<int64_t>(c.ref.size()) > L) continue;
        const std::string alt = minus ? reverse_complement(windows(c.pos, c.ref, c.alt, L, index).alt)
                                      : windows(c.pos, c.ref, c.alt, L, index).alt;
        const auto place = alt_window(c.pos, c.ref, c.alt, L, index, minus);
        const int64_t r = static_cast<int64_t>(c.ref.size()), a = static_cast<int64_t>(c.alt.size());
        int64_t in_allele = 0, previous = -1;
        for (int64_t k = 0; k < L; ++k) {
          const int64_t o = minus ? L - 1 - k : k;  // forward-strand order
          const int64_t g = genome_position(place, o);
          const std::string what = c.ref + ">" + c.alt + " L=" + std::to_string(L) + (minus ? " -" : " +") +
                                   " offset " + std::to_string(o);
          ASSERT_GE(g, previous) << what << ": positions run along the genome";
          previous = g;
          const char base = minus ? reverse_complement(kContig.substr(static_cast<size_t>(g), 1))[0]
                                  : kContig[static_cast<size_t>(g)];
          if (g >= c.pos && g < c.pos + r) {  // a base of the ALT allele, placed over the REF bases
            ++in_allele;
            continue;
          }
          EXPECT_EQ(alt[static_cast<size_t>(o)], base) << what;
        }
        EXPECT_LE(in_allele, a) << c.ref << ">" << c.alt;
      }
}

TEST(FitSequence, PadsFloorLeftCeilRight) {
  std::vector<uint8_t> out(8);
  EXPECT_TRUE(fit_sequence("ACGTA", out));
  EXPECT_EQ(std::string(out.begin(), out.end()), "NACGTANN");
}

TEST(FitSequence, CropsFromTheCentre) {
  std::vector<uint8_t> out(3);
  EXPECT_FALSE(fit_sequence("AAAACCCCG", out));
  EXPECT_EQ(std::string(out.begin(), out.end()), "ACC");
}

TEST(Bases, NormaliseAndReverseComplement) {
  std::string s = "acgRyNT";
  EXPECT_TRUE(normalize_bases(s));
  EXPECT_EQ(s, "ACGNNNT");
  EXPECT_EQ(reverse_complement("ACGTN"), "NACGT");
  std::vector<uint8_t> v{'A', 'A', 'C'};
  reverse_complement(std::span<uint8_t>(v));
  EXPECT_EQ(std::string(v.begin(), v.end()), "GTT");
}

TEST(ChromosomeNamesTest, HarmonisesChrPrefixAndMito) {
  std::vector<Contig> contigs{{"chr1", 10}, {"chrM", 5}, {"2", 7}};
  ChromosomeNames n(contigs);
  EXPECT_EQ(n.resolve("chr1"), 0);
  EXPECT_TRUE(n.mapped().empty());
  EXPECT_EQ(n.resolve("1"), 0);
  EXPECT_EQ(n.resolve("MT"), 1);
  EXPECT_EQ(n.resolve("chr2"), 2);
  EXPECT_EQ(n.resolve("X"), -1);
  EXPECT_EQ(n.mapped().size(), 3u);
  EXPECT_NE(n.mapping_summary().find("MT -> chrM"), std::string::npos);
}

TEST(ChromosomeNamesTest, Autosomes) {
  EXPECT_TRUE(is_human_autosome("chr1"));
  EXPECT_TRUE(is_human_autosome("22"));
  EXPECT_FALSE(is_human_autosome("chr23"));
  EXPECT_FALSE(is_human_autosome("chrX"));
  EXPECT_FALSE(is_human_autosome("chr01"));
}

// Selene's windows, worked by hand (WINDOWS.md, "Selene's windows"); POS =
// pos + 1. tests/genome/test_selene_windows.sh compares every variant of
// the real chr22 excerpt with a transcription of Selene's code.
TEST(SeleneWindows, RefIndex) {
  EXPECT_EQ(selene_ref_index(7, false, 1), 2);     // odd L: L//2 - 1, one base before s2f's centre
  EXPECT_EQ(default_variant_index(7, 1), 3);
  EXPECT_EQ(selene_ref_index(1000, false, 1), 499);
  EXPECT_EQ(selene_ref_index(6, false, 3), 1);     // 3 - 1 - 1
  EXPECT_EQ(selene_ref_index(6, false, 0), 2);     // empty REF ('-')
  EXPECT_EQ(selene_ref_index(7, true, 1), 4);      // '-': ceil(L/2)
  EXPECT_EQ(selene_ref_index(6, true, 3), 2);      // '-': 3 - 2 + 1
}

TEST(SeleneWindows, OddLengthSnvOneBaseLeftOfCentre) {
  // POS 9 (G at 8), L = 7: window [6, 13), the SNV at index 2.
  EXPECT_EQ(selene_variant_layout(8, 1, 1, 7, 28).ref_start, 6);
  auto w = selene(8, "G", "A", 7, false);
  EXPECT_EQ(w.ref, "CCGGGGT");
  EXPECT_EQ(w.alt, "CCAGGGT");
  EXPECT_TRUE(w.match);
}

TEST(SeleneWindows, DeletionJoinedAroundPos) {
  // POS 8, CGG -> C, L = 6: window [6, 12); ALT = genome[5, 9) + C + genome[12, 13):
  // Selene keeps the REF's second base and drops three after it (s2f: CCCGGT).
  auto w = selene(7, "CGG", "C", 6, false);
  EXPECT_EQ(w.ref, "CCGGGG");
  EXPECT_EQ(w.alt, "CCCGCT");
  w = selene(7, "CGG", "C", 6, true);  // '-': the pieces complemented and swapped
  EXPECT_EQ(w.ref, "CCCCGG");
  EXPECT_EQ(w.alt, "AGCGGG");
}

TEST(SeleneWindows, InsertionCroppedFromTheLeftOfItsStrand) {
  auto w = selene(8, "G", "GAA", 6, false);
  EXPECT_EQ(w.alt, "CGAAGG");
  w = selene(8, "G", "GAA", 6, true);
  EXPECT_EQ(w.ref, "CCCCGG");
  EXPECT_EQ(w.alt, "CCTTCG");
}

TEST(SeleneWindows, EmptyAlleles) {
  auto w = selene(8, "-", "TT", 6, false);  // REF '-': inserted before POS's base
  EXPECT_EQ(w.ref, "CCGGGG");
  EXPECT_EQ(w.alt, "CTTGGG");
  w = selene(8, "-", "TT", 6, true);        // Selene leaves ALT uncomplemented when REF is empty
  EXPECT_EQ(w.alt, "CCTTCG");
  EXPECT_EQ(selene(8, "G", "*", 6, false).alt, "CCGGGT");
  EXPECT_EQ(selene(8, "G", "-", 6, true).alt, "ACCCGG");
}

TEST(SeleneWindows, DeletionPaddedWithNAsSeleneDoes) {
  // POS 1, AAAAC -> A, L = 6: window [0, 6); the left piece [-2, 2) is NNAA,
  // the right one [7, 8) is C.
  auto lay = selene_variant_layout(0, 5, 1, 6, 28);
  EXPECT_TRUE(lay.rejected.empty()) << lay.rejected;
  EXPECT_EQ(selene(0, "AAAAC", "A", 6, false).alt, "NNAAAC");
  EXPECT_EQ(selene(0, "AAAAC", "A", 6, true).alt, "GTNNTT");  // the N stay in front of their piece on '-'
}

TEST(SeleneWindows, MismatchedRefWrittenIn) {
  auto w = selene(8, "A", "C", 6, false);
  EXPECT_EQ(w.ref, "CCAGGG");
  EXPECT_EQ(w.alt, "CCCGGG");
  EXPECT_FALSE(w.match);
}

TEST(SeleneWindows, OutOfBoundsIsSelenesNa) {
  EXPECT_NE(selene_variant_layout(1, 1, 1, 7, 28).rejected.find("runs off the chromosome"), std::string::npos);
  EXPECT_NE(selene_variant_layout(26, 1, 1, 7, 28).rejected.find("runs off the chromosome"), std::string::npos);
  EXPECT_TRUE(selene_variant_layout(3, 1, 1, 7, 28).rejected.empty());
}
