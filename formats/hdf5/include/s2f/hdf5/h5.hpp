// s2f's one door to HDF5, private to s2f's libraries. Every reader and
// writer of .h5 files (model files, Keras import, Selene matrices, the
// s2f-view export, CDF archives, tfmodisco-lite motifs, attribution files)
// goes through these handles:
//   - each HDF5 identifier is owned by a move-only Handle and closed in its
//     destructor, so an error thrown half-way leaks nothing;
//   - every failure is an s2f::Error naming the file and the object
//     ("file.h5:/weights/conv/kernel") and saying how to fix it;
//   - HDF5's own error-stack printing is silenced once, here.
// The header does not include <hdf5.h>: callers see s2f types only.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace s2f::h5 {

// Element types s2f stores. Numbers are stored little-endian; strings as
// variable-length UTF-8; `boolean` as h5py's bool (an int8 enum FALSE/TRUE).
enum class Type : uint8_t { i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, boolean, str };

template <class T> struct TypeOf;
template <> struct TypeOf<int8_t> { static constexpr Type value = Type::i8; };
template <> struct TypeOf<uint8_t> { static constexpr Type value = Type::u8; };
template <> struct TypeOf<int16_t> { static constexpr Type value = Type::i16; };
template <> struct TypeOf<uint16_t> { static constexpr Type value = Type::u16; };
template <> struct TypeOf<int32_t> { static constexpr Type value = Type::i32; };
template <> struct TypeOf<uint32_t> { static constexpr Type value = Type::u32; };
template <> struct TypeOf<int64_t> { static constexpr Type value = Type::i64; };
template <> struct TypeOf<uint64_t> { static constexpr Type value = Type::u64; };
template <> struct TypeOf<float> { static constexpr Type value = Type::f32; };
template <> struct TypeOf<double> { static constexpr Type value = Type::f64; };
template <class T> inline constexpr Type type_of = TypeOf<T>::value;

const char* type_name(Type t);

// Owns one HDF5 identifier (file, group, dataset, attribute, dataspace,
// datatype or property list); closes it when destroyed.
class Handle {
 public:
  enum class Kind : uint8_t { file, group, dataset, attribute, dataspace, datatype, plist };
  Handle() = default;
  Handle(int64_t id, Kind kind) : id_(id), kind_(kind) {}
  Handle(Handle&& o) noexcept : id_(o.id_), kind_(o.kind_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }
  int64_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now; false when HDF5 reports an error (for a file: the final flush).
  bool close();

 private:
  int64_t id_ = -1;
  Kind kind_ = Kind::file;
};

// An N-d array read from a dataset: row-major values and the shape (empty
// for a scalar dataset, which then has one value).
template <class T> struct Array {
  std::vector<uint64_t> shape;
  std::vector<T> values;
};

// A dataset written record by record along its first axis: growing ones are
// extended as records arrive; fixed ones are filled from row 0 up.
class Dataset {
 public:
  Dataset() = default;
  Dataset(Dataset&&) noexcept = default;
  Dataset& operator=(Dataset&&) noexcept = default;

  // Writes whole records; the element type must be the dataset's.
  template <class T> void append(std::span<const T> values) {
    check_type(type_of<T>);
    append_bytes(values.data(), records_in(values.size()));
  }
  void append(std::span<const std::string> values);  // str datasets
  // `records` records of the dataset's own element type (raw stream columns).
  void append_bytes(const void* data, uint64_t records);
  uint64_t rows() const { return rows_; }
  // Closes the dataset (also done by the destructor).
  void close() { dset_.close(); }

 private:
  friend class File;
  void check_type(Type t) const;
  uint64_t records_in(size_t values) const;
  Handle dset_;
  std::string where_;  // file:object for messages
  Type type_ = Type::f32;
  std::vector<uint64_t> record_;  // shape of one record
  uint64_t rows_ = 0, capacity_ = 0;
  bool growing_ = false;
};

class File {
 public:
  // Opens an existing file for reading. `expected` names what the file
  // should be ("an s2f model file or a Keras .h5 model"); messages about a
  // wrong or damaged file suggest it. A missing or unreadable file is an I/O
  // error; a file that is not HDF5, or is truncated, is an input error.
  static File open(const std::string& path, const std::string& expected);
  // Creates a file written under a temporary name in the same directory,
  // removed if the process is interrupted or the File is destroyed before
  // commit(); commit() closes it and renames it into place.
  static File create(const std::string& path);

