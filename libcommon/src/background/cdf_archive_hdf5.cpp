// The same arrays as the npz, in HDF5 (for tools that prefer h5py or R).
// Written under a temporary name and renamed when complete.
#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "s2f/background/cdf_archive.hpp"
#include "s2f/error.hpp"

namespace s2f::background {

namespace {

void check(herr_t rc, const std::string& what, const std::string& path) {
  if (rc < 0) fail_io("HDF5 error while writing " + what, path, "check free disk space and permissions");
}
hid_t check_id(hid_t id, const std::string& what, const std::string& path) {
  if (id < 0) fail_io("HDF5 error while creating " + what, path, "check free disk space and permissions");
  return id;
}

class Hdf5CdfArchive : public CdfArchive {
 public:
  explicit Hdf5CdfArchive(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported through s2f::Error
    file_ = check_id(H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "the file", path_);
  }
  ~Hdf5CdfArchive() override {
    if (dset_ >= 0) H5Dclose(dset_);
    if (file_ >= 0) H5Fclose(file_);
    if (!done_) std::remove(tmp_.c_str());
  }

  void begin(const std::vector<std::string>& ids, size_t points) override {
    n_ = ids.size();
    points_ = points;
    std::vector<const char*> p;
    for (const auto& s : ids) p.push_back(s.c_str());
    hid_t type = utf8_string_type();
    hsize_t dims[1] = {n_};
    write_whole("track_ids", type, 1, dims, p.data());
    H5Tclose(type);
  }

  void begin_kind(ValueKind k) override {
    const std::string name = std::string(kind_name(k)) + "_cdfs";
    hsize_t dims[2] = {n_, points_};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk[2] = {std::max<hsize_t>(1, std::min<hsize_t>(n_, kRowsPerChunk)), std::max<hsize_t>(1, points_)};
    if (n_ > 0 && points_ > 0) H5Pset_chunk(dcpl, 2, chunk);
    dset_ = check_id(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), name,
                     path_);
    H5Pclose(dcpl);
    H5Sclose(space);
    next_row_ = 0;
    pending_.clear();
  }

  void row(std::span<const float> cdf) override {
    pending_.insert(pending_.end(), cdf.begin(), cdf.end());
    if (pending_.size() >= kRowsPerChunk * points_) flush_rows();
  }

  void end_kind(ValueKind k, const KindArrays& arrays) override {
    flush_rows();
    H5Dclose(dset_);
    dset_ = -1;
    const std::string kind = kind_name(k);
    hsize_t dims[1] = {arrays.counts.size()};
    write_whole(kind + "_counts", H5T_NATIVE_INT64, 1, dims, arrays.counts.data(), H5T_STD_I64LE);
    if (arrays.tail_k) {
      hsize_t tdims[2] = {n_, arrays.tail_k};
      write_whole(kind + "_tail_top", H5T_NATIVE_FLOAT, 2, tdims, arrays.tail_top.data(), H5T_IEEE_F32LE);
      write_whole(kind + "_tail_bottom", H5T_NATIVE_FLOAT, 2, tdims, arrays.tail_bottom.data(), H5T_IEEE_F32LE);
    }
  }

  void finish(const std::vector<bool>& flags, const nlohmann::json& config) override {
    // h5py reads an int8 enum {FALSE, TRUE} as numpy bool.
    hid_t boolean = H5Tenum_create(H5T_NATIVE_INT8);
    int8_t f = 0, t = 1;
    H5Tenum_insert(boolean, "FALSE", &f);
    H5Tenum_insert(boolean, "TRUE", &t);
    std::vector<int8_t> b(flags.begin(), flags.end());
    hsize_t dims[1] = {b.size()};
    write_whole("signed_flags", boolean, 1, dims, b.data());
    H5Tclose(boolean);

    std::string text = config.dump();
    const char* p = text.c_str();
    hid_t type = utf8_string_type();
    write_whole("build_config", type, 0, nullptr, &p);
    H5Tclose(type);

    check(H5Fclose(file_), "the file", path_);
    file_ = -1;
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail_io("cannot rename " + tmp_ + " to " + path_, path_);
    done_ = true;
  }

 private:
  static constexpr hsize_t kRowsPerChunk = 16;

  static hid_t utf8_string_type() {
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    return type;
  }

  void write_whole(const std::string& name, hid_t mem_type, int rank, const hsize_t* dims, const void* data,
                   hid_t file_type = -1) {
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, nullptr);
    hid_t d = check_id(H5Dcreate2(file_, name.c_str(), file_type >= 0 ? file_type : mem_type, space, H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       name, path_);
    bool empty = false;
    for (int i = 0; i < rank; ++i) empty = empty || dims[i] == 0;
    if (!empty) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name, path_);
    H5Dclose(d);
    H5Sclose(space);
  }

  void flush_rows() {
    if (pending_.empty()) return;
    hsize_t rows = pending_.size() / points_;
    hsize_t start[2] = {next_row_, 0}, count[2] = {rows, points_};
    hid_t fspace = H5Dget_space(dset_);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr);
    hid_t mspace = H5Screate_simple(2, count, nullptr);
    check(H5Dwrite(dset_, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, pending_.data()), "CDF rows", path_);
    H5Sclose(mspace);
    H5Sclose(fspace);
    next_row_ += rows;
    pending_.clear();
  }

  std::string path_, tmp_;
  hid_t file_ = -1, dset_ = -1;
  hsize_t n_ = 0, points_ = 0, next_row_ = 0;
  std::vector<float> pending_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<CdfArchive> CdfArchive::hdf5(const std::string& path) {
  return std::make_unique<Hdf5CdfArchive>(path);
}

}  // namespace s2f::background
