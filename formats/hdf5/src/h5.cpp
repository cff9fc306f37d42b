// The HDF5 C API behind s2f::h5 (see h5.hpp). Every identifier opened here
// lives in a Handle before anything can throw.
#include "s2f/hdf5/h5.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <type_traits>
#include <utility>

#include "s2f/error.hpp"
#include "s2f/io.hpp"

namespace s2f::h5 {

static_assert(std::is_same_v<hid_t, int64_t>, "s2f::h5 stores hid_t as int64_t (HDF5 >= 1.10)");

namespace {

// HDF5 prints its own error stack unless told not to; s2f reports instead.
void silence_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No library shutdown at exit: every file is closed explicitly, and a
    // file whose close failed (a full disk) stays in HDF5's list, which
    // H5_term_library then crashes on (a segfault after the error message).
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

using Kind = Handle::Kind;

uint64_t product(const std::vector<uint64_t>& dims) {
  uint64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

std::string shape_text(const std::vector<uint64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

// The stored (file) and in-memory types of an element type. Numbers use
// HDF5's predefined types (never closed); booleans and strings are built
// here and owned by `owned`.
struct Types {
  hid_t file = -1, mem = -1;
  Handle owned;
};

Types types_of(Type t) {
  Types r;
  auto fixed = [&](hid_t file, hid_t mem) {
    r.file = file;
    r.mem = mem;
  };
  switch (t) {
    case Type::i8: fixed(H5T_STD_I8LE, H5T_NATIVE_INT8); break;
    case Type::u8: fixed(H5T_STD_U8LE, H5T_NATIVE_UINT8); break;
    case Type::i16: fixed(H5T_STD_I16LE, H5T_NATIVE_INT16); break;
    case Type::u16: fixed(H5T_STD_U16LE, H5T_NATIVE_UINT16); break;
    case Type::i32: fixed(H5T_STD_I32LE, H5T_NATIVE_INT32); break;
    case Type::u32: fixed(H5T_STD_U32LE, H5T_NATIVE_UINT32); break;
    case Type::i64: fixed(H5T_STD_I64LE, H5T_NATIVE_INT64); break;
    case Type::u64: fixed(H5T_STD_U64LE, H5T_NATIVE_UINT64); break;
    case Type::f32: fixed(H5T_IEEE_F32LE, H5T_NATIVE_FLOAT); break;
    case Type::f64: fixed(H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE); break;
    case Type::boolean: {
      // h5py reads an int8 enum {FALSE, TRUE} as numpy bool.
      r.owned = Handle(H5Tenum_create(H5T_NATIVE_INT8), Kind::datatype);
      const int8_t no = 0, yes = 1;
      H5Tenum_insert(r.owned.id(), "FALSE", &no);
      H5Tenum_insert(r.owned.id(), "TRUE", &yes);
      r.file = r.mem = r.owned.id();
      break;
    }
    case Type::str: {
      r.owned = Handle(H5Tcopy(H5T_C_S1), Kind::datatype);
      H5Tset_size(r.owned.id(), H5T_VARIABLE);
      H5Tset_cset(r.owned.id(), H5T_CSET_UTF8);
      r.file = r.mem = r.owned.id();
      break;
    }
  }
  return r;
}

// hsize_t is unsigned long long; s2f's sizes are uint64_t (unsigned long).
using Dims = std::vector<hsize_t>;
Dims dims_of(const std::vector<uint64_t>& v) { return Dims(v.begin(), v.end()); }

Handle simple_space(const std::vector<uint64_t>& shape, const std::vector<uint64_t>& max_shape = {}) {
  if (shape.empty()) return Handle(H5Screate(H5S_SCALAR), Kind::dataspace);
  const Dims dims = dims_of(shape), max_dims = dims_of(max_shape);
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.empty() ? nullptr : max_dims.data()),
                Kind::dataspace);
}

// Link creation that makes missing parent groups.
Handle with_parents() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), Kind::plist);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return lcpl;
}

