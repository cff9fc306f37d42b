// libFuzzer target: the .npz reader (formats/npz.hpp): the zip directory,
// then every array through each typed accessor.
#include "../fuzz_support.hpp"
#include "s2f/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.npz");
  fuzz::expect_clean([&] {
    npz::NpzReader reader(path);
    for (const auto& name : reader.names()) {
      if (!reader.contains(name)) fuzz::finding("a listed array is not contained", name);
      fuzz::expect_clean([&] {
        npz::NpyArray a = reader.load(name);
        if (a.data.size() != a.elements() * a.itemsize()) fuzz::finding("array data size disagrees with its shape", name);
        fuzz::expect_clean([&] { (void)a.as_f32(name); });
        fuzz::expect_clean([&] { (void)a.as_i64(name); });
        fuzz::expect_clean([&] { (void)a.as_bool(name); });
        fuzz::expect_clean([&] { (void)a.as_strings(name); });
      });
    }
  });
  // The same bytes as one .npy file.
  if (size < (1 << 20)) {
    std::vector<uint8_t> bytes(data, data + size);
    fuzz::expect_clean([&] { (void)npz::parse_npy(bytes, "fuzz.npy"); });
  }
  return 0;
}
