#include "s2f/stream/batch.hpp"

#include <algorithm>

#include "s2f/error.hpp"

namespace s2f::stream {

namespace {
size_t pad8(size_t n) { return (n + 7) & ~size_t{7}; }
}  // namespace

void Batch::reset(const Schema& schema) {
  schema_ = schema;
  cols_.assign(schema.size(), Column{});
  for (size_t i = 0; i < schema.size(); ++i) {
    const auto& f = schema[i];
    auto& c = cols_[i];
    c.variable = f.variable();
    c.esize = dtype_size(f.dtype);
    c.elems = c.variable ? 0 : f.elements();
    if (c.variable) c.offsets.assign(1, 0);
  }
  n_ = 0;
}

void Batch::clear() {
  for (auto& c : cols_) {
    c.data.clear();
    if (c.variable) c.offsets.assign(1, 0);
  }
  n_ = 0;
}

size_t Batch::payload_bytes() const {
  size_t total = 0;
  for (const auto& c : cols_) {
    if (c.variable) total += pad8((n_ + 1) * 4);
    total += pad8(c.data.size());
  }
  return total;
}

size_t Batch::add_record() {
  for (auto& c : cols_) {
    if (c.variable) c.offsets.push_back(c.offsets.back());
    else c.data.resize(c.data.size() + c.elems * c.esize, 0);
  }
  return n_++;
}

void Batch::append_from(const Batch& src, size_t rec) {
  size_t r = add_record();
  for (size_t i = 0; i < cols_.size(); ++i) {
    const auto& s = src.cols_[i];
    auto& d = cols_[i];
    if (d.variable) {
      size_t b = s.offsets[rec], e = s.offsets[rec + 1];
      set_var_bytes(i, r, s.data.data() + b * s.esize, e - b);
    } else if (d.elems > 0) {  // a field of no elements (a head left with no tracks) has no bytes
      std::memcpy(d.data.data() + r * d.elems * d.esize, s.data.data() + rec * s.elems * s.esize,
                  d.elems * d.esize);
    }
  }
}

std::string_view Batch::str(size_t field, size_t rec) const {
  const auto& c = cols_[field];
  return {reinterpret_cast<const char*>(c.data.data()) + c.offsets[rec], c.offsets[rec + 1] - c.offsets[rec]};
}

void Batch::set_var_bytes(size_t field, size_t rec, const void* p, size_t count) {
  auto& c = cols_[field];
  if (!c.variable) fail(Exit::internal, "set_var on fixed field '" + schema_[field].name + "'");
  if (rec + 1 != n_) fail(Exit::internal, "variable field set on a record that is not the last");
  if (c.offsets[rec + 1] != c.offsets[rec]) fail(Exit::internal, "variable field set twice");
  auto* b = static_cast<const uint8_t*>(p);
  c.data.insert(c.data.end(), b, b + count * c.esize);
  if (c.data.size() / c.esize > 0xFFFFFFFFu) fail(Exit::internal, "batch column exceeds 4 G elements");
  c.offsets[rec + 1] = static_cast<uint32_t>(c.data.size() / c.esize);
}

}  // namespace s2f::stream

namespace s2f::stream {

FieldCopier::FieldCopier(const Schema& from, const Schema& to, const std::vector<std::string>& except) {
  for (size_t j = 0; j < to.size(); ++j) {
    if (std::find(except.begin(), except.end(), to[j].name) != except.end()) continue;
    int i = from.find(to[j].name);
    if (i >= 0 && from[static_cast<size_t>(i)] == to[j]) pairs_.emplace_back(static_cast<size_t>(i), j);
  }
}

void FieldCopier::copy(const Batch& src, size_t src_rec, Batch& dst, size_t dst_rec) const {
  for (auto [i, j] : pairs_) {
    const auto& s = src.column(i);
    if (s.variable) {
      size_t b = s.offsets[src_rec], e = s.offsets[src_rec + 1];
      dst.set_var_raw(j, dst_rec, s.data.data() + b * s.esize, e - b);
    } else if (s.elems > 0) {
      auto& d = dst.column_mut(j);
      std::memcpy(d.data.data() + dst_rec * d.elems * d.esize, s.data.data() + src_rec * s.elems * s.esize,
                  s.elems * s.esize);
    }
  }
}

}  // namespace s2f::stream
