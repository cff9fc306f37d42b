// libFuzzer target: the bigWig reader (s2f/tracks/bigwig_reader.hpp): our
// checks of the header, zoom headers, chromosome tree and index header, then
// libBigWig reading values of every chromosome.
#include <cmath>
#include <vector>

#include "../fuzz_support.hpp"
#include "s2f/tracks/bigwig_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.bw");
  fuzz::expect_clean([&] {
    auto reader = tracks::BigWigReader::open(path);
    const auto& chroms = reader->chromosomes();
    std::vector<float> values;
    for (size_t c = 0; c < chroms.size() && c < 8; ++c) {
      if (chroms[c].length < 1) fuzz::finding("a chromosome of length < 1", chroms[c].name);
      const int64_t end = std::min<int64_t>(chroms[c].length, 4096);
      values.assign(static_cast<size_t>(end), 0.0f);
      fuzz::expect_clean([&] { reader->values(static_cast<int>(c), 0, end, values.data()); });
      const int64_t tail = std::max<int64_t>(0, chroms[c].length - 64);
      fuzz::expect_clean([&] { reader->values(static_cast<int>(c), tail, chroms[c].length, values.data()); });
    }
  });
  return 0;
}
