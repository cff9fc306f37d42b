// libFuzzer target: s2f model files (engine load_model, which also takes a
// Keras .h5): format attributes, architecture JSON, weights, shape checks.
#include "../fuzz_support.hpp"
#include "s2f/engine/model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.s2fm");
  fuzz::expect_clean([&] { (void)engine::load_model(path); });
  return 0;
}
