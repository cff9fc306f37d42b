// The BED and narrowPeak targets differ only in the flavour read.
#pragma once
#include "../fuzz_support.hpp"
#include "s2f/genome/bed.hpp"

namespace s2f::fuzz {

inline void read_bed(const uint8_t* data, size_t size, genome::BedFlavor flavor, const char* name) {
  const std::string path = write_input(data, size, name);
  for (int pass = 0; pass < 2; ++pass) {
    expect_clean([&] {
      SkipLog log;
      genome::BadLines bad(&log, pass == 1);
      genome::BedReader reader(path, flavor, /*strand_column=*/6, bad);
      genome::BedRecord rec;
      while (reader.next(rec)) {
        if (rec.start < 0 || rec.end < rec.start) finding("record with start < 0 or end < start", reader.where());
        if (rec.summit != -1 && (rec.summit < 0 || rec.start + rec.summit >= rec.end))
          finding("summit outside its peak", reader.where());
        if (rec.strand != '+' && rec.strand != '-' && rec.strand != '.') finding("strand not +/-/.", reader.where());
      }
    });
  }
}

}  // namespace s2f::fuzz
