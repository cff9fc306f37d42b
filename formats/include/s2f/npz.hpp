// NumPy .npz archives: a zip of .npy files, one per array, as numpy.savez
// writes them. The writer emits STORED (uncompressed) entries with .npy
// version 1.0 headers, so numpy.load reads them without options and large
// matrices can be streamed row by row without holding them in memory.
// The reader accepts what numpy.savez and numpy.savez_compressed write
// (stored or deflated entries, .npy 1.0-3.0, C order, little-endian).
//
// .npy layout: "\x93NUMPY", major, minor, header length (u16 for 1.0, u32
// for 2.0/3.0), then a Python dict literal {'descr': '<f4', 'fortran_order':
// False, 'shape': (n, m), } padded with spaces to a multiple of 64 bytes and
// ended by '\n', then the raw elements.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "s2f/io.hpp"

namespace s2f::npz {

// NumPy dtype strings for the element types s2f writes.
inline constexpr const char* kF32 = "<f4";
inline constexpr const char* kF64 = "<f8";
inline constexpr const char* kI64 = "<i8";
inline constexpr const char* kU32 = "<u4";
inline constexpr const char* kBool = "|b1";

// The .npy header for an array of `descr` with `shape` (C order).
std::string npy_header(const std::string& descr, const std::vector<uint64_t>& shape);

class NpzWriter {
 public:
  // `sink` may be a file (atomic: visible after finish()) or stdout.
  explicit NpzWriter(std::unique_ptr<ByteSink> sink);
  ~NpzWriter();
  NpzWriter(const NpzWriter&) = delete;
  NpzWriter& operator=(const NpzWriter&) = delete;

  // A whole array at once; `bytes` must be prod(shape) * itemsize long.
  void add(const std::string& name, const std::string& descr, const std::vector<uint64_t>& shape,
           const void* data, size_t bytes);
  template <class T>
  void add(const std::string& name, const std::string& descr, const std::vector<uint64_t>& shape,
           std::span<const T> values) {
    add(name, descr, shape, values.data(), values.size_bytes());
  }
  // A 1-D unicode array ('<U<n>', n = longest string in code points); the
  // strings are UTF-8 and are stored as UTF-32 as numpy does.
  void add_strings(const std::string& name, const std::vector<std::string>& values);
  // A 0-d unicode array, as numpy.savez stores a Python str.
  void add_string_scalar(const std::string& name, const std::string& value);

  // Streams one array: begin(), append() exactly prod(shape)*itemsize bytes
  // in C order, end(). The CRC is only known at the end, so the entry uses a
  // zip data descriptor (general purpose flag bit 3).
  void begin(const std::string& name, const std::string& descr, const std::vector<uint64_t>& shape);
  void append(const void* data, size_t bytes);
  void end();

  // Writes the central directory and makes the file visible.
  void finish();

 private:
  struct Entry {
    std::string name;
    uint32_t crc = 0;
    uint64_t size = 0, offset = 0;
    bool descriptor = false;
  };
  void local_header(const Entry& e);
  void check_zip32(uint64_t value, const std::string& what) const;

  std::unique_ptr<ByteSink> sink_;
  std::vector<Entry> entries_;
  Entry open_;
  uint64_t expected_ = 0;
  bool streaming_ = false, finished_ = false;
};

// One array read back from an .npy entry.
struct NpyArray {
  std::string descr;             // e.g. "<f4", "<U12", "|b1"
  std::vector<uint64_t> shape;
  std::vector<uint8_t> data;     // raw little-endian elements, C order
  std::string where;             // "file.npz:name" (set by parse_npy), named in dtype errors

  uint64_t elements() const;
  size_t itemsize() const;
  // Elements as T, checking the dtype (throws bad_input naming the array).
  std::vector<float> as_f32(const std::string& name) const;   // <f4 or <f8
  std::vector<int64_t> as_i64(const std::string& name) const; // <i8, <i4, <u4, <u8
  std::vector<bool> as_bool(const std::string& name) const;   // |b1
  std::vector<std::string> as_strings(const std::string& name) const;  // <U<n>, as UTF-8
};

// Parses one .npy file held in memory (`where` names it in errors).
NpyArray parse_npy(const std::vector<uint8_t>& bytes, const std::string& where);

class NpzReader {
 public:
  // Reads the zip directory of `path`; arrays are loaded on request.
  explicit NpzReader(const std::string& path);
  const std::string& path() const { return path_; }
  // Array names without the ".npy" suffix, in archive order.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  // Throws bad_input listing the arrays present when `name` is missing.
  NpyArray load(const std::string& name) const;

 private:
  struct Entry {
    uint64_t offset = 0, compressed = 0, size = 0;
    uint16_t method = 0;
    uint32_t crc = 0;
  };
  std::string path_;
  std::vector<std::string> order_;
  std::map<std::string, Entry> entries_;
  std::unique_ptr<ByteSource> source_;
};

}  // namespace s2f::npz
