// Every layer type against a PyTorch or numpy reference (fixtures from
// tests/engine/layer_cases.py): dilation, stride, same padding with even
// kernels (PyTorch and Keras), causal padding, cropping, BatchNorm folding,
// pooling, activations, a DAG with Add/Concatenate, and a Basset-like
// classifier exported from PyTorch; a free-length Keras Input built at a
// given length. Each kernel build is checked.
#include <cstdlib>

#include "s2f/error.hpp"
#include "test_engine_support.hpp"

using namespace s2f::engine;
using namespace s2f::engine::testing;

namespace {

std::string layer_fixtures() {
  static std::string dir = have_python() ? fixtures("layer_cases.py") : "";
  return dir;
}

void expect_case(const std::string& name, double tolerance = 2e-5) {
  if (!have_python()) GTEST_SKIP() << "skipped: /usr/bin/python3 with torch, h5py and numpy is not installed";
  const std::string dir = layer_fixtures();
  ASSERT_FALSE(dir.empty());
  for (const char* isa : {"avx512", "avx2", "generic"}) {
    setenv("S2F_ENGINE_ISA", isa, 1);
    auto r = run_case(dir, name);
    ASSERT_FALSE(r.names.empty());
    for (size_t h = 0; h < r.names.size(); ++h)
      EXPECT_LE(r.errors[h].max_rel, tolerance) << name << " head " << r.names[h] << " kernels " << isa;
  }
  unsetenv("S2F_ENGINE_ISA");
}

}  // namespace

TEST(EngineLayers, Conv1dDilationStrideSamePaddingEvenKernels) { expect_case("conv"); }
TEST(EngineLayers, BatchNormFoldedAndUnfolded) { expect_case("batchnorm"); }
TEST(EngineLayers, Activations) { expect_case("activations"); }
TEST(EngineLayers, PoolingAndGlobalPooling) { expect_case("pools"); }
TEST(EngineLayers, CropAddConcatFlattenDenseGraph) { expect_case("dag"); }
TEST(EngineLayers, BassetLikeExportedFromPytorch) { expect_case("basset"); }
TEST(EngineLayers, KerasSamePaddingCausalCroppingBatchNormPools) { expect_case("keras_layers"); }

TEST(EngineLayers, BatchNormIsFoldedIntoConv) {
  if (!have_python()) GTEST_SKIP() << "skipped: python3-torch is not installed";
  const std::string dir = layer_fixtures();
  ASSERT_FALSE(dir.empty());
  CompiledModel m(load_model(dir + "/batchnorm.s2fm"));
  int folded = 0, kept = 0;
  for (const auto& n : m.nodes())
    if (n.node.op == Op::batchnorm) (n.storage == Storage::alias ? folded : kept)++;
  EXPECT_EQ(folded, 1);  // c1 -> b1 -> relu
  EXPECT_EQ(kept, 2);    // after a ReLU; on a conv output also read elsewhere
}

TEST(EngineLayers, UnsupportedKerasLayerNamesLayerAndClass) {
  if (!have_python()) GTEST_SKIP() << "skipped: python3-torch is not installed";
  const std::string dir = layer_fixtures();
  ASSERT_FALSE(dir.empty());
  try {
    load_model(dir + "/keras_unsupported.h5");
    FAIL() << "an LSTM layer must be rejected";
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("my_lstm"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("LSTM"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), s2f::Exit::bad_input);
  }
}

TEST(EngineLayers, OtherKerasLambdaIsRejected) {
  if (!have_python()) GTEST_SKIP() << "skipped: python3-torch is not installed";
  const std::string dir = layer_fixtures();
  ASSERT_FALSE(dir.empty());
  try {
    load_model(dir + "/keras_lambda.h5");
    FAIL() << "a Lambda other than reduce_logsumexp must be rejected";
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("times_two"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Lambda"), std::string::npos) << e.what();
  }
}

TEST(EngineLayers, SaveAndReloadKeepsOutputsAndHash) {
  if (!have_python()) GTEST_SKIP() << "skipped: python3-torch is not installed";
  const std::string dir = layer_fixtures();
  ASSERT_FALSE(dir.empty());
  // Keras .h5 -> s2f model file -> same outputs; re-saving gives the same hash.
  const std::string saved = dir + "/keras_layers.resaved." + std::to_string(::getpid()) + ".s2fm";
  ModelGraph g = load_model(dir + "/keras_layers.h5");
  save_model(g, saved);
  ModelGraph again = load_model(saved);
  EXPECT_EQ(again.metadata["source_format"], "s2f");
  auto r = run_case(dir, "keras_layers", saved);
  for (size_t h = 0; h < r.names.size(); ++h) EXPECT_LE(r.errors[h].max_rel, 2e-5) << r.names[h];
  const std::string saved2 = saved + "2";
  save_model(again, saved2);
  EXPECT_EQ(load_model(saved2).metadata["content_hash"], again.metadata["content_hash"]);
  std::remove(saved.c_str());
  std::remove(saved2.c_str());
}

// The full ChromBPNet layout: a nested Keras bias model whose inner layers
// reuse the outer layers' names, profiles added, counts combined with
// Lambda(reduce_logsumexp).
TEST(EngineLayers, KerasNestedModelAndLogSumExpLambda) { expect_case("keras_chrombpnet"); }
TEST(EngineLayers, KerasFreeLengthInputAtTheGivenLength) { expect_case("keras_free"); }

TEST(EngineLayers, KerasFreeLengthNeedsALengthAndFitsIt) {
  if (!have_python()) GTEST_SKIP() << "skipped: /usr/bin/python3 with torch, h5py and numpy is not installed";
  const std::string path = layer_fixtures() + "/keras_free.h5";
  EXPECT_EQ(declared_input_length({path, "", 0}), 0);
  EXPECT_EQ(declared_input_length({layer_fixtures() + "/keras_layers.h5", "", 0}), 64);
  try {
    load_model(path);
    FAIL() << "a free-length model loaded without a length";
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("input length is free"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--input-length"), std::string::npos) << e.what();
  }
  const ModelGraph g = load_model({path, "", 200});
  EXPECT_EQ(g.input_length, 200);
  EXPECT_TRUE(g.metadata.value("input_length_free", false));
  try {
    load_model({path, "", 4});  // the crop (2 + 3) leaves nothing
    FAIL() << "a length the model cannot take was accepted";
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot run at 4 bp"), std::string::npos) << e.what();
  }
  try {
    load_model({layer_fixtures() + "/keras_layers.h5", "", 65});
    FAIL() << "--input-length other than a fixed model's length was accepted";
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("takes 64-bp inputs, not 65"), std::string::npos) << e.what();
  }
}
