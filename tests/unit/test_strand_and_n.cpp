// The rules behind --rc and --n-value, without a process: where a head's
// strand pairing comes from (option, catalog, model) and when there is
// none; how an N is encoded and when a window with one is refused; the
// model file fields that carry both; an ensemble's members agreeing on them.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "s2f/engine/graph.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/strand_combine.hpp"
#include "s2f/predict/strand_pairs.hpp"
#include "s2f/predict/track_plan.hpp"
#include "test_support.hpp"

using namespace s2f;
using namespace s2f::predict;
using s2f::testing_support::error_of;

namespace {

// A stranded profile head (3 tracks: +, -, unstranded) and a 2-track count head.
std::vector<ModelHeadInfo> heads(std::optional<engine::StrandPairs> profile_record = std::nullopt) {
  return {{"profile", true, 3, 10, 1, profile_record}, {"counts", false, 2, 1, 1, std::nullopt}};
}

const char* const kStranded =
    "track_index\ttrack_name\toutput_type\tstrand\n"
    "0\tsig\tprofile\t+\n1\tsig\tprofile\t-\n2\tbias\tprofile\t.\n"
    "0\tsig\tcounts\t+\n1\tsig\tcounts\t-\n";

struct Planned {
  TrackPlan plan;
  nlohmann::json rc;
};

Planned pair(const std::vector<ModelHeadInfo>& h, const catalog::TrackCatalog& cat, std::vector<std::string> option,
             RcMode mode = RcMode::mean) {
  Planned p{plan_tracks(h, cat, {}), nullptr};
  p.rc = apply_strand_pairing(p.plan, cat, {mode == RcMode::none ? "none" : "mean", std::move(option)}, mode);
  return p;
}

std::vector<int64_t> partners(const Planned& p, size_t head) { return p.plan.heads[head].strands.partner; }

}  // namespace

TEST(StrandPairs, ParsesTheOption) {
  auto given = parse_strand_pairs({"profile:0-1,3-2", "counts:none"});
  ASSERT_EQ(given.size(), 2u);
  EXPECT_EQ(given["profile"], (engine::StrandPairs{{0, 1}, {3, 2}}));
  EXPECT_TRUE(given["counts"].empty());
  EXPECT_NE(error_of([] { parse_strand_pairs({"profile"}); }).find("not HEAD:PAIRS"), std::string::npos);
  EXPECT_NE(error_of([] { parse_strand_pairs({"profile:0"}); }).find("not PLUS-MINUS"), std::string::npos);
  EXPECT_NE(error_of([] { parse_strand_pairs({"profile:a-1"}); }).find("not a channel number"), std::string::npos);
  EXPECT_NE(error_of([] { parse_strand_pairs({"profile:1-1"}); }).find("with itself"), std::string::npos);
  EXPECT_NE(error_of([] { parse_strand_pairs({"p:0-1", "p:2-3"}); }).find("twice"), std::string::npos);
}

