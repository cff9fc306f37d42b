// libFuzzer target: TF-MoDISco .h5 motif files (hits/motif_set.hpp), as CWMs
// and as hypothetical CWMs.
#include <cmath>

#include "../fuzz_support.hpp"
#include "s2f/hits/motif_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.h5");
  for (auto kind : {hits::MotifKind::cwm, hits::MotifKind::hypothetical_cwm}) {
    fuzz::expect_clean([&] {
      hits::ModiscoOptions options;
      options.kind = kind;
      hits::MotifSet set = hits::load_modisco_motifs(path, options);
      for (size_t m = 0; m < set.size(); ++m) {
        for (int b = 0; b < 4; ++b)
          for (int w = 0; w < set.width(); ++w)
            if (!std::isfinite(set.value(m, b, w))) fuzz::finding("motif value not finite", "");
        (void)hits::consensus(set, m);
      }
    });
  }
  return 0;
}
