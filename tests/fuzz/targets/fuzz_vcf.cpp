// libFuzzer target: the VCF/BCF variant reader (genome/vcf.hpp), stopping at
// the first bad line and, again, skipping bad lines into a side log.
#include "../fuzz_support.hpp"
#include "s2f/genome/vcf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.vcf");
  for (int pass = 0; pass < 3; ++pass) {
    const bool skip = pass > 0;
    const int strand_column = pass == 2 ? 8 : 0;
    fuzz::expect_clean(
        [&] {
          SkipLog log;
          genome::BadLines bad(&log, skip);
          genome::VcfReader reader(path, strand_column, bad, log);
          genome::Variant v;
          while (reader.next(v)) {
            if (v.pos < 0 || v.ref.empty() || v.alt.empty()) fuzz::finding("variant out of shape", v.where);
          }
        },
        /*usage_ok=*/strand_column != 0);  // --strand-column is refused for BCF
  }
  return 0;
}
