// The ChromBPNet variant scorer's scores (allele_scores.hpp) and the indel
// alignment of profiles (profile_alignment.hpp) on hand-built cases whose
// answers are worked out below from WINDOWS.md's window rules.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "s2f/error.hpp"
#include "s2f/score/allele_scores.hpp"
#include "s2f/score/profile_alignment.hpp"

using namespace s2f;
using namespace s2f::score;

namespace {

std::vector<int64_t> range(int64_t a, int64_t b) {  // [a, b)
  std::vector<int64_t> v;
  for (int64_t i = a; i < b; ++i) v.push_back(i);
  return v;
}

std::vector<int64_t> without(int64_t n, int64_t a, int64_t b) {  // [0, n) minus [a, b)
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i)
    if (i < a || i >= b) v.push_back(i);
  return v;
}

// REF and ALT placements of a variant at genome position p, s2f-encode's
// default placement: the first REF base at I = ceil(L/2) - 1 - floor(r/2).
std::pair<genome::WindowPlacement, genome::WindowPlacement> placements(int64_t L, int64_t p, int64_t r, int64_t a,
                                                                       bool minus = false) {
  const int64_t I = (L + 1) / 2 - 1 - r / 2;
  genome::WindowPlacement ref{p - I, L, minus, false, p, r, a};
  genome::WindowPlacement alt = ref;
  alt.alt_window = true;
  return {ref, alt};
}

}  // namespace

// REF=G ALT=GAA at 100, L = 10: REF window 96..105; ALT window
// 97 98 99 G A A 101 102 103 104 (one base cropped on each side). The bases
// both hold are 97..104: REF bins 1..8, ALT bins 0-3 and 6-9.
TEST(ProfileAlignment, InsertionWorkedExample) {
  auto [ref, alt] = placements(10, 100, 1, 3);
  auto a = align_profile_bins(ref, alt, 10, 0);
  EXPECT_EQ(a.ref, range(1, 9));
  EXPECT_EQ(a.alt, (std::vector<int64_t>{0, 1, 2, 3, 6, 7, 8, 9}));
}

// REF=CGG ALT=C at 100, L = 10: REF window 97..106; ALT window
// 96 97 98 99 C 103 104 105 106 107. Shared: 97-100 and 103-106.
TEST(ProfileAlignment, DeletionWorkedExample) {
  auto [ref, alt] = placements(10, 100, 3, 1);
  auto a = align_profile_bins(ref, alt, 10, 0);
  EXPECT_EQ(a.ref, (std::vector<int64_t>{0, 1, 2, 3, 6, 7, 8, 9}));
  EXPECT_EQ(a.alt, range(1, 9));
}