std::vector<uint64_t> extent(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  Dims dims(static_cast<size_t>(rank > 0 ? rank : 0));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return std::vector<uint64_t>(dims.begin(), dims.end());
}

void reclaim_strings(hid_t type, hid_t space, void* data) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, data);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, data);
#endif
}

// Strings of a string-typed attribute or dataset, fixed- or variable-length.
// `read(mem_type, buffer)` does the H5Aread/H5Dread.
template <class Read>
bool read_string_values(hid_t stored, hid_t space, size_t count, std::vector<std::string>& out, Read read) {
  if (H5Tis_variable_str(stored) > 0) {
    std::vector<char*> ptrs(count, nullptr);
    Handle mem(H5Tcopy(H5T_C_S1), Kind::datatype);
    H5Tset_size(mem.id(), H5T_VARIABLE);
    H5Tset_cset(mem.id(), H5Tget_cset(stored));
    if (count > 0 && read(mem.id(), ptrs.data()) < 0) return false;
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (count > 0) reclaim_strings(mem.id(), space, ptrs.data());
  } else {
    const size_t width = H5Tget_size(stored);
    std::vector<char> buf(width * count + 1, '\0');
    Handle mem(H5Tcopy(stored), Kind::datatype);
    if (count > 0 && read(mem.id(), buf.data()) < 0) return false;
    for (size_t i = 0; i < count; ++i) {
      const char* s = buf.data() + i * width;
      size_t len = 0;
      while (len < width && s[len] != '\0') ++len;
      out.emplace_back(s, len);
    }
  }
  return true;
}

}  // namespace

const char* type_name(Type t) {
  switch (t) {
    case Type::i8: return "int8";
    case Type::u8: return "uint8";
    case Type::i16: return "int16";
    case Type::u16: return "uint16";
    case Type::i32: return "int32";
    case Type::u32: return "uint32";
    case Type::i64: return "int64";
    case Type::u64: return "uint64";
    case Type::f32: return "float32";
    case Type::f64: return "float64";
    case Type::boolean: return "bool";
    case Type::str: return "string";
  }
  return "?";
}

// ---- Handle ---------------------------------------------------------------

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    close();
    id_ = o.id_;
    kind_ = o.kind_;
    o.id_ = -1;
  }
  return *this;
}

bool Handle::close() {
  if (id_ < 0) return true;
  herr_t r = -1;
  switch (kind_) {
    case Kind::file: r = H5Fclose(id_); break;
    case Kind::group: r = H5Gclose(id_); break;
    case Kind::dataset: r = H5Dclose(id_); break;
    case Kind::attribute: r = H5Aclose(id_); break;
    case Kind::dataspace: r = H5Sclose(id_); break;
    case Kind::datatype: r = H5Tclose(id_); break;
    case Kind::plist: r = H5Pclose(id_); break;
  }
  id_ = -1;
  return r >= 0;
}

// ---- Dataset --------------------------------------------------------------

void Dataset::check_type(Type t) const {
  if (t != type_)
    fail(Exit::internal, std::string("writing ") + type_name(t) + " values into a " + type_name(type_) + " dataset",
         where_);
}

uint64_t Dataset::records_in(size_t values) const {
  const uint64_t per = product(record_);
  if (per == 0 ? values != 0 : values % per != 0)
    fail(Exit::internal, std::to_string(values) + " values are not whole records of shape " + shape_text(record_),
         where_);
  return per == 0 ? 0 : values / per;
}

void Dataset::append(std::span<const std::string> values) {
  check_type(Type::str);
  std::vector<const char*> ptrs(values.size());
  for (size_t i = 0; i < values.size(); ++i) ptrs[i] = values[i].c_str();
  append_bytes(ptrs.data(), records_in(ptrs.size()));
}

