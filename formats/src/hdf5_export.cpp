#include "s2f/stream/hdf5_export.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/io.hpp"

namespace s2f::stream {

namespace {

hid_t native_type(DType t) {
  switch (t) {
    case DType::u8: return H5T_NATIVE_UINT8;
    case DType::i8: return H5T_NATIVE_INT8;
    case DType::u16: return H5T_NATIVE_UINT16;
    case DType::i16: return H5T_NATIVE_INT16;
    case DType::u32: return H5T_NATIVE_UINT32;
    case DType::i32: return H5T_NATIVE_INT32;
    case DType::u64: return H5T_NATIVE_UINT64;
    case DType::i64: return H5T_NATIVE_INT64;
    case DType::f16:  // widened: HDF5 1.10 has no native half type
    case DType::f32: return H5T_NATIVE_FLOAT;
    case DType::f64: return H5T_NATIVE_DOUBLE;
    case DType::str: break;
  }
  return -1;
}

void check(herr_t r, const std::string& what, const std::string& path) {
  if (r < 0) fail_io("HDF5 error while " + what, path, "check disk space and permissions");
}

void set_string_attribute(hid_t obj, const char* name, const std::string& value, const std::string& path) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = value.c_str();
  check(attr < 0 ? -1 : H5Awrite(attr, type, &p), std::string("writing attribute ") + name, path);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

// One extendible dataset of rank 1 + len(shape) along the record axis.
struct Column {
  hid_t dset = -1, type = -1;
  std::vector<hsize_t> inner;  // per-record shape
  hsize_t rows = 0;
  bool owned_type = false;

  void create(hid_t file, const std::string& name, hid_t t, std::vector<hsize_t> shape, const std::string& path,
              hsize_t chunk_rows) {
    type = t;
    inner = std::move(shape);
    std::vector<hsize_t> dims{0}, maxd{H5S_UNLIMITED}, chunk{chunk_rows};
    for (auto d : inner) {
      dims.push_back(d);
      maxd.push_back(d);
      chunk.push_back(std::max<hsize_t>(d, 1));
    }
    hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxd.data());
    hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(plist, static_cast<int>(chunk.size()), chunk.data());
    dset = H5Dcreate2(file, name.c_str(), type, space, H5P_DEFAULT, plist, H5P_DEFAULT);
    H5Pclose(plist);
    H5Sclose(space);
    if (dset < 0) fail_io("cannot create HDF5 dataset '" + name + "'", path);
  }

  void append(const void* data, hsize_t n, const std::string& path) {
    if (n == 0) return;
    std::vector<hsize_t> dims{rows + n}, start{rows}, count{n};
    for (auto d : inner) {
      dims.push_back(d);
      start.push_back(0);
      count.push_back(d);
    }
    check(H5Dset_extent(dset, dims.data()), "extending a dataset", path);
    hid_t fspace = H5Dget_space(dset);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    hid_t mspace = H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr);
    check(H5Dwrite(dset, type, mspace, fspace, H5P_DEFAULT, data), "writing records", path);
    H5Sclose(mspace);
    H5Sclose(fspace);
    rows += n;
  }

  void close() {
    if (dset >= 0) H5Dclose(dset);
    if (owned_type && type >= 0) H5Tclose(type);
    dset = type = -1;
  }
};

}  // namespace

struct Hdf5Export::Impl {
  std::string path, temp;
  hid_t file = -1;
  Schema schema;
  std::vector<Column> data;     // one per field
  std::vector<Column> offsets;  // variable numeric fields: element offsets
  std::vector<uint64_t> next_offset;
  bool finished = false;
  int temp_slot = -1;
};