// Every insertion and deletion length from 1 to 6 in even and odd windows,
// with a profile narrower than the window: an insertion of d bases drops
// the REF bins of the floor(d/2) and ceil(d/2) flank bases the ALT window
// loses and the ALT bins of the inserted bases; a deletion of k drops the
// REF bins of the deleted bases and the ALT bins of the flank bases it
// gains. Whatever is kept pairs one to one (L - d, or L - k, bases).
TEST(ProfileAlignment, InsertionsAndDeletionsOfSeveralLengths) {
  for (int64_t L : {21, 24}) {
    const int64_t bins = L - 4, off = 2;  // profile over window bases [2, L - 2)
    for (int64_t n = 1; n <= 6; ++n) {
      {  // insertion: REF = 1 base, ALT = 1 + n bases
        auto [ref, alt] = placements(L, 1000, 1, 1 + n);
        const int64_t I = alt.variant_pos - alt.start, at = I - n / 2;  // ALT allele's first base in the window
        std::vector<int64_t> want_ref, want_alt;
        for (int64_t o = off; o < off + bins; ++o) {
          // ALT profile bins hold REF offsets off + n/2 ... off + bins - 1 - (n - n/2) (no gap: the
          // inserted bases sit between the two runs).
          if (o >= off + n / 2 && o <= off + bins - 1 - (n - n / 2)) want_ref.push_back(o - off);
          // ALT offsets of inserted bases: [at + 1, at + 1 + n).
          const int64_t base_pos_in_ref = o < at + 1 ? o + n / 2 : o - n + n / 2;  // REF offset of ALT base o
          if ((o < at + 1 || o >= at + 1 + n) && base_pos_in_ref >= off && base_pos_in_ref < off + bins)
            want_alt.push_back(o - off);
        }
        auto a = align_profile_bins(ref, alt, bins, off);
        EXPECT_EQ(a.ref.size(), a.alt.size()) << "insertion of " << n << ", L " << L;
        EXPECT_EQ(a.ref, want_ref) << "insertion of " << n << ", L " << L;
        EXPECT_EQ(a.alt, want_alt) << "insertion of " << n << ", L " << L;
      }
      {  // deletion: REF = 1 + n bases, ALT = 1 base
        auto [ref, alt] = placements(L, 1000, 1 + n, 1);
        const int64_t I = ref.variant_pos - ref.start;
        std::vector<int64_t> want_ref, want_alt;
        for (int64_t o = off; o < off + bins; ++o) {
          const int64_t deleted_from = I + 1, deleted_to = I + 1 + n;
          // ALT base o lies at REF offset o - n/2 before the allele's end, o - n/2 + n after it.
          const int64_t allele_end = I + n / 2 + 1;
          const int64_t ref_offset = o < allele_end ? o - n / 2 : o - n / 2 + n;
          if (o < deleted_from || o >= deleted_to) {
            // The REF base is kept when the ALT profile holds it too.
            const int64_t alt_offset = o <= I ? o + n / 2 : o - n + n / 2;
            if (alt_offset >= off && alt_offset < off + bins) want_ref.push_back(o - off);
          }
          if (ref_offset >= off && ref_offset < off + bins) want_alt.push_back(o - off);
        }
        auto a = align_profile_bins(ref, alt, bins, off);
        EXPECT_EQ(a.ref.size(), a.alt.size()) << "deletion of " << n << ", L " << L;
        EXPECT_EQ(a.ref, want_ref) << "deletion of " << n << ", L " << L;
        EXPECT_EQ(a.alt, want_alt) << "deletion of " << n << ", L " << L;
      }
    }
  }
}

// On '-' the windows are reversed: bin k is forward bin L - 1 - k.
TEST(ProfileAlignment, MinusStrandMirrorsThePlusStrand) {
  auto [ref, alt] = placements(10, 100, 1, 3, true);
  auto a = align_profile_bins(ref, alt, 10, 0);
  EXPECT_EQ(a.ref, range(1, 9));                                        // 8..1 mirrored
  EXPECT_EQ(a.alt, (std::vector<int64_t>{0, 1, 2, 3, 6, 7, 8, 9}));      // 9-6, 3-0 mirrored
}

TEST(ProfileAlignment, SnvsKeepEveryBin) {
  auto [ref, alt] = placements(10, 100, 1, 1);
  auto a = align_profile_bins(ref, alt, 6, 2);
  EXPECT_EQ(a.ref, range(0, 6));
  EXPECT_EQ(a.alt, range(0, 6));
}

// A profile that an insertion only shifts (the ALT profile is the REF one
// moved with its bases, with new mass on the inserted bases) differs bin by
// bin but not once aligned: jsd 0, original_jsd > 0.
TEST(AlleleScores, AlignedJsdOfAShiftedProfileIsZero) {
  auto [ref, alt] = placements(10, 100, 1, 3);
  auto a = align_profile_bins(ref, alt, 10, 0);
  std::vector<float> l1(10), l2(10);
  for (int64_t k = 0; k < 10; ++k) l1[static_cast<size_t>(k)] = static_cast<float>(0.3 * k);
  // ALT bins 0-3 hold REF bases 97-100 (REF bins 1-4), bins 6-9 REF bins 5-8.
  for (size_t i = 0; i < a.alt.size(); ++i) l2[static_cast<size_t>(a.alt[i])] = l1[static_cast<size_t>(a.ref[i])];
  l2[4] = l2[5] = 5.0f;  // the inserted bases
  AlleleInputs in;
  in.log_count1 = std::log(10.0);
  in.log_count2 = std::log(40.0);
  in.logits1 = l1;
  in.logits2 = l2;
  in.keep1 = &a.ref;
  in.keep2 = &a.alt;
  std::vector<AlleleScore> s = {AlleleScore::logfc, AlleleScore::jsd, AlleleScore::original_jsd,
                                AlleleScore::abs_logfc_x_jsd, AlleleScore::allele2_pred_counts};
  std::vector<float> out(s.size());
  compute_allele_scores(in, s, out);
  EXPECT_NEAR(out[0], 2.0, 1e-6);  // log2(40 / 10)
  EXPECT_NEAR(out[1], 0.0, 1e-4);
  EXPECT_GT(out[2], 0.1);
  EXPECT_NEAR(out[3], 0.0, 1e-4);
  EXPECT_NEAR(out[4], 40.0, 1e-4);
}