void Dataset::append_bytes(const void* data, uint64_t records) {
  if (records == 0) return;
  if (!dset_.valid()) fail(Exit::internal, "appending to a closed HDF5 dataset", where_);
  Dims dims{rows_ + records}, start{rows_}, count{records};
  for (auto d : record_) {
    dims.push_back(d);
    start.push_back(0);
    count.push_back(d);
  }
  if (growing_) {
    if (H5Dset_extent(dset_.id(), dims.data()) < 0)
      fail_io("cannot extend the dataset to " + std::to_string(dims[0]) + " rows", where_,
              "check free disk space and permissions");
  } else if (rows_ + records > capacity_) {
    fail(Exit::internal, "more rows than the dataset holds (" + std::to_string(capacity_) + ")", where_);
  }
  Handle fspace(H5Dget_space(dset_.id()), Kind::dataspace);
  Handle mspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), Kind::dataspace);
  Types t = types_of(type_);
  if (!fspace.valid() || !mspace.valid() ||
      H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
      H5Dwrite(dset_.id(), t.mem, mspace.id(), fspace.id(), H5P_DEFAULT, data) < 0)
    fail_io("cannot write rows " + std::to_string(rows_) + ".." + std::to_string(rows_ + records - 1), where_,
            "check free disk space and permissions");
  rows_ += records;
}

// ---- File: opening and closing --------------------------------------------

File::File(File&& o) noexcept
    : file_(std::move(o.file_)),
      path_(std::move(o.path_)),
      target_(std::move(o.target_)),
      temp_(std::move(o.temp_)),
      expected_(std::move(o.expected_)),
      temp_slot_(o.temp_slot_),
      writing_(o.writing_) {
  o.temp_slot_ = -1;
  o.writing_ = false;
}

File& File::operator=(File&& o) noexcept {
  if (this != &o) {
    release();
    file_ = std::move(o.file_);
    path_ = std::move(o.path_);
    target_ = std::move(o.target_);
    temp_ = std::move(o.temp_);
    expected_ = std::move(o.expected_);
    temp_slot_ = std::exchange(o.temp_slot_, -1);
    writing_ = std::exchange(o.writing_, false);
  }
  return *this;
}

File::~File() { release(); }

// An uncommitted created file is removed: a partial output never looks complete.
void File::release() noexcept {
  file_.close();
  if (writing_) std::remove(temp_.c_str());
  writing_ = false;
  if (temp_slot_ >= 0) unregister_temp_file(temp_slot_);
  temp_slot_ = -1;
}

File File::open(const std::string& path, const std::string& expected) {
  silence_hdf5();
  File f;
  f.path_ = path;
  f.expected_ = expected;
  if (::access(path.c_str(), R_OK) != 0) {
    if (errno == ENOENT) fail_io("file not found", path, "check the path; it should be " + expected);
    fail_io(std::string("cannot open HDF5 file: ") + std::strerror(errno), path, "check the path and permissions");
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) fail_input("not an HDF5 file", path, "give " + expected);
  f.file_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), Kind::file);
  if (!f.file_.valid())
    fail_input("cannot open HDF5 file: it is truncated or damaged", path,
               "copy or write the file again; it should be " + expected);
  return f;
}

File File::create(const std::string& path) {
  silence_hdf5();
  File f;
  f.path_ = path;
  // HDF5 seeks, so a device or FIFO is refused rather than replaced; a
  // symlink's destination is replaced and the link kept.
  f.target_ = replaceable_output_path(path);
  const auto slash = f.target_.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : f.target_.substr(0, slash + 1);
  f.temp_ = temporary_path_for(f.target_);
  f.temp_slot_ = register_temp_file(f.temp_);
  f.file_ = Handle(H5Fcreate(f.temp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), Kind::file);
  if (!f.file_.valid()) {
    std::remove(f.temp_.c_str());  // HDF5 may have created it before failing (a full disk)
    fail_io("cannot create HDF5 file", path,
            "check that directory '" + (dir.empty() ? std::string(".") : dir) + "' exists and is writable, and free space");
  }
  f.writing_ = true;
  return f;
}

