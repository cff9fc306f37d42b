// Parity of the engine with the frameworks the real models were trained in:
// the bpnet-lite BPNet against a PyTorch reference, the ChromBPNet bias model
// (Keras .h5 read directly) against an independent numpy forward pass, both
// on real hg38 chr22 windows. Skips when ../shared/data is absent.
#include <cstdlib>
#include <vector>

#include "s2f/predict/one_hot.hpp"
#include "test_engine_support.hpp"

using namespace s2f::engine;
using namespace s2f::engine::testing;

namespace {

void require_data(const std::string& sub) {
  if (!have_shared(sub)) GTEST_SKIP() << "skipped: " << shared_data() << "/" << sub << " is absent";
  if (!have_python()) GTEST_SKIP() << "skipped: /usr/bin/python3 with torch, h5py and numpy is not installed";
}

}  // namespace

TEST(EngineParity, BpnetLiteMatchesPytorchOnChr22) {
  require_data("models/bpnet-lite");
  require_data("genome/hg38-chr22-excerpt");
  const std::string dir = fixtures("bpnet_reference.py", "8");
  ASSERT_FALSE(dir.empty());
#ifdef NDEBUG
  const std::vector<const char*> isas{"avx512", "avx2", "generic"};
#else
  // Debug/sanitizer builds: the layer tests cover every kernel build; here
  // the best one keeps the run short.
  const std::vector<const char*> isas{"avx512"};
#endif
  for (const char* isa : isas) {
    setenv("S2F_ENGINE_ISA", isa, 1);
    auto r = run_case(dir, "bpnet");
    ASSERT_EQ(r.names.size(), 2u);
    EXPECT_LE(r.errors[0].max_rel, 1e-4) << "profile logits, kernels " << isa;
    EXPECT_LE(r.errors[1].max_abs, 1e-5) << "counts, kernels " << isa;
    std::printf("bpnet-lite [%s]: profile max rel %.3g, counts max abs %.3g\n", isa, r.errors[0].max_rel,
                r.errors[1].max_abs);
  }
  unsetenv("S2F_ENGINE_ISA");
}

TEST(EngineParity, ChromBpnetBiasKerasMatchesNumpyOnChr22) {
  require_data("models/chrombpnet-bias/GM12878.bias_model_scaled.h5");
  require_data("genome/hg38-chr22-excerpt");
  const std::string dir = fixtures("keras_reference.py", "6");
  ASSERT_FALSE(dir.empty());
  auto r = run_case(dir, "chrombpnet_bias");
  ASSERT_EQ(r.names.size(), 2u);
  EXPECT_LE(r.errors[0].max_rel, 1e-4) << "profile logits";
  EXPECT_LE(r.errors[1].max_abs, 1e-5) << "log counts";
  std::printf("chrombpnet bias: profile max rel %.3g, counts max abs %.3g\n", r.errors[0].max_rel, r.errors[1].max_abs);
}

TEST(EngineParity, BpnetLiteOneHotFromSequenceText) {
  require_data("models/bpnet-lite");
  require_data("genome/hg38-chr22-excerpt");
  const std::string dir = fixtures("bpnet_reference.py", "8");
  ASSERT_FALSE(dir.empty());
  // s2f's one-hot encoder (N as an all-zero row) gives the inputs the reference used.
  std::ifstream in(dir + "/bpnet.windows.txt");
  std::string seq;
  const auto x = read_f32(dir + "/bpnet.input.f32");
  std::vector<float> mine(2114 * 4);
  for (size_t b = 0; std::getline(in, seq); ++b) {
    ASSERT_EQ(seq.size(), 2114u);
    s2f::predict::one_hot({reinterpret_cast<const uint8_t*>(seq.data()), seq.size()}, 0.0f, mine.data());
    for (size_t i = 0; i < mine.size(); ++i) ASSERT_EQ(mine[i], x[b * mine.size() + i]) << "window " << b;
  }
}

TEST(EngineParity, BpnetLiteMatchesPytorchOnChr20) {
  require_data("models/bpnet-lite");
  if (!std::filesystem::exists("/usr/share/doc/vt/examples/ref/20.fa.gz"))
    GTEST_SKIP() << "skipped: chr20 needs Debian's vt-examples (apt-get install vt-examples)";
  const std::string dir = fixtures("bpnet_reference.py", "6 chr20");
  ASSERT_FALSE(dir.empty());
  auto r = run_case(dir, "bpnet");
  ASSERT_EQ(r.names.size(), 2u);
  EXPECT_LE(r.errors[0].max_rel, 1e-4) << "profile logits";
  EXPECT_LE(r.errors[1].max_abs, 1e-5) << "counts";
  std::printf("bpnet-lite chr20: profile max rel %.3g, counts max abs %.3g\n", r.errors[0].max_rel, r.errors[1].max_abs);
}
