#include "s2f/hdf5_matrix.hpp"

#include <algorithm>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/hdf5/h5.hpp"

namespace s2f {

struct Hdf5MatrixWriter::Impl {
  h5::File file;
  h5::Dataset data;
  size_t columns = 0;
  std::vector<float> pending;  // rows buffered into one write per chunk

  void flush() {
    data.append<float>(pending);
    pending.clear();
  }
};

Hdf5MatrixWriter::Hdf5MatrixWriter(const std::string& path, size_t columns, const std::string& dataset)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.columns = std::max<size_t>(columns, 1);
  m.file = h5::File::create(path);
  m.data = m.file.create_growing(dataset, h5::Type::f32, {m.columns}, std::max<uint64_t>(1, (1u << 18) / m.columns));
}

Hdf5MatrixWriter::~Hdf5MatrixWriter() = default;

void Hdf5MatrixWriter::add_row(std::span<const float> row) {
  auto& m = *impl_;
  if (row.size() != m.columns) fail(Exit::internal, "HDF5 matrix row of the wrong width");
  m.pending.insert(m.pending.end(), row.begin(), row.end());
  if (m.pending.size() >= (1u << 18)) m.flush();
}

void Hdf5MatrixWriter::finish() {
  auto& m = *impl_;
  m.flush();
  m.data.close();
  m.file.commit();
}

}  // namespace s2f