void File::commit() {
  if (!file_.close()) fail_io("writing the HDF5 file failed at close", path_, "check free disk space and permissions");
  if (!writing_) return;
  if (OutputSet::defer(temp_, target_, path_)) {  // renamed with the run's other outputs
    writing_ = false;
    return;
  }
  if (std::rename(temp_.c_str(), target_.c_str()) != 0)
    fail_io("cannot rename the finished HDF5 file into place: " + std::string(std::strerror(errno)), path_,
            "check the directory is writable");
  writing_ = false;
}

// ---- objects --------------------------------------------------------------

void File::fail_missing(const std::string& object, const char* what) const {
  fail_input(std::string("missing ") + what, where(object),
             expected_.empty() ? "check the object's name" : "is this " + expected_ + "?");
}

bool File::exists(const std::string& object) const {
  if (object == "/" || object.empty()) return true;
  // Check each path component so that a missing parent is not an error.
  size_t pos = 0;
  while (true) {
    pos = object.find('/', pos + 1);
    const std::string prefix = object.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && H5Lexists(file_.id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

std::vector<std::string> File::members(const std::string& group) const {
  if (!exists(group)) fail_missing(group, "group");
  Handle g(H5Gopen2(file_.id(), group.c_str(), H5P_DEFAULT), Kind::group);
  H5G_info_t info{};
  if (!g.valid() || H5Gget_info(g.id(), &info) < 0)
    fail_input("not a group", where(group), expected_.empty() ? "check the object's name" : "is this " + expected_ + "?");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) fail_input("cannot list the group's members", where(group));
    std::string s(static_cast<size_t>(n), '\0');
    H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, s.data(), static_cast<size_t>(n) + 1, H5P_DEFAULT);
    names.push_back(std::move(s));
  }
  return names;
}

void File::create_group(const std::string& group) {
  if (exists(group)) return;
  Handle lcpl = with_parents();
  Handle g(H5Gcreate2(file_.id(), group.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), Kind::group);
  if (!g.valid()) fail_io("cannot create group", where(group), "check free disk space and permissions");
}

// ---- attributes -----------------------------------------------------------

