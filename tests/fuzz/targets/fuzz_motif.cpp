// libFuzzer target: MEME and JASPAR motif files (marginalize/motif.hpp), and
// the same bytes as an IUPAC motif.
#include <cmath>
#include <string>

#include "../fuzz_support.hpp"
#include "s2f/marginalize/motif.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.meme");
  fuzz::expect_clean([&] {
    for (const auto& m : marginalize::read_motif_file(path)) {
      if (m.columns.empty()) fuzz::finding("motif without columns", m.name);
      for (const auto& col : m.columns) {
        double sum = 0;
        for (double p : col) {
          if (!(p >= 0) || !std::isfinite(p)) fuzz::finding("motif probability not finite and >= 0", m.name);
          sum += p;
        }
        if (std::fabs(sum - 1) > 1e-6) fuzz::finding("motif column does not sum to 1", m.name);
      }
      (void)marginalize::consensus(m);
    }
  });
  if (size < 4096) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    // The IUPAC text comes from --motif: a usage error is right for it.
    fuzz::expect_clean([&] { (void)marginalize::parse_iupac(text); }, /*usage_ok=*/true);
    fuzz::expect_clean([&] { (void)marginalize::parse_iupac(text, marginalize::MotifLetters::iupac); }, /*usage_ok=*/true);
  }
  return 0;
}
