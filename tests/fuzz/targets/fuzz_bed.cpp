// libFuzzer target: the BED reader (genome/bed.hpp), strand in column 6.
#include "bed_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  s2f::fuzz::read_bed(data, size, s2f::genome::BedFlavor::bed, "in.bed");
  return 0;
}