bool File::has_attribute(const std::string& object, const std::string& name) const {
  return exists(object) && H5Aexists_by_name(file_.id(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

Handle File::open_attribute(const std::string& object, const std::string& name) const {
  if (!has_attribute(object, name))
    fail_input("missing attribute '" + name + "'", where(object),
               expected_.empty() ? "check the attribute's name" : "is this " + expected_ + "?");
  Handle attr(H5Aopen_by_name(file_.id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), Kind::attribute);
  if (!attr.valid()) fail_input("cannot open attribute '" + name + "'", where(object), "the file may be damaged");
  return attr;
}

std::string File::read_string_attribute(const std::string& object, const std::string& name) const {
  auto list = read_string_list_attribute(object, name);
  if (list.size() != 1)
    fail_input("attribute '" + name + "' is not a single string", where(object), "check the file type");
  return list[0];
}

std::vector<std::string> File::read_string_list_attribute(const std::string& object, const std::string& name) const {
  Handle attr = open_attribute(object, name);
  Handle type(H5Aget_type(attr.id()), Kind::datatype);
  Handle space(H5Aget_space(attr.id()), Kind::dataspace);
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  std::vector<std::string> out;
  if (H5Tget_class(type.id()) != H5T_STRING) {
    // h5py stores an empty list as a float64 array of length 0.
    if (count == 0) return out;
    fail_input("attribute '" + name + "' is not a string", where(object), "check the file type");
  }
  const hid_t a = attr.id();
  if (!read_string_values(type.id(), space.id(), static_cast<size_t>(count), out,
                          [a](hid_t mem, void* buf) { return H5Aread(a, mem, buf); }))
    fail_input("cannot read attribute '" + name + "'", where(object), "the file may be damaged");
  return out;
}

int64_t File::read_int_attribute(const std::string& object, const std::string& name) const {
  Handle attr = open_attribute(object, name);
  Handle space(H5Aget_space(attr.id()), Kind::dataspace);
  int64_t v = 0;
  if (H5Sget_simple_extent_npoints(space.id()) != 1 || H5Aread(attr.id(), H5T_NATIVE_INT64, &v) < 0)
    fail_input("attribute '" + name + "' is not an integer", where(object), "check the file type");
  return v;
}

void File::write_attribute(const std::string& object, const std::string& name, const std::string& value,
                           Strings form) {
  Handle type(H5Tcopy(H5T_C_S1), Kind::datatype);
  if (form == Strings::fixed_length) {
    H5Tset_size(type.id(), value.empty() ? 1 : value.size());
    H5Tset_cset(type.id(), H5T_CSET_UTF8);
    H5Tset_strpad(type.id(), H5T_STR_NULLPAD);
  } else {
    H5Tset_size(type.id(), H5T_VARIABLE);
    H5Tset_cset(type.id(), H5T_CSET_UTF8);
  }
  Handle space(H5Screate(H5S_SCALAR), Kind::dataspace);
  Handle attr(H5Acreate_by_name(file_.id(), object.c_str(), name.c_str(), type.id(), space.id(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
              Kind::attribute);
  const char* p = value.c_str();
  const void* data = form == Strings::fixed_length ? static_cast<const void*>(p) : static_cast<const void*>(&p);
  if (!attr.valid() || H5Awrite(attr.id(), type.id(), data) < 0)
    fail_io("cannot write attribute '" + name + "'", where(object), "check free disk space and permissions");
}

void File::write_attribute(const std::string& object, const std::string& name, int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), Kind::dataspace);
  Handle attr(H5Acreate_by_name(file_.id(), object.c_str(), name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
              Kind::attribute);
  if (!attr.valid() || H5Awrite(attr.id(), H5T_NATIVE_INT64, &value) < 0)
    fail_io("cannot write attribute '" + name + "'", where(object), "check free disk space and permissions");
}

// ---- whole datasets -------------------------------------------------------

Handle File::open_dataset(const std::string& dataset) const {
  if (!exists(dataset)) fail_missing(dataset, "dataset");
  Handle d(H5Dopen2(file_.id(), dataset.c_str(), H5P_DEFAULT), Kind::dataset);
  if (!d.valid())
    fail_input("not a dataset", where(dataset), expected_.empty() ? "check the object's name" : "is this " + expected_ + "?");
  return d;
}

std::vector<uint64_t> File::shape(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle space(H5Dget_space(d.id()), Kind::dataspace);
  return extent(space.id());
}

void File::read_raw(const std::string& dataset, Type type, void* data, size_t count) const {
  Handle d = open_dataset(dataset);
  Handle space(H5Dget_space(d.id()), Kind::dataspace);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || static_cast<size_t>(n) != count)
    fail_input("dataset has " + std::to_string(n) + " values, expected " + std::to_string(count), where(dataset),
               "the file may be damaged");
  // A damaged number type (a float whose fields do not fit its size) makes
  // HDF5's conversion allocate without bound: refuse it first.
  Handle stored(H5Dget_type(d.id()), Kind::datatype);
  const H5T_class_t cls = H5Tget_class(stored.id());
  if (cls == H5T_FLOAT || cls == H5T_INTEGER) {
    const size_t bytes = H5Tget_size(stored.id()), precision = H5Tget_precision(stored.id());
    const int offset = H5Tget_offset(stored.id());
    if (bytes == 0 || bytes > 16 || precision == 0 || offset < 0 ||
        precision + static_cast<size_t>(offset) > 8 * bytes)
      fail_input("dataset has a damaged number type (" + std::to_string(bytes) + " bytes, " +
                     std::to_string(precision) + " bits of precision)",
                 where(dataset), "the file may be damaged; write it again");
  }
  Types t = types_of(type);
  if (count > 0 && H5Dread(d.id(), t.mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail_input(std::string("cannot read the dataset as ") + type_name(type), where(dataset),
               std::string("store it as a numeric array (or the file is damaged)"));
}

// A damaged file can claim any shape; allocating it first would end the
// process (out of memory) instead of reporting the file. Compression lets a
// dataset hold more than its file (deflate at most ~1000:1), so the bound is
// generous: 1024 times the file's size, and at least 256 MiB.
namespace {
void check_claimed_size(const std::string& path, const std::string& where, const std::vector<uint64_t>& dims,
                        size_t elem) {
  if (std::find(dims.begin(), dims.end(), uint64_t{0}) != dims.end()) return;
  uint64_t n = 1;
  bool overflow = false;
  for (auto d : dims) {
    if (d != 0 && n > UINT64_MAX / d) overflow = true;
    n *= d;
  }
  if (!overflow && n > UINT64_MAX / elem) overflow = true;
  std::error_code ec;
  const uint64_t file_bytes = std::filesystem::file_size(path, ec);
  const uint64_t bound = std::max<uint64_t>(uint64_t{1} << 28, ec ? 0 : std::min(file_bytes, uint64_t{1} << 40) * 1024);
  if (overflow || n * elem > bound)
    fail_input("dataset of shape " + shape_text(dims) + " claims more data than the file can hold", where,
               "the file may be damaged; write it again");
}
}  // namespace

template <class T> Array<T> File::read(const std::string& dataset) const {
  Array<T> a;
  a.shape = shape(dataset);
  check_claimed_size(path_, where(dataset), a.shape, sizeof(T));
  a.values.resize(product(a.shape));
  read_raw(dataset, type_of<T>, a.values.data(), a.values.size());
  return a;
}

template <class T> T File::read_scalar(const std::string& dataset) const {
  auto a = read<T>(dataset);
  if (a.values.size() != 1)
    fail_input("dataset of shape " + shape_text(a.shape) + " is not a single value", where(dataset),
               "check the object's name");
  return a.values[0];
}

std::vector<std::string> File::read_strings(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle type(H5Dget_type(d.id()), Kind::datatype);
  Handle space(H5Dget_space(d.id()), Kind::dataspace);
  if (H5Tget_class(type.id()) != H5T_STRING)
    fail_input("dataset is not of strings", where(dataset), "check the object's name");
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  std::vector<std::string> out;
  const hid_t id = d.id();
  if (!read_string_values(type.id(), space.id(), static_cast<size_t>(count), out,
                          [id](hid_t mem, void* buf) { return H5Dread(id, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); }))
    fail_input("cannot read the strings", where(dataset), "the file may be damaged");
  return out;
}

std::vector<bool> File::read_flags(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle space(H5Dget_space(d.id()), Kind::dataspace);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  std::vector<int8_t> raw(static_cast<size_t>(n > 0 ? n : 0));
  Types t = types_of(Type::boolean);
  if (!raw.empty() && H5Dread(d.id(), t.mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
    fail_input("cannot read the dataset as bool", where(dataset), "store it as h5py's bool");
  return std::vector<bool>(raw.begin(), raw.end());
}

void File::write_raw(const std::string& dataset, Type type, const void* data, size_t count,
                     const std::vector<uint64_t>& shape) {
  if (count != product(shape))
    fail(Exit::internal, std::to_string(count) + " values do not fill shape " + shape_text(shape), where(dataset));
  Types t = types_of(type);
  Handle space = simple_space(shape);
  Handle lcpl = with_parents();
  Handle d(H5Dcreate2(file_.id(), dataset.c_str(), t.file, space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
           Kind::dataset);
  if (!d.valid() || (count > 0 && H5Dwrite(d.id(), t.mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
    fail_io("cannot write the dataset", where(dataset), "check free disk space and permissions");
}

template <class T>
void File::write(const std::string& dataset, std::span<const T> values, const std::vector<uint64_t>& shape) {
  write_raw(dataset, type_of<T>, values.data(), values.size(), shape);
}

void File::write_strings(const std::string& dataset, std::span<const std::string> values) {
  std::vector<const char*> ptrs(values.size());
  for (size_t i = 0; i < values.size(); ++i) ptrs[i] = values[i].c_str();
  write_raw(dataset, Type::str, ptrs.data(), ptrs.size(), {ptrs.size()});
}

void File::write_string(const std::string& dataset, const std::string& value) {
  const char* p = value.c_str();
  write_raw(dataset, Type::str, &p, 1, {});
}

void File::write_flags(const std::string& dataset, const std::vector<bool>& flags) {
  std::vector<int8_t> b(flags.begin(), flags.end());
  write_raw(dataset, Type::boolean, b.data(), b.size(), {b.size()});
}

// ---- datasets written record by record -------------------------------------

Dataset File::create_dataset(const std::string& dataset, Type type, const std::vector<uint64_t>& dims,
                             const std::vector<uint64_t>& max_dims, const std::vector<uint64_t>& chunk, bool growing) {
  if (dims.empty()) fail(Exit::internal, "a record-by-record dataset needs a record axis", where(dataset));
  Types t = types_of(type);
  Handle space = simple_space(dims, max_dims);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), Kind::plist);
  const Dims chunk_dims = dims_of(chunk);
  if (!chunk.empty()) H5Pset_chunk(dcpl.id(), static_cast<int>(chunk_dims.size()), chunk_dims.data());
  Handle lcpl = with_parents();
  Dataset d;
  d.dset_ = Handle(H5Dcreate2(file_.id(), dataset.c_str(), t.file, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
                   Kind::dataset);
  d.where_ = where(dataset);
  if (!d.dset_.valid()) fail_io("cannot create the dataset", d.where_, "check free disk space and permissions");
  d.type_ = type;
  d.record_.assign(dims.begin() + 1, dims.end());
  d.capacity_ = dims[0];
  d.growing_ = growing;
  return d;
}

Dataset File::create_growing(const std::string& dataset, Type type, const std::vector<uint64_t>& record,
                             uint64_t chunk_records) {
  std::vector<uint64_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{chunk_records};
  for (auto d : record) {
    dims.push_back(d);
    max_dims.push_back(d);
    chunk.push_back(std::max<uint64_t>(d, 1));
  }
  return create_dataset(dataset, type, dims, max_dims, chunk, true);
}

Dataset File::create_fixed(const std::string& dataset, Type type, const std::vector<uint64_t>& shape,
                           const std::vector<uint64_t>& chunk) {
  return create_dataset(dataset, type, shape, {}, chunk, false);
}

#define S2F_H5_NUMERIC(T)                                                                                   \
  template Array<T> File::read<T>(const std::string&) const;                                                \
  template T File::read_scalar<T>(const std::string&) const;                                                \
  template void File::write<T>(const std::string&, std::span<const T>, const std::vector<uint64_t>&);
S2F_H5_NUMERIC(int8_t)
S2F_H5_NUMERIC(uint8_t)
S2F_H5_NUMERIC(int16_t)
S2F_H5_NUMERIC(uint16_t)
S2F_H5_NUMERIC(int32_t)
S2F_H5_NUMERIC(uint32_t)
S2F_H5_NUMERIC(int64_t)
S2F_H5_NUMERIC(uint64_t)
S2F_H5_NUMERIC(float)
S2F_H5_NUMERIC(double)
#undef S2F_H5_NUMERIC

}  // namespace s2f::h5
