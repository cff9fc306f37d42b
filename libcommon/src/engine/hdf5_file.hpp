// Minimal RAII wrapper over the HDF5 C API for model files (private).
// Errors come back as s2f::Error naming the file and object.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "s2f/engine/graph.hpp"

namespace s2f::engine::h5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

class File {
 public:
  static File open_read(const std::string& path);
  static File create(const std::string& path);  // truncates
  hid_t id() const { return file_.get(); }
  const std::string& path() const { return path_; }

  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string read_string_attribute(const std::string& object, const std::string& name) const;
  std::vector<std::string> read_string_list_attribute(const std::string& object, const std::string& name) const;
  int64_t read_int_attribute(const std::string& object, const std::string& name) const;
  bool exists(const std::string& object) const;
  WeightTensor read_tensor(const std::string& dataset) const;

  void write_string_attribute(const std::string& object, const std::string& name, const std::string& value);
  void write_int_attribute(const std::string& object, const std::string& name, int64_t value);
  void create_group(const std::string& group);
  void write_tensor(const std::string& dataset, const WeightTensor& t);

 private:
  Handle file_;
  std::string path_;
};

}  // namespace s2f::engine::h5