TEST(StrandPairs, CatalogStrandColumnPairsByTrackName) {
  auto cat = catalog::TrackCatalog::parse_tsv(kStranded, "t.tsv");
  auto p = pair(heads(), cat, {});
  EXPECT_EQ(partners(p, 0), (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(partners(p, 1), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(p.rc["heads"][0]["from"], "track catalog");
  EXPECT_EQ(p.rc["heads"][0]["strand_pairs"], nlohmann::json::parse("[[0, 1]]"));
}

TEST(StrandPairs, StrandPairColumnIsThePairingKey) {
  auto cat = catalog::TrackCatalog::parse_tsv(
      "track_index\ttrack_name\toutput_type\tstrand\tstrand_pair\n"
      "0\tsig plus\tprofile\t+\ts\n1\tsig minus\tprofile\t-\ts\n2\tbias\tprofile\t.\t\n"
      "0\tc\tcounts\t.\t\n1\td\tcounts\t.\t\n",
      "k.tsv");
  auto p = pair(heads(), cat, {});
  EXPECT_EQ(partners(p, 0), (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(partners(p, 1), (std::vector<int64_t>{0, 1}));
}

TEST(StrandPairs, UnmatchedStrandIsAnErrorNamingTheLine) {
  auto cat = catalog::TrackCatalog::parse_tsv(
      "track_index\ttrack_name\toutput_type\tstrand\n"
      "0\tsig plus\tprofile\t+\n1\tsig minus\tprofile\t-\n2\tbias\tprofile\t.\n0\tc\tcounts\t.\n1\td\tcounts\t.\n",
      "n.tsv");
  auto msg = error_of([&] { pair(heads(), cat, {}); });
  EXPECT_NE(msg.find("'profile/sig plus/+'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("n.tsv:2"), std::string::npos) << msg;
  auto twice = catalog::TrackCatalog::parse_tsv(
      "track_index\ttrack_name\toutput_type\tstrand\ttrack_id\n"
      "0\tsig\tprofile\t+\ta\n1\tsig\tprofile\t+\tb\n2\tsig\tprofile\t-\tc\n0\tc\tcounts\t.\td\n1\td\tcounts\t.\te\n",
      "t2.tsv");
  msg = error_of([&] { pair(heads(), twice, {}); });
  EXPECT_NE(msg.find("both on strand +"), std::string::npos) << msg;
}

TEST(StrandPairs, NoPairingForAMultiTrackProfileIsAnErrorNamingTheThreeWays) {
  auto h = heads();
  auto msg = error_of([&] { pair(h, default_catalog(h), {}); });
  for (const char* way : {"--strand-pairs", "strand column", "model file"})
    EXPECT_NE(msg.find(way), std::string::npos) << msg;
  EXPECT_NE(msg.find("'profile' (3 tracks)"), std::string::npos) << msg;
  // A catalog with a strand cell missing says nothing either.
  auto partial = catalog::TrackCatalog::parse_tsv(
      "track_index\ttrack_name\toutput_type\tstrand\n0\ta\tprofile\t+\n1\ta\tprofile\t-\n2\tb\tprofile\t\n"
      "0\tc\tcounts\t.\n1\td\tcounts\t.\n",
      "p.tsv");
  EXPECT_NE(error_of([&] { pair(h, partial, {}); }).find("--strand-pairs"), std::string::npos);
  // Without --rc nothing is asked.
  EXPECT_NO_THROW(pair(h, default_catalog(h), {}, RcMode::none));
}

TEST(StrandPairs, ModelRecordOptionAndConflicts) {
  auto h = heads(engine::StrandPairs{{0, 1}});
  auto p = pair(h, default_catalog(h), {});
  EXPECT_EQ(partners(p, 0), (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(p.rc["heads"][0]["from"], "model");
  // Scalar head without pairing: combined unswapped, and said so.
  EXPECT_EQ(partners(p, 1), (std::vector<int64_t>{0, 1}));
  EXPECT_NE(p.rc["heads"][1]["from"].get<std::string>().find("scalar"), std::string::npos);
  // The option overrides the model.
  p = pair(h, default_catalog(h), {"profile:1-2", "counts:0-1"});
  EXPECT_EQ(partners(p, 0), (std::vector<int64_t>{0, 2, 1}));
  EXPECT_EQ(partners(p, 1), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(p.rc["heads"][0]["from"], "--strand-pairs");
  // A catalog that contradicts the model is an error; one that agrees (in either order) is not.
  auto unstranded = catalog::TrackCatalog::parse_tsv(
      "track_index\ttrack_name\toutput_type\tstrand\n0\ta\tprofile\t.\n1\tb\tprofile\t.\n2\tc\tprofile\t.\n"
      "0\tc\tcounts\t.\n1\td\tcounts\t.\n",
      "u.tsv");
  EXPECT_NE(error_of([&] { pair(h, unstranded, {}); }).find("the model records 0-1"), std::string::npos);
  auto agrees = heads(engine::StrandPairs{{1, 0}});
  EXPECT_NO_THROW(pair(agrees, catalog::TrackCatalog::parse_tsv(kStranded, "t.tsv"), {}));
  // Option errors: a channel the head lacks, a channel twice, a head not written, no --rc.
  EXPECT_NE(error_of([&] { pair(h, default_catalog(h), {"profile:0-3"}); }).find("has 3 tracks"), std::string::npos);
  EXPECT_NE(error_of([&] { pair(h, default_catalog(h), {"profile:0-1,1-2"}); }).find("twice"), std::string::npos);
  EXPECT_NE(error_of([&] { pair(h, default_catalog(h), {"atac:0-1"}); }).find("heads: profile, counts"),
            std::string::npos);
  EXPECT_NE(error_of([&] { pair(h, default_catalog(h), {"profile:0-1"}, RcMode::none); }).find("goes with --rc"),
            std::string::npos);
}

TEST(StrandPairs, SingleTrackProfileNeedsNone) {
  std::vector<ModelHeadInfo> h{{"profile", true, 1, 10, 1, std::nullopt}};
  auto p = pair(h, default_catalog(h), {});
  EXPECT_EQ(p.rc["heads"][0]["from"], "single track");
}

TEST(StrandCombine, FlipsProfilesAndSwapsPartners) {
  // fwd[t][j] and rc[t][j] for 2 tracks x 3 bins; partner 0 <-> 1.
  const float fwd[] = {1, 2, 3, 10, 20, 30}, rc[] = {100, 200, 300, 1000, 2000, 3000};
  float out[6];
  combine_strands(fwd, rc, out, {2, 3, true, {1, 0}}, RcMode::mean);
  EXPECT_FLOAT_EQ(out[0], 0.5f * (1 + 3000));  // track 0 bin 0 <- track 1 bin 2
  EXPECT_FLOAT_EQ(out[5], 0.5f * (30 + 100));  // track 1 bin 2 <- track 0 bin 0
  combine_strands(fwd, rc, out, {2, 3, false, {1, 0}}, RcMode::max);
  EXPECT_FLOAT_EQ(out[0], 1000);               // scalar-style: not flipped
}

TEST(NEncoding, RecordedOptionAndUnknown) {
  engine::ModelGraph g;
  auto bases = [](const char* s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s), std::strlen(s));
  };
  auto none = n_encoding_of_model(std::nullopt, g);
  EXPECT_FALSE(none.value);
  EXPECT_NO_THROW(none.for_window(bases("ACGTACGT"), [] { return std::string("w"); }));
  try {
    none.for_window(bases("ACGNT"), [] { return std::string("'w7'"); });
    FAIL() << "an N with no value known must throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::usage);
    EXPECT_NE(std::string(e.what()).find("'w7'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("offset 3"), std::string::npos);
    EXPECT_NE(e.fix().find("--n-value 0"), std::string::npos);
  }
  g.n_value = 0.0;
  auto recorded = n_encoding_of_model(std::nullopt, g);
  EXPECT_EQ(recorded.value, 0.0f);
  EXPECT_EQ(recorded.source, "model file");
  EXPECT_EQ(recorded.for_window(bases("ANNA"), [] { return std::string(); }), 0.0f);
  auto given = n_encoding_of_model(0.25f, g);
  EXPECT_EQ(given.value, 0.25f);
  EXPECT_EQ(given.source, "--n-value");
  nlohmann::json meta;
  given.describe(meta);
  EXPECT_EQ(meta["n_value"], 0.25);
  EXPECT_EQ(meta["n_value_from"], "--n-value");
  none.describe(meta);
  EXPECT_TRUE(meta["n_value"].is_null());
}

TEST(NEncoding, ExecDeclarationMustMatchTheRequest) {
  EXPECT_EQ(n_encoding_of_exec(std::nullopt, 0.0f, "cmd").source, "--exec model");
  EXPECT_EQ(n_encoding_of_exec(0.25f, 0.25f, "cmd").source, "--n-value");
  EXPECT_FALSE(n_encoding_of_exec(0.25f, std::nullopt, "cmd").value);  // did not confirm: unknown
  EXPECT_NE(error_of([] { n_encoding_of_exec(0.25f, 0.0f, "cmd"); }).find("encoded N as 0"), std::string::npos);
}

TEST(ModelFile, StrandPairsAndNValueRoundTrip) {
  auto arch = nlohmann::json::parse(R"({
    "name": "m", "input": {"length": 8, "channels": 4, "n_value": 0.25},
    "layers": [{"name": "x", "op": "input", "inputs": []},
               {"name": "c", "op": "conv1d", "inputs": ["x"], "filters": 2, "kernel": 1,
                "weights": {"kernel": [1, 4, 2]}}],
    "outputs": [{"name": "profile", "node": "c", "kind": "profile", "strand_pairs": [[1, 0]]}]})");
  auto g = engine::architecture_from_json(arch, "m.json");
  g.nodes[1].weights["kernel"].data.assign(8, 0.0f);
  g.infer_shapes();
  ASSERT_TRUE(g.n_value);
  EXPECT_EQ(*g.n_value, 0.25);
  EXPECT_EQ(g.heads[0].strand_pairs, (engine::StrandPairs{{1, 0}}));
  auto back = engine::architecture_to_json(g);
  EXPECT_EQ(back["input"]["n_value"], 0.25);
  EXPECT_EQ(back["outputs"][0]["strand_pairs"], nlohmann::json::parse("[[1, 0]]"));
  // Absent fields stay absent: an old file says nothing.
  arch["input"].erase("n_value");
  arch["outputs"][0].erase("strand_pairs");
  auto old = engine::architecture_from_json(arch, "old.json");
  EXPECT_FALSE(old.n_value);
  EXPECT_FALSE(old.heads[0].strand_pairs);
  EXPECT_FALSE(engine::architecture_to_json(old)["input"].contains("n_value"));
  // Channels out of range or paired twice are refused.
  EXPECT_NE(error_of([] { engine::check_strand_pairs({{0, 2}}, 2, "h"); }).find("names channel 2"), std::string::npos);
  EXPECT_NE(error_of([] { engine::check_strand_pairs({{0, 1}, {1, 0}}, 2, "h"); }).find("more than one"),
            std::string::npos);
  arch["outputs"][0]["strand_pairs"] = nlohmann::json::parse("[[0, 1, 2]]");
  EXPECT_NE(error_of([&] { engine::architecture_from_json(arch, "bad.json"); }).find("not a [+, -] pair"),
            std::string::npos);
}

TEST(Ensemble, MembersShareOneNValueAndOneStrandPairing) {
  auto member = [](const std::string& path, std::optional<double> n_value, std::optional<engine::StrandPairs> pairs) {
    engine::ModelGraph g;
    g.name = path;
    g.input_length = 8;
    engine::Node in;
    in.name = "x";
    engine::Node conv;
    conv.name = "c";
    conv.op = engine::Op::conv1d;
    conv.inputs = {0};
    conv.filters = 2;
    conv.weights["kernel"] = {{1, 4, 2}, std::vector<float>(8, 0.0f)};
    g.nodes = {in, conv};
    g.heads = {{"profile", 1, engine::HeadKind::profile, 1, pairs}};
    g.n_value = n_value;
    g.infer_shapes();
    return StageModel{path, std::move(g)};
  };
  std::vector<StageModel> same{member("a", 0.0, {}), member("b", std::nullopt, {})};
  auto n = n_encoding_of_models(std::nullopt, same);
  EXPECT_EQ(n.value, 0.0f);  // a member that records nothing says nothing
  std::vector<StageModel> differ{member("a", 0.0, {}), member("b", 0.25, {})};
  auto msg = error_of([&] { n_encoding_of_models(std::nullopt, differ); });
  EXPECT_NE(msg.find("different N values: a 0, b 0.25"), std::string::npos) << msg;
  EXPECT_EQ(n_encoding_of_models(0.25f, differ).value, 0.25f);  // --n-value settles it
  std::vector<StageModel> strands{member("a", 0.0, engine::StrandPairs{{0, 1}}),
                                  member("b", 0.0, engine::StrandPairs{})};
  msg = error_of([&] { check_members_agree(strands); });
  EXPECT_NE(msg.find("strand pairs [[0,1]]"), std::string::npos) << msg;
}
