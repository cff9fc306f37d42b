// s2f-score's library without a process: Selene's file names (one owner for
// s2f-score, s2f-ism and the workflows), the per-bin sampler, and the
// option-combination checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "s2f/error.hpp"
#include "s2f/score/bin_sampler.hpp"
#include "s2f/score/score_run.hpp"
#include "s2f/score/selene_naming.hpp"
#include "s2f/score/track_percentiles.hpp"
#include "s2f/score/value_emitter.hpp"
#include "s2f/background/percentile_table.hpp"

using namespace s2f;
using namespace s2f::score;

namespace {

std::string usage_message(const ScoreRunOptions& o) {
  try {
    check_score_options(o);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::usage);
    return e.what_part();
  }
  return "";
}

// Runs f, which must fail with a usage error whose message holds `part`.
template <class F>
void expect_usage_error(F f, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "no error; expected: " << part;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::usage);
    EXPECT_NE(std::string(e.what_part()).find(part), std::string::npos) << e.what_part();
  }
}

}  // namespace

TEST(ScoreSeleneNaming, VariantFilesAreSelenes) {
  EXPECT_EQ(selene_file_names("out/v", {SeleneItem::diffs, SeleneItem::abs_diffs, SeleneItem::logits,
                                        SeleneItem::predictions}, false),
            (std::vector<std::string>{"out/v_diffs.tsv", "out/v_abs_diffs.tsv", "out/v_logits.tsv",
                                      "out/v.ref_predictions.tsv", "out/v.alt_predictions.tsv"}));
  EXPECT_EQ(selene_file_names("v", {SeleneItem::predictions}, true),
            (std::vector<std::string>{"v.ref_predictions.h5", "v.alt_predictions.h5", "v_row_labels.txt"}));
}

TEST(ScoreSeleneNaming, IsmFilesAreSelenes) {
  EXPECT_EQ(selene_ism_file_name("p_seq1", SeleneItem::predictions, false), "p_seq1_predictions.tsv");
  EXPECT_EQ(selene_ism_file_name("p_seq1", SeleneItem::abs_diffs, true), "p_seq1_abs_diffs.h5");
  EXPECT_EQ(selene_ism_reference_name("p_seq1"), "p_seq1_ref_predictions.h5");
  EXPECT_EQ(selene_row_labels_name("p_seq1"), "p_seq1_row_labels.txt");
}

TEST(ScoreSeleneNaming, ItemsRoundTrip) {
  for (auto item : {SeleneItem::predictions, SeleneItem::diffs, SeleneItem::abs_diffs, SeleneItem::logits})
    EXPECT_EQ(find_selene_item(selene_item_name(item)), item);
  EXPECT_FALSE(find_selene_item("diff"));
  EXPECT_EQ(selene_items({}), (std::vector<SeleneItem>{SeleneItem::diffs, SeleneItem::abs_diffs, SeleneItem::logits,
                                                        SeleneItem::predictions}));
  EXPECT_EQ(selene_items({"logits,diffs"}), (std::vector<SeleneItem>{SeleneItem::logits, SeleneItem::diffs}));
}

TEST(ScoreBinSampler, DeterministicPerIdWithoutReplacement) {
  BinSampler a(999), b(999), c(1000);
  std::vector<int64_t> x, y, z;
  a.draw("var1", 100, 32, x);
  b.draw("var1", 100, 32, y);
  c.draw("var1", 100, 32, z);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  EXPECT_EQ(std::set<int64_t>(x.begin(), x.end()).size(), 32u);
  EXPECT_TRUE(std::all_of(x.begin(), x.end(), [](int64_t v) { return v >= 0 && v < 100; }));
  a.draw("var2", 100, 32, y);
  EXPECT_NE(x, y);
  a.draw("short", 5, 32, z);  // fewer bins than draws: with replacement
  EXPECT_EQ(z.size(), 32u);
  EXPECT_TRUE(std::all_of(z.begin(), z.end(), [](int64_t v) { return v >= 0 && v < 5; }));
}

