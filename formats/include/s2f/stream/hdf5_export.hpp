// Streams any s2f stream into an HDF5 file, one dataset per field, growing
// along the record axis frame by frame so memory stays flat (layout in
// formats/HDF5.md). The file appears under its name only when finish()
// succeeds.
#pragma once
#include <memory>
#include <string>

#include "s2f/stream/stream.hpp"

namespace s2f::stream {

class Hdf5Export {
 public:
  Hdf5Export(const std::string& path, const Header& header);
  ~Hdf5Export();
  void append(const Batch& batch);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s2f::stream
