// A float32 matrix written to HDF5 one row at a time (dataset `data`, rows
// x columns, chunked and growing), the layout Selene's HDF5 outputs use.
// The file appears under its name only after finish().
#pragma once
#include <memory>
#include <span>
#include <string>

namespace s2f {

class Hdf5MatrixWriter {
 public:
  Hdf5MatrixWriter(const std::string& path, size_t columns, const std::string& dataset = "data");
  ~Hdf5MatrixWriter();
  void add_row(std::span<const float> row);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s2f
