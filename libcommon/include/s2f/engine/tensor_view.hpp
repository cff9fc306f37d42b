// A window of positions of one sequence's activation. Position p (in the
// tensor's own coordinates) lives at data + (p - pos0) * stride, so a layer
// can read and write any sub-range of positions without copying: cropping is
// a shift of pos0, and fast ISM can keep a small window around a mutation.
#pragma once
#include <cstdint>

namespace s2f::engine {

struct PositionRange {
  int64_t lo = 0, hi = 0;  // [lo, hi)
  bool empty() const { return hi <= lo; }
  int64_t size() const { return hi > lo ? hi - lo : 0; }
  bool contains(const PositionRange& o) const { return o.empty() || (lo <= o.lo && o.hi <= hi); }
  PositionRange hull(const PositionRange& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    return {lo < o.lo ? lo : o.lo, hi > o.hi ? hi : o.hi};
  }
  PositionRange clip(int64_t length) const {
    PositionRange r{lo < 0 ? 0 : lo, hi > length ? length : hi};
    return r.empty() ? PositionRange{} : r;
  }
  bool operator==(const PositionRange&) const = default;
};

struct TensorView {
  float* data = nullptr;
  int64_t pos0 = 0;      // position held by data[0 .. channels)
  int64_t rows = 0;      // positions held: [pos0, pos0 + rows)
  int64_t channels = 0;
  int64_t stride = 0;    // floats between consecutive positions
  float* row(int64_t p) const { return data + (p - pos0) * stride; }
  PositionRange held() const { return {pos0, pos0 + rows}; }
};

}  // namespace s2f::engine
