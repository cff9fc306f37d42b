// A batch of records held column by column, exactly as a data frame stores
// them. Writers fill one; readers hand one back per frame.
#pragma once
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/stream/schema.hpp"

namespace s2f::stream {

class Batch {
 public:
  Batch() = default;
  explicit Batch(const Schema& schema) { reset(schema); }
  void reset(const Schema& schema);
  void clear();
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const Schema& schema() const { return schema_; }
  // Bytes the batch occupies in a frame payload (before compression).
  size_t payload_bytes() const;

  // Appends a record: fixed fields zero-filled, variable fields empty.
  // Returns its index. Variable fields may only be set on the last record.
  size_t add_record();
  // Appends a copy of record `rec` of `src` (same schema).
  void append_from(const Batch& src, size_t rec);

  template <class T> std::span<T> fixed_mut(size_t field, size_t rec) {
    auto& c = cols_[field];
    return {reinterpret_cast<T*>(c.data.data()) + rec * c.elems, c.elems};
  }
  template <class T> std::span<const T> fixed(size_t field, size_t rec) const {
    const auto& c = cols_[field];
    return {reinterpret_cast<const T*>(c.data.data()) + rec * c.elems, c.elems};
  }
  template <class T> T scalar(size_t field, size_t rec) const { return fixed<T>(field, rec)[0]; }
  template <class T> void set_scalar(size_t field, size_t rec, T v) { fixed_mut<T>(field, rec)[0] = v; }

  std::string_view str(size_t field, size_t rec) const;
  void set_str(size_t field, size_t rec, std::string_view s) { set_var_bytes(field, rec, s.data(), s.size()); }
  template <class T> std::span<const T> var(size_t field, size_t rec) const {
    const auto& c = cols_[field];
    return {reinterpret_cast<const T*>(c.data.data()) + c.offsets[rec], c.offsets[rec + 1] - c.offsets[rec]};
  }
  template <class T> void set_var(size_t field, size_t rec, std::span<const T> v) {
    set_var_bytes(field, rec, v.data(), v.size());
  }

  // Sets a variable field of the last record from `count` raw elements.
  void set_var_raw(size_t field, size_t rec, const void* p, size_t count) { set_var_bytes(field, rec, p, count); }

  // Raw column access for the codec.
  struct Column {
    std::vector<uint8_t> data;       // elements, packed
    std::vector<uint32_t> offsets;   // variable fields: n+1 element offsets
    size_t elems = 0;                // fixed fields: elements per record
    size_t esize = 1;
    bool variable = false;
  };
  const Column& column(size_t field) const { return cols_[field]; }
  Column& column_mut(size_t field) { return cols_[field]; }
  void set_size(size_t n) { n_ = n; }

 private:
  void set_var_bytes(size_t field, size_t rec, const void* p, size_t count);
  Schema schema_;
  std::vector<Column> cols_;
  size_t n_ = 0;
};

}  // namespace s2f::stream

namespace s2f::stream {

// Copies the fields two schemas share (same name, dtype and shape) from a
// record of one batch to the last record of another: how stages carry a
// record's identity (id, locus, allele, flags) from input to output.
// Fields named in `except` are left to the caller, who sets them itself (a
// variable field can be set only once per record).
class FieldCopier {
 public:
  FieldCopier(const Schema& from, const Schema& to, const std::vector<std::string>& except = {});
  void copy(const Batch& src, size_t src_rec, Batch& dst, size_t dst_rec) const;

 private:
  std::vector<std::pair<size_t, size_t>> pairs_;
};

}  // namespace s2f::stream
