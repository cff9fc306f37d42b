#include "s2f/stream/hdf5_export.hpp"

#include <algorithm>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/hdf5/h5.hpp"
#include "s2f/utf8.hpp"

namespace s2f::stream {

namespace {

h5::Type stored_type(DType t) {
  switch (t) {
    case DType::u8: return h5::Type::u8;
    case DType::i8: return h5::Type::i8;
    case DType::u16: return h5::Type::u16;
    case DType::i16: return h5::Type::i16;
    case DType::u32: return h5::Type::u32;
    case DType::i32: return h5::Type::i32;
    case DType::u64: return h5::Type::u64;
    case DType::i64: return h5::Type::i64;
    case DType::f16:  // widened: HDF5 1.10 has no native half type
    case DType::f32: return h5::Type::f32;
    case DType::f64: return h5::Type::f64;
    case DType::str: break;
  }
  return h5::Type::str;
}

std::vector<float> widen_halves(const std::vector<uint8_t>& bytes) {
  std::vector<float> widened(bytes.size() / 2);
  for (size_t k = 0; k < widened.size(); ++k)
    widened[k] = half_to_float(reinterpret_cast<const uint16_t*>(bytes.data())[k]);
  return widened;
}

}  // namespace

struct Hdf5Export::Impl {
  h5::File file;
  Schema schema;
  std::vector<h5::Dataset> data;     // one per field
  std::vector<h5::Dataset> offsets;  // variable numeric fields: element offsets
  std::vector<uint64_t> next_offset;
};

Hdf5Export::Hdf5Export(const std::string& path, const Header& header) : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  if (path.empty() || path == "-") fail_usage("--hdf5 needs a file name (HDF5 cannot be written to a pipe)");
  m.file = h5::File::create(path);
  m.schema = header.schema;
  m.file.write_attribute("/", "s2f_kind", header.kind);
  m.file.write_attribute("/", "s2f_header", dump_json(header.to_json()));
  m.file.write_attribute("/", "s2f_layout", "s2f-hdf5 1");
  m.data.resize(m.schema.size());
  m.offsets.resize(m.schema.size());
  m.next_offset.assign(m.schema.size(), 0);
  for (size_t i = 0; i < m.schema.size(); ++i) {
    const Field& f = m.schema[i];
    if (f.dtype == DType::str) {
      m.data[i] = m.file.create_growing(f.name, h5::Type::str, {}, 4096);
    } else if (f.variable()) {
      m.data[i] = m.file.create_growing(f.name, stored_type(f.dtype), {}, 65536);
      m.offsets[i] = m.file.create_growing(f.name + "_offsets", h5::Type::u64, {}, 4096);
      const uint64_t zero = 0;
      m.offsets[i].append<uint64_t>({&zero, 1});
    } else {
      std::vector<uint64_t> shape(f.shape.begin(), f.shape.end());
      size_t per = std::max<size_t>(f.elements() * 4, 1);
      uint64_t rows = std::clamp<uint64_t>((1u << 20) / per, 1, 4096);
      m.data[i] = m.file.create_growing(f.name, stored_type(f.dtype), shape, rows);
    }
  }
}

Hdf5Export::~Hdf5Export() = default;

void Hdf5Export::append(const Batch& batch) {
  auto& m = *impl_;
  const size_t n = batch.size();
  for (size_t i = 0; i < m.schema.size(); ++i) {
    const Field& f = m.schema[i];
    const auto& col = batch.column(i);
    if (f.dtype == DType::str) {
      std::vector<std::string> owned(n);
      for (size_t r = 0; r < n; ++r) owned[r] = std::string(batch.str(i, r));
      m.data[i].append(std::span<const std::string>(owned));
    } else if (f.variable()) {
      if (f.dtype == DType::f16) m.data[i].append_bytes(widen_halves(col.data).data(), col.offsets[n]);
      else m.data[i].append_bytes(col.data.data(), col.offsets[n]);
      std::vector<uint64_t> offs(n);
      for (size_t r = 0; r < n; ++r) offs[r] = m.next_offset[i] + col.offsets[r + 1];
      m.next_offset[i] += col.offsets[n];
      m.offsets[i].append<uint64_t>(offs);
    } else if (f.dtype == DType::f16) {
      m.data[i].append_bytes(widen_halves(col.data).data(), n);
    } else {
      m.data[i].append_bytes(col.data.data(), n);
    }
  }
}

void Hdf5Export::finish() {
  auto& m = *impl_;
  for (auto& c : m.data) c.close();
  for (auto& c : m.offsets) c.close();
  m.file.commit();
}

}  // namespace s2f::stream
