// libFuzzer target: the narrowPeak reader (genome/bed.hpp, summit in column 10).
#include "bed_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  s2f::fuzz::read_bed(data, size, s2f::genome::BedFlavor::narrowpeak, "in.narrowPeak");
  return 0;
}
