// libFuzzer target: Keras 2.x .h5 models read directly (engine import_keras).
#include "../fuzz_support.hpp"
#include "s2f/engine/model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.h5");
  fuzz::expect_clean([&] { (void)engine::import_keras(engine::ModelSource{path, "", 0}); });
  return 0;
}