  File() = default;
  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  const std::string& path() const { return path_; }
  // Every error about an object says "path:object".
  std::string where(const std::string& object) const { return path_ + ":" + object; }

  // ---- objects ----
  // True when every component of `object` exists ("/" always does).
  bool exists(const std::string& object) const;
  // Link names directly under `group`, in name order.
  std::vector<std::string> members(const std::string& group) const;
  // Creates a group and any missing parents; an existing group is kept.
  void create_group(const std::string& group);

  // ---- attributes (on the file's root "/", a group or a dataset) ----
  bool has_attribute(const std::string& object, const std::string& name) const;
  // A string attribute, fixed-length or variable-length.
  std::string read_string_attribute(const std::string& object, const std::string& name) const;
  // A string or a list of strings (h5py's empty list, float64[0], reads as {}).
  std::vector<std::string> read_string_list_attribute(const std::string& object, const std::string& name) const;
  int64_t read_int_attribute(const std::string& object, const std::string& name) const;
  // Fixed-length strings (null-padded, the width of the value) are what
  // Keras writes; variable-length is what h5py writes for str.
  enum class Strings : uint8_t { fixed_length, variable_length };
  void write_attribute(const std::string& object, const std::string& name, const std::string& value,
                       Strings form = Strings::variable_length);
  void write_attribute(const std::string& object, const std::string& name, int64_t value);

  // ---- whole datasets ----
  // Shape of a dataset (empty for a scalar).
  std::vector<uint64_t> shape(const std::string& dataset) const;
  // Reads a numeric dataset of any rank, converting its values to T.
  template <class T> Array<T> read(const std::string& dataset) const;
  template <class T> T read_scalar(const std::string& dataset) const;
  std::vector<std::string> read_strings(const std::string& dataset) const;
  std::vector<bool> read_flags(const std::string& dataset) const;
  // Writes `values` (row-major) as a contiguous dataset of `shape` (empty:
  // scalar), creating missing parent groups.
  template <class T>
  void write(const std::string& dataset, std::span<const T> values, const std::vector<uint64_t>& shape);
  template <class T> void write_scalar(const std::string& dataset, T value) {
    write<T>(dataset, std::span<const T>(&value, 1), {});
  }
  void write_strings(const std::string& dataset, std::span<const std::string> values);  // 1-d
  void write_string(const std::string& dataset, const std::string& value);              // scalar
  void write_flags(const std::string& dataset, const std::vector<bool>& flags);          // 1-d bool

  // ---- datasets written record by record ----
  // Starts empty and grows along axis 0 without limit; each record has shape
  // `record`; chunks hold `chunk_records` records.
  Dataset create_growing(const std::string& dataset, Type type, const std::vector<uint64_t>& record,
                         uint64_t chunk_records);
  // A fixed `shape`, filled by append() from row 0; chunked when `chunk` is given.
  Dataset create_fixed(const std::string& dataset, Type type, const std::vector<uint64_t>& shape,
                       const std::vector<uint64_t>& chunk = {});

  // Closes the file (all its Datasets must be closed) and, for a created
  // file, renames it into place. Errors are I/O errors naming the file.
  void commit();

 private:
  void release() noexcept;
  void fail_missing(const std::string& object, const char* what) const;
  Handle open_dataset(const std::string& dataset) const;
  Handle open_attribute(const std::string& object, const std::string& name) const;
  void write_raw(const std::string& dataset, Type type, const void* data, size_t count,
                 const std::vector<uint64_t>& shape);
  void read_raw(const std::string& dataset, Type type, void* data, size_t count) const;
  Dataset create_dataset(const std::string& dataset, Type type, const std::vector<uint64_t>& dims,
                         const std::vector<uint64_t>& max_dims, const std::vector<uint64_t>& chunk, bool growing);

  Handle file_;
  std::string path_, target_, temp_, expected_;
  int temp_slot_ = -1;
  bool writing_ = false;
};

}  // namespace s2f::h5
