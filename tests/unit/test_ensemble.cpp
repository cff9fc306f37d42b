// Ensembles (predict/ensemble_members.hpp, ensemble_predictor.hpp): the mean
// is summed in double in member order, one member passes through bit for
// bit, fold directories list their models in name order (digit runs as
// numbers) and refuse mixed forms or none, and disagreeing members name
// both models. The tools are tested against numpy in tests/predict/test_ensemble.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/ensemble_predictor.hpp"

using namespace s2f;
namespace fs = std::filesystem;

namespace {

engine::HeadOutput head(std::vector<float> values) {
  engine::HeadOutput h;
  h.name = "counts";
  h.tracks = 1;
  h.bins = static_cast<int64_t>(values.size());
  h.values = std::move(values);
  return h;
}

const std::string demo_path = std::string(S2F_SOURCE_DIR) + "/pipelines/demo/model/demo.s2fm";

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("s2f-ensemble-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void touch(const std::string& name) const { std::ofstream(path / name) << "x"; }
};

}  // namespace

TEST(HeadMean, SumsInDoubleInMemberOrder) {
  // In float, 1e8 + 1 - 1e8 is 0; in double it is 1.
  predict::HeadMean mean;
  mean.add({head({1e8f, 2.0f})});
  mean.add({head({1.0f, 4.0f})});
  mean.add({head({-1e8f, 6.0f})});
  std::vector<engine::HeadOutput> out = {head({0, 0})};
  mean.finish(out);
  EXPECT_EQ(out[0].values[0], static_cast<float>(1.0 / 3.0));
  EXPECT_EQ(out[0].values[1], 4.0f);
  // The sums restart after finish().
  mean.add({head({5.0f, 7.0f})});
  mean.finish(out);
  EXPECT_EQ(out[0].values[0], 5.0f);
  EXPECT_EQ(out[0].values[1], 7.0f);
}

TEST(EnsemblePredictor, OneMemberAndTwoCopiesEqualTheModel) {
  auto graph = engine::load_model(demo_path);
  const int64_t L = graph.input_length;
  std::vector<float> x(static_cast<size_t>(3 * L * 4), 0.0f);
  std::mt19937 rng(3);
  for (int64_t i = 0; i < 3 * L; ++i) x[static_cast<size_t>(i * 4 + rng() % 4)] = 1.0f;
  engine::Predictor model(std::make_shared<engine::CompiledModel>(graph));
  auto direct = model.predict(x.data(), 3);
  predict::EnsemblePredictor one(std::vector<predict::StageModel>{{"demo", graph}});
  predict::EnsemblePredictor two(std::vector<predict::StageModel>{{"a", graph}, {"b", graph}});
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(two.size(), 2u);
  std::vector<engine::HeadOutput> a, b;
  one.predict(x.data(), 3, a);
  two.predict(x.data(), 3, b);
  ASSERT_EQ(a.size(), direct.size());
  for (size_t h = 0; h < direct.size(); ++h) {
    EXPECT_EQ(a[h].values, direct[h].values);  // passed through
    EXPECT_EQ(b[h].values, direct[h].values);  // (x + x) / 2 = x exactly
  }
}

TEST(EnsembleMembers, FoldDirectoryInNameOrderDigitsAsNumbers) {
  TempDir d;
  for (const auto* n : {"fold_10.h5", "fold_2.h5", "fold_0.h5", "README.md", "tracks.tsv"}) d.touch(n);
  fs::create_directory(d.path / "logs");
  auto paths = predict::ensemble_member_paths({"demo", d.path.string(), "x.s2fm"});
  std::vector<std::string> names;
  for (const auto& p : paths) names.push_back(fs::path(p).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"demo", "fold_0.h5", "fold_2.h5", "fold_10.h5", "x.s2fm"}));
}

TEST(EnsembleMembers, MixedFormsOrNoModelRefused) {
  TempDir mixed;
  mixed.touch("fold_0.h5");
  mixed.touch("fold_1.s2fm");
  try {
    predict::ensemble_member_paths({mixed.path.string()});
    FAIL() << "a directory of two forms was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(e.what_part().find("two forms"), std::string::npos) << e.what_part();
  }
  TempDir empty;
  empty.touch("notes.txt");
  try {
    predict::ensemble_member_paths({empty.path.string()});
    FAIL() << "a directory without a model was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_EQ(e.where(), empty.path.string());
  }
}

TEST(EnsembleMembers, DisagreeingHeadsNameBothModels) {
  auto graph = engine::load_model(demo_path);
  auto renamed = graph;
  renamed.heads.back().name = "total";
  std::vector<predict::StageModel> members;
  members.push_back({"fold_0.s2fm", graph});
  members.push_back({"fold_1.s2fm", graph});
  EXPECT_NO_THROW(predict::check_members_agree(members));
  members.push_back({"other.s2fm", renamed});
  try {
    predict::check_members_agree(members);
    FAIL() << "members with different heads were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(e.what_part().find("fold_0.s2fm has head 'counts'"), std::string::npos) << e.what_part();
    EXPECT_NE(e.what_part().find("other.s2fm has head 'total'"), std::string::npos) << e.what_part();
  }
}

TEST(EnsembleMembers, DifferentEmbeddedCatalogsRefused) {
  auto graph = engine::load_model(demo_path);
  ASSERT_TRUE(graph.metadata.contains("tracks"));
  auto relabelled = graph;
  relabelled.metadata["tracks"] = nlohmann::json::array();
  std::vector<predict::StageModel> members;
  members.push_back({"fold_0.s2fm", graph});
  members.push_back({"fold_1.s2fm", relabelled});
  try {
    predict::check_members_agree(members);
    FAIL() << "members with different catalogs were accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.what_part().find("track catalog"), std::string::npos) << e.what_part();
  }
  auto without = graph;
  without.metadata.erase("tracks");  // a member without a catalog takes the first one's
  members.back() = {"fold_1.s2fm", without};
  EXPECT_NO_THROW(predict::check_members_agree(members));
}