Hdf5Export::Hdf5Export(const std::string& path, const Header& header) : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.path = path;
  if (path.empty() || path == "-") fail_usage("--hdf5 needs a file name (HDF5 cannot be written to a pipe)");
  auto slash = path.find_last_of('/');
  m.temp = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "." +
           (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp." + std::to_string(::getpid());
  m.temp_slot = register_temp_file(m.temp);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by s2f, not printed by HDF5
  m.file = H5Fcreate(m.temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (m.file < 0) fail_io("cannot create HDF5 file", path, "check that the directory exists and is writable");
  m.schema = header.schema;
  set_string_attribute(m.file, "s2f_kind", header.kind, path);
  set_string_attribute(m.file, "s2f_header", header.to_json().dump(), path);
  set_string_attribute(m.file, "s2f_layout", "s2f-hdf5 1", path);
  m.data.resize(m.schema.size());
  m.offsets.resize(m.schema.size());
  m.next_offset.assign(m.schema.size(), 0);
  for (size_t i = 0; i < m.schema.size(); ++i) {
    const Field& f = m.schema[i];
    if (f.dtype == DType::str) {
      hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, H5T_VARIABLE);
      H5Tset_cset(t, H5T_CSET_UTF8);
      m.data[i].owned_type = true;
      m.data[i].create(m.file, f.name, t, {}, path, 4096);
    } else if (f.variable()) {
      m.data[i].create(m.file, f.name, native_type(f.dtype), {}, path, 65536);
      m.offsets[i].create(m.file, f.name + "_offsets", H5T_NATIVE_UINT64, {}, path, 4096);
      uint64_t zero = 0;
      m.offsets[i].append(&zero, 1, path);
    } else {
      std::vector<hsize_t> shape(f.shape.begin(), f.shape.end());
      size_t per = std::max<size_t>(f.elements() * 4, 1);
      hsize_t rows = std::clamp<hsize_t>((1u << 20) / per, 1, 4096);
      m.data[i].create(m.file, f.name, native_type(f.dtype), shape, path, rows);
    }
  }
}

Hdf5Export::~Hdf5Export() {
  auto& m = *impl_;
  for (auto& c : m.data) c.close();
  for (auto& c : m.offsets) c.close();
  if (m.file >= 0) H5Fclose(m.file);
  if (!m.finished) std::remove(m.temp.c_str());
  unregister_temp_file(m.temp_slot);
}

void Hdf5Export::append(const Batch& batch) {
  auto& m = *impl_;
  hsize_t n = batch.size();
  for (size_t i = 0; i < m.schema.size(); ++i) {
    const Field& f = m.schema[i];
    const auto& col = batch.column(i);
    if (f.dtype == DType::str) {
      std::vector<std::string> owned(n);
      std::vector<const char*> ptrs(n);
      for (size_t r = 0; r < n; ++r) {
        owned[r] = std::string(batch.str(i, r));
        ptrs[r] = owned[r].c_str();
      }
      m.data[i].append(ptrs.data(), n, m.path);
    } else if (f.variable()) {
      std::vector<float> widened;
      const void* p = col.data.data();
      if (f.dtype == DType::f16) {
        widened.resize(col.data.size() / 2);
        for (size_t k = 0; k < widened.size(); ++k)
          widened[k] = half_to_float(reinterpret_cast<const uint16_t*>(col.data.data())[k]);
        p = widened.data();
      }
      m.data[i].append(p, col.offsets[n], m.path);
      std::vector<uint64_t> offs(n);
      for (size_t r = 0; r < n; ++r) offs[r] = m.next_offset[i] + col.offsets[r + 1];
      m.next_offset[i] += col.offsets[n];
      m.offsets[i].append(offs.data(), n, m.path);
    } else if (f.dtype == DType::f16) {
      std::vector<float> widened(col.data.size() / 2);
      for (size_t k = 0; k < widened.size(); ++k)
        widened[k] = half_to_float(reinterpret_cast<const uint16_t*>(col.data.data())[k]);
      m.data[i].append(widened.data(), n, m.path);
    } else {
      m.data[i].append(col.data.data(), n, m.path);
    }
  }
}

void Hdf5Export::finish() {
  auto& m = *impl_;
  for (auto& c : m.data) c.close();
  for (auto& c : m.offsets) c.close();
  if (H5Fclose(m.file) < 0) {
    m.file = -1;
    fail_io("closing HDF5 file failed", m.path);
  }
  m.file = -1;
  if (std::rename(m.temp.c_str(), m.path.c_str()) != 0) fail_io("cannot rename HDF5 output into place", m.path);
  m.finished = true;
}

}  // namespace s2f::stream
