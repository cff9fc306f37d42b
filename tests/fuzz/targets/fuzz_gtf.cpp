// libFuzzer target: GTF/GFF3 gene annotation (genome/annotation.hpp).
#include "../fuzz_support.hpp"
#include "s2f/genome/annotation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace s2f;
  const std::string path = fuzz::write_input(data, size, "in.gtf");
  for (int pass = 0; pass < 2; ++pass) {
    fuzz::expect_clean([&] {
      SkipLog log;
      genome::BadLines bad(&log, pass == 1);
      genome::Annotation a = genome::read_annotation(path, bad);
      for (const auto* set : {&a.genes, &a.transcripts, &a.exons})
        for (const auto& f : *set)
          if (f.start < 0 || f.end <= f.start) fuzz::finding("feature with start < 0 or end <= start", f.id);
    });
  }
  return 0;
}
