#include "s2f/hdf5_matrix.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/io.hpp"

namespace s2f {

struct Hdf5MatrixWriter::Impl {
  std::string path, temp;
  hid_t file = -1, dset = -1;
  size_t columns = 0;
  hsize_t rows = 0;
  std::vector<float> pending;  // rows buffered into one write per chunk
  int slot = -1;
  bool done = false;

  void flush() {
    if (pending.empty()) return;
    hsize_t n = pending.size() / columns;
    hsize_t dims[2] = {rows + n, columns}, start[2] = {rows, 0}, count[2] = {n, columns};
    if (H5Dset_extent(dset, dims) < 0) fail_io("HDF5 error while extending 'data'", path);
    hid_t fspace = H5Dget_space(dset);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr);
    hid_t mspace = H5Screate_simple(2, count, nullptr);
    herr_t r = H5Dwrite(dset, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, pending.data());
    H5Sclose(mspace);
    H5Sclose(fspace);
    if (r < 0) fail_io("HDF5 error while writing rows", path, "check disk space");
    rows += n;
    pending.clear();
  }
};

Hdf5MatrixWriter::Hdf5MatrixWriter(const std::string& path, size_t columns, const std::string& dataset)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.path = path;
  m.columns = std::max<size_t>(columns, 1);
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  m.temp = dir + "." + base + ".tmp." + std::to_string(::getpid());
  m.slot = register_temp_file(m.temp);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  m.file = H5Fcreate(m.temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (m.file < 0) fail_io("cannot create HDF5 file", path, "check that the directory exists and is writable");
  hsize_t dims[2] = {0, m.columns}, maxd[2] = {H5S_UNLIMITED, m.columns};
  hsize_t chunk[2] = {std::max<hsize_t>(1, (1u << 18) / m.columns), m.columns};
  hid_t space = H5Screate_simple(2, dims, maxd);
  hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(plist, 2, chunk);
  m.dset = H5Dcreate2(m.file, dataset.c_str(), H5T_NATIVE_FLOAT, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Pclose(plist);
  H5Sclose(space);
  if (m.dset < 0) fail_io("cannot create HDF5 dataset '" + dataset + "'", path);
}

Hdf5MatrixWriter::~Hdf5MatrixWriter() {
  auto& m = *impl_;
  if (m.dset >= 0) H5Dclose(m.dset);
  if (m.file >= 0) H5Fclose(m.file);
  if (!m.done) std::remove(m.temp.c_str());
  unregister_temp_file(m.slot);
}

void Hdf5MatrixWriter::add_row(std::span<const float> row) {
  auto& m = *impl_;
  if (row.size() != m.columns) fail(Exit::internal, "HDF5 matrix row of the wrong width");
  m.pending.insert(m.pending.end(), row.begin(), row.end());
  if (m.pending.size() >= (1u << 18)) m.flush();
}

void Hdf5MatrixWriter::finish() {
  auto& m = *impl_;
  m.flush();
  H5Dclose(m.dset);
  m.dset = -1;
  if (H5Fclose(m.file) < 0) {
    m.file = -1;
    fail_io("closing HDF5 file failed", m.path);
  }
  m.file = -1;
  if (std::rename(m.temp.c_str(), m.path.c_str()) != 0) fail_io("cannot rename HDF5 output into place", m.path);
  m.done = true;
}

}  // namespace s2f