// Disjoint profiles: JS divergence ln 2 (natural log), distance sqrt(ln 2).
TEST(AlleleScores, JensenShannonDistanceOfDisjointProfiles) {
  std::vector<double> p = {1, 0}, q = {0, 1}, r = {2, 2}, u = {0.5, 0.5};
  EXPECT_NEAR(jensen_shannon_distance(p, q), std::sqrt(std::log(2.0)), 1e-12);
  EXPECT_NEAR(jensen_shannon_distance(r, u), 0.0, 1e-12);  // normalised first
}

// Quantiles and combined scores against a peak set of counts 1, 2, 3, 4.
TEST(AlleleScores, QuantilesAgainstPeaks) {
  std::vector<double> peaks = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile_below(peaks, 2.5), 0.5);
  EXPECT_DOUBLE_EQ(quantile_below(peaks, 2.0), 0.25);  // strictly below
  EXPECT_DOUBLE_EQ(quantile_below(peaks, 9.0), 1.0);
  std::vector<float> l = {0, 1, 2};
  AlleleInputs in;
  in.log_count1 = std::log(2.5);  // q1 = 0.5
  in.log_count2 = std::log(1.25);  // q2 = 0.25, logfc = -1
  in.logits1 = l;
  in.logits2 = l;
  in.peak_counts = peaks;
  std::vector<AlleleScore> s = {AlleleScore::allele1_quantile, AlleleScore::allele2_quantile,
                                AlleleScore::active_allele_quantile, AlleleScore::quantile_change,
                                AlleleScore::abs_quantile_change, AlleleScore::logfc_x_active_allele_quantile,
                                AlleleScore::abs_logfc_x_active_allele_quantile, AlleleScore::jsd_x_active_allele_quantile};
  std::vector<float> out(s.size());
  compute_allele_scores(in, s, out);
  std::vector<float> want = {0.5f, 0.25f, 0.5f, -0.25f, 0.25f, -0.5f, 0.5f, 0.0f};
  for (size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(out[i], want[i], 1e-6) << allele_score_name(s[i]);
}

// variant-scorer's get_pvals: (1 + #null beyond) / (n + 1); two-sided twice
// the smaller tail.
TEST(AlleleScores, EmpiricalPvalues) {
  std::vector<double> null = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(empirical_pvalue(null, 3, false), 3.0 / 5);
  EXPECT_DOUBLE_EQ(empirical_pvalue(null, 5, false), 1.0 / 5);
  EXPECT_DOUBLE_EQ(empirical_pvalue(null, 3, true), 2 * 3.0 / 5);
  EXPECT_DOUBLE_EQ(empirical_pvalue(null, 0, true), 2 * 1.0 / 5);
}

TEST(AlleleScores, NamesRoundTripAndUnknownNamesAreUsageErrors) {
  for (int i = 0; i <= static_cast<int>(AlleleScore::abs_logfc_x_jsd_x_active_allele_quantile); ++i) {
    auto s = static_cast<AlleleScore>(i);
    EXPECT_EQ(parse_allele_score(allele_score_name(s)), s);
  }
  EXPECT_TRUE(needs_peaks(AlleleScore::active_allele_quantile));
  EXPECT_FALSE(needs_peaks(AlleleScore::abs_logfc_x_jsd));
  try {
    parse_allele_score("log2fc");
    FAIL() << "log2fc is not a variant scorer score";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::usage);
    EXPECT_NE(std::string(e.what()).find("active_allele_quantile"), std::string::npos);
  }
}
