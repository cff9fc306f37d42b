// HDF5 access for model files. Keras writes its attributes as fixed-length
// byte strings (h5py's default for bytes); other writers use variable-length
// strings, so the readers accept both.
#include "hdf5_file.hpp"

#include <mutex>

#include "s2f/error.hpp"

namespace s2f::engine::h5 {

namespace {

// HDF5 prints its own error stack unless told not to; s2f reports instead.
void silence_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string at(const std::string& path, const std::string& object) { return path + ":" + object; }

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0 && close_) close_(id_);
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && close_) close_(id_);
}

File File::open_read(const std::string& path) {
  silence_hdf5();
  File f;
  f.path_ = path;
  if (H5Fis_hdf5(path.c_str()) <= 0) fail_input("not an HDF5 file", path, "give an s2f model file or a Keras .h5 model");
  f.file_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.file_.valid()) fail_io("cannot open HDF5 file", path, "check the path and permissions");
  return f;
}

File File::create(const std::string& path) {
  silence_hdf5();
  File f;
  f.path_ = path;
  f.file_ = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!f.file_.valid()) fail_io("cannot create HDF5 file", path, "check the directory exists and is writable");
  return f;
}

bool File::exists(const std::string& object) const {
  if (object == "/" || object.empty()) return true;
  // Check each path component so that a missing parent is not an error.
  size_t pos = 0;
  while (true) {
    pos = object.find('/', pos + 1);
    std::string prefix = object.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && H5Lexists(id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

bool File::has_attribute(const std::string& object, const std::string& name) const {
  return exists(object) && H5Aexists_by_name(id(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string File::read_string_attribute(const std::string& object, const std::string& name) const {
  auto list = read_string_list_attribute(object, name);
  if (list.size() != 1) fail_input("attribute '" + name + "' is not a single string", at(path_, object), "check the file");
  return list[0];
}

std::vector<std::string> File::read_string_list_attribute(const std::string& object, const std::string& name) const {
  if (!has_attribute(object, name)) fail_input("missing attribute '" + name + "'", at(path_, object), "check the file type");
  Handle attr(H5Aopen_by_name(id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::string> out;
  if (H5Tget_class(type.get()) != H5T_STRING) {
    // h5py stores an empty list as a float64 array of length 0.
    if (count == 0) return out;
    fail_input("attribute '" + name + "' is not a string", at(path_, object), "check the file");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    std::vector<char*> ptrs(static_cast<size_t>(count), nullptr);
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    if (H5Aread(attr.get(), mem.get(), ptrs.data()) < 0) fail_io("cannot read attribute '" + name + "'", at(path_, object));
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const size_t width = H5Tget_size(type.get());
    std::vector<char> buf(width * static_cast<size_t>(count) + 1, '\0');
    Handle mem(H5Tcopy(type.get()), H5Tclose);
    if (H5Aread(attr.get(), mem.get(), buf.data()) < 0) fail_io("cannot read attribute '" + name + "'", at(path_, object));
    for (hssize_t i = 0; i < count; ++i) {
      const char* s = buf.data() + static_cast<size_t>(i) * width;
      size_t len = 0;
      while (len < width && s[len] != '\0') ++len;
      out.emplace_back(s, len);
    }
  }
  return out;
}

int64_t File::read_int_attribute(const std::string& object, const std::string& name) const {
  if (!has_attribute(object, name)) fail_input("missing attribute '" + name + "'", at(path_, object), "check the file type");
  Handle attr(H5Aopen_by_name(id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  int64_t v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) fail_input("attribute '" + name + "' is not an integer", at(path_, object));
  return v;
}

WeightTensor File::read_tensor(const std::string& dataset) const {
  if (!exists(dataset)) fail_input("missing weight dataset", at(path_, dataset), "the file is incomplete; re-export it");
  Handle d(H5Dopen2(id(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) fail_input("not a dataset", at(path_, dataset), "re-export the model");
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(rank > 0 ? rank : 0));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  WeightTensor t;
  for (auto v : dims) t.shape.push_back(static_cast<int64_t>(v));
  t.data.resize(static_cast<size_t>(t.numel()));
  // HDF5 converts float64/float16 stored weights to float32 on read.
  if (!t.data.empty() && H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data.data()) < 0)
    fail_input("cannot read weights as float32", at(path_, dataset), "store weights as a float type");
  return t;
}

void File::write_string_attribute(const std::string& object, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), value.empty() ? 1 : value.size());
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate_by_name(id(), object.c_str(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                H5P_DEFAULT),
              H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), type.get(), value.empty() ? "" : value.data()) < 0)
    fail_io("cannot write attribute '" + name + "'", at(path_, object));
}

void File::write_int_attribute(const std::string& object, const std::string& name, int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate_by_name(id(), object.c_str(), name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), H5T_NATIVE_INT64, &value) < 0)
    fail_io("cannot write attribute '" + name + "'", at(path_, object));
}

void File::create_group(const std::string& group) {
  if (exists(group)) return;
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle g(H5Gcreate2(id(), group.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g.valid()) fail_io("cannot create group", at(path_, group));
}

void File::write_tensor(const std::string& dataset, const WeightTensor& t) {
  std::vector<hsize_t> dims;
  for (auto s : t.shape) dims.push_back(static_cast<hsize_t>(s));
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle d(H5Dcreate2(id(), dataset.c_str(), H5T_IEEE_F32LE, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Dclose);
  if (!d.valid() || (!t.data.empty() && H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data.data()) < 0))
    fail_io("cannot write dataset", at(path_, dataset));
}

}  // namespace s2f::engine::h5