TEST(ScoreOptions, OneMessagePerCombination) {
  ScoreRunOptions o;
  EXPECT_EQ(usage_message(o), "");
  o.tsv_prefix = "a";
  o.hdf5_prefix = "b";
  EXPECT_NE(usage_message(o).find("--tsv and --hdf5 are alternatives; give one"), std::string::npos);
  o = {};
  o.emit = {"effect"};
  o.cdf = "x.npz";
  EXPECT_NE(usage_message(o).find("--emit writes a values stream; it does not combine with --cdf, --tsv or --hdf5"),
            std::string::npos);
  o = {};
  o.perbin_k = 0;
  EXPECT_NE(usage_message(o).find("--perbin-k must be at least 1"), std::string::npos);
  o = {};
  o.selene_files = true;
  EXPECT_NE(usage_message(o).find("--selene-files lists the files of --tsv PREFIX or --hdf5 PREFIX"), std::string::npos);
  o.tsv_prefix = "p";
  o.save = {"diffs,nope"};
  EXPECT_NE(usage_message(o).find("--save 'nope' is not one of diffs, abs_diffs, logits, predictions"),
            std::string::npos);
  o.save = {"logits"};
  EXPECT_EQ(selene_output_files(o), (std::vector<std::string>{"p_logits.tsv"}));
}

TEST(ScoreEmit, KindsInOneOrderWhateverTheOrderGiven) {
  using background::ValueKind;
  EXPECT_EQ(parse_emit_kinds({"perbin,effect", "summary"}),
            (std::vector<ValueKind>{ValueKind::effect, ValueKind::summary, ValueKind::perbin}));
  EXPECT_TRUE(parse_emit_kinds({}).empty());
  expect_usage_error([] { parse_emit_kinds({"summary,summary"}); }, "--emit names 'summary' twice");
  expect_usage_error([] { parse_emit_kinds({"sum"}); }, "--emit 'sum' is not one of effect, summary, perbin");
}

TEST(ScoreEmit, OutputNamesCarryTheKind) {
  using background::ValueKind;
  EXPECT_EQ(emit_output_path("d/{kind}.3.values.s2f", ValueKind::perbin, 2), "d/perbin.3.values.s2f");
  EXPECT_EQ(emit_output_path("e.s2f", ValueKind::effect, 1), "e.s2f");
  EXPECT_EQ(emit_output_path("-", ValueKind::effect, 1), "-");
  expect_usage_error([] { emit_output_path("e.s2f", ValueKind::effect, 2); }, "has no {kind}");
  expect_usage_error([] { emit_output_path("{kind}.{kind}", ValueKind::effect, 2); }, "must hold {kind} once");
}

TEST(ScorePercentiles, SearchsortedIsChorusLookup) {
  // numpy: searchsorted([1, 2, 2, 3], x, side='left') / 4
  const std::vector<float> row{1, 2, 2, 3};
  EXPECT_DOUBLE_EQ(background::searchsorted_percentile_in_row(row, 0.5f), 0.0);
  EXPECT_DOUBLE_EQ(background::searchsorted_percentile_in_row(row, 1.0f), 0.0);
  EXPECT_DOUBLE_EQ(background::searchsorted_percentile_in_row(row, 2.0f), 0.25);
  EXPECT_DOUBLE_EQ(background::searchsorted_percentile_in_row(row, 2.5f), 0.75);
  EXPECT_DOUBLE_EQ(background::searchsorted_percentile_in_row(row, 9.0f), 1.0);
  const std::vector<float> empty(4, std::nanf(""));
  EXPECT_TRUE(std::isnan(background::searchsorted_percentile_in_row(empty, 1.0f)));
  EXPECT_EQ(parse_percentile_rule("searchsorted"), PercentileRule::searchsorted);
  expect_usage_error([] { parse_percentile_rule("nearest"); }, "--percentile-rule 'nearest' is not one of");
}
