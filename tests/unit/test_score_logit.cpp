// logit() under both rules (statistics.hpp), the function logit_diff and
// s2f-ism's logits share. tests/score/test_logit_selene.py checks the whole
// stage against a transcription of Selene's LogitScoreHandler.
#include <gtest/gtest.h>

#include <cmath>

#include "s2f/error.hpp"
#include "s2f/score/statistics.hpp"

using namespace s2f;
using namespace s2f::score;

TEST(Logit, ClippedRuleIsTheDefault) {
  EXPECT_DOUBLE_EQ(logit(1e-8), logit(1e-6));
  EXPECT_DOUBLE_EQ(logit(1e-7) - logit(1e-8), 0.0);  // the case the clip hides
  EXPECT_DOUBLE_EQ(logit(0.0), std::log(1e-6 / (1 - 1e-6)));
  EXPECT_NEAR(logit(1.0), -logit(0.0), 1e-9);
  EXPECT_DOUBLE_EQ(logit(0.25), std::log(1.0 / 3.0));
}

TEST(Logit, SeleneRuleIsUnclippedInsideZeroOne) {
  // ln 10 + ln((1 - 1e-8) / (1 - 1e-7)): ln 10 to 1e-7.
  EXPECT_NEAR(logit(1e-7, LogitRule::selene) - logit(1e-8, LogitRule::selene), std::log(10.0), 1e-6);
  EXPECT_DOUBLE_EQ(logit(0.25, LogitRule::selene), std::log(1.0 / 3.0));
}

TEST(Logit, SeleneRuleReplacesZeroAndOneAsSelene) {
  const double tiny = static_cast<double>(1e-24f), high = static_cast<double>(0.999999f);
  EXPECT_DOUBLE_EQ(logit(0.0, LogitRule::selene), std::log(tiny / (1 - tiny)));
  EXPECT_DOUBLE_EQ(logit(1.0, LogitRule::selene), std::log(high / (1 - high)));
  EXPECT_DOUBLE_EQ(logit(1.5, LogitRule::selene), logit(1.0, LogitRule::selene));
  EXPECT_TRUE(std::isfinite(logit(0.0, LogitRule::selene)));
  EXPECT_TRUE(std::isnan(logit(-0.1, LogitRule::selene)));  // no probability: NaN, as scipy
}

TEST(Logit, LogitDiffFollowsTheRule) {
  const float ref[] = {1e-8f}, alt[] = {1e-7f};
  EXPECT_DOUBLE_EQ(compute(Statistic::logit_diff, ref, alt, 0), 0.0);
  EXPECT_NEAR(compute(Statistic::logit_diff, ref, alt, 0, LogitRule::selene), std::log(10.0), 1e-6);
}

TEST(Logit, RuleNames) {
  EXPECT_EQ(parse_logit_rule("clipped"), LogitRule::clipped);
  EXPECT_EQ(parse_logit_rule("selene"), LogitRule::selene);
  try {
    parse_logit_rule("scipy");
    FAIL() << "accepted an unknown rule";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::usage);
  }
}
