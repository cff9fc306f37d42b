// The one HDF5 layer (s2f/hdf5/h5.hpp): round trips of every stored type,
// errors that name the file and the object, damaged files, and no handle
// left open after an error.
#include "s2f/hdf5/h5.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/io.hpp"

using namespace s2f;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("s2f-test-h5-" + std::to_string(::getpid()) + "-" + name)).string();
}

// Open identifiers of the kinds a reader opens, wherever they are.
struct OpenIds {
  ssize_t objects = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);  // files, groups, datasets, types, attributes
  hsize_t spaces = 0, types = 0, plists = 0;
  OpenIds() {
    H5Inmembers(H5I_DATASPACE, &spaces);
    H5Inmembers(H5I_DATATYPE, &types);
    H5Inmembers(H5I_GENPROP_LST, &plists);
  }
  bool operator==(const OpenIds& o) const {
    return objects == o.objects && spaces == o.spaces && types == o.types && plists == o.plists;
  }
};

template <class T> void write_vector(h5::File& w, const std::string& name, std::vector<T> values,
                                     std::vector<uint64_t> shape) {
  w.write<T>(name, values, shape);
}

template <class T> void expect_array(const h5::File& r, const std::string& name, const std::vector<T>& values,
                                     const std::vector<uint64_t>& shape) {
  auto a = r.read<T>(name);
  EXPECT_EQ(a.shape, shape) << name;
  EXPECT_EQ(a.values, values) << name;
}

// A complete small file written through every writer of the layer.
std::string write_sample(const std::string& path) {
  auto f = h5::File::create(path);
  write_vector<float>(f, "f32", {1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.0f}, {2, 3});
  write_vector<double>(f, "group/f64", {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, {2, 2, 2});
  write_vector<int64_t>(f, "i64", {-1, 0, int64_t{1} << 40}, {3});
  write_vector<uint8_t>(f, "u8", {65, 67, 71, 84}, {4});
  write_vector<uint64_t>(f, "u64", {7}, {1});
  f.write_scalar<double>("scalar", 2.5);
  f.write_strings("names", std::vector<std::string>{"chr1", "", "héllo"});
  f.write_string("text", "{\"a\": 1}");
  f.write_flags("flags", {true, false, true});
  f.create_group("/a/b");
  f.write_attribute("/", "fixed", "s2f-model", h5::File::Strings::fixed_length);
  f.write_attribute("/", "variable", "s2f-hdf5 1");
  f.write_attribute("/a/b", "empty_fixed", "", h5::File::Strings::fixed_length);
  f.write_attribute("/a", "version", int64_t{42});
  {
    auto g = f.create_growing("grow", h5::Type::f32, {3}, 2);
    g.append<float>(std::vector<float>{1, 2, 3});
    g.append<float>(std::vector<float>{});
    g.append<float>(std::vector<float>{4, 5, 6, 7, 8, 9});
    EXPECT_EQ(g.rows(), 3u);
    auto s = f.create_growing("grow_str", h5::Type::str, {}, 4);
    s.append(std::vector<std::string>{"x", "yy"});
    s.append(std::vector<std::string>{"zzz"});
    auto x = f.create_fixed("fixed_rows", h5::Type::i32, {3, 2}, {2, 2});
    x.append<int32_t>(std::vector<int32_t>{1, 2, 3, 4});
    x.append<int32_t>(std::vector<int32_t>{5, 6});
  }
  f.commit();
  return path;
}

}  // namespace

TEST(H5, RoundTripsEveryType) {
  const std::string path = write_sample(temp_path("round.h5"));
  {
    const auto f = h5::File::open(path, "a test file");
    expect_array<float>(f, "f32", {1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.0f}, {2, 3});
    expect_array<double>(f, "group/f64", {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, {2, 2, 2});
    expect_array<int64_t>(f, "i64", {-1, 0, int64_t{1} << 40}, {3});
    expect_array<uint8_t>(f, "u8", {65, 67, 71, 84}, {4});
    expect_array<uint64_t>(f, "u64", {7}, {1});
    EXPECT_EQ(f.read_scalar<double>("scalar"), 2.5);
    EXPECT_TRUE(f.shape("scalar").empty());
    // HDF5 converts on read: float32 stored, float64 and int read.
    expect_array<double>(f, "f32", {1.5, -2.25, 3.0, 4.0, 5.0, 6.0}, {2, 3});
    EXPECT_EQ(f.read_strings("names"), (std::vector<std::string>{"chr1", "", "héllo"}));
    EXPECT_EQ(f.read_strings("text"), (std::vector<std::string>{"{\"a\": 1}"}));
    EXPECT_EQ(f.read_flags("flags"), (std::vector<bool>{true, false, true}));
    EXPECT_TRUE(f.exists("/a/b"));
    EXPECT_FALSE(f.exists("/a/c/d"));  // a missing parent is not an error
    EXPECT_EQ(f.members("/a"), (std::vector<std::string>{"b"}));
    EXPECT_EQ(f.read_string_attribute("/", "fixed"), "s2f-model");
    EXPECT_EQ(f.read_string_attribute("/", "variable"), "s2f-hdf5 1");
    EXPECT_EQ(f.read_string_attribute("/a/b", "empty_fixed"), "");
    EXPECT_EQ(f.read_string_list_attribute("/", "variable"), (std::vector<std::string>{"s2f-hdf5 1"}));
    EXPECT_EQ(f.read_int_attribute("/a", "version"), 42);
    EXPECT_TRUE(f.has_attribute("/a", "version"));
    EXPECT_FALSE(f.has_attribute("/a", "nope"));
    EXPECT_FALSE(f.has_attribute("/missing", "version"));
    expect_array<float>(f, "grow", {1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3});
    EXPECT_EQ(f.read_strings("grow_str"), (std::vector<std::string>{"x", "yy", "zzz"}));
    expect_array<int32_t>(f, "fixed_rows", {1, 2, 3, 4, 5, 6}, {3, 2});
  }
  // The layouts h5py users see: chunking and maximum shape of the growing dataset.
  {
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(file, "grow", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(d);
    hsize_t chunk[2] = {0, 0};
    EXPECT_EQ(H5Pget_chunk(dcpl, 2, chunk), 2);
    EXPECT_EQ(chunk[0], 2u);
    EXPECT_EQ(chunk[1], 3u);
    hid_t space = H5Dget_space(d);
    hsize_t dims[2], maxd[2];
    H5Sget_simple_extent_dims(space, dims, maxd);
    EXPECT_EQ(maxd[0], H5S_UNLIMITED);
    hid_t type = H5Dget_type(d);
    EXPECT_GT(H5Tequal(type, H5T_IEEE_F32LE), 0);
    H5Tclose(type);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Dclose(d);
    H5Fclose(file);
  }
  std::remove(path.c_str());
}

TEST(H5, CreatedFileAppearsOnlyOnCommit) {
  const std::string path = temp_path("uncommitted.h5");
  {
    auto f = h5::File::create(path);
    f.write_scalar<int64_t>("x", 1);
    EXPECT_FALSE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
  // Nor is a temporary left behind.
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
    EXPECT_EQ(e.path().filename().string().find("s2f-test-h5-" + std::to_string(::getpid()) + "-uncommitted"),
              std::string::npos)
        << e.path();
}

TEST(H5, MissingDatasetNamesFileAndObject) {
  const std::string path = write_sample(temp_path("missing.h5"));
  const auto f = h5::File::open(path, "a test file");
  try {
    (void)f.read<float>("/group/nope");
    FAIL() << "reading a missing dataset must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(e.where().find(path), std::string::npos) << e.what();
    EXPECT_NE(e.where().find("/group/nope"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("a test file"), std::string::npos) << e.what();
  }
  try {
    (void)f.read_int_attribute("/a", "nope");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
    EXPECT_NE(e.where(), "") << e.what();
  }
  EXPECT_THROW((void)f.read<float>("names"), Error);  // strings are not numbers
  EXPECT_THROW((void)f.read<float>("/a"), Error);     // a group is not a dataset
  std::remove(path.c_str());
}

TEST(H5, MissingNonHdf5AndTruncatedFiles) {
  try {
    (void)h5::File::open(temp_path("does-not-exist.h5"), "a test file");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::io);
  }
  const std::string text = temp_path("text.h5");
  std::ofstream(text) << "ACGT\n";
  try {
    (void)h5::File::open(text, "a test file");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
  std::remove(text.c_str());

  const std::string path = write_sample(temp_path("truncated.h5"));
  fs::resize_file(path, fs::file_size(path) / 2);
  const OpenIds before;
  try {
    (void)h5::File::open(path, "a test file");
    FAIL() << "a truncated file must not open";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::bad_input);
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_TRUE(before == OpenIds());
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
  std::remove(path.c_str());
}

TEST(H5, FailedReadsLeaveNoHandleOpen) {
  const std::string path = write_sample(temp_path("leak.h5"));
  const OpenIds before;
  EXPECT_EQ(before.objects, 0);
  {
    const auto f = h5::File::open(path, "a test file");
    const OpenIds opened;
    EXPECT_EQ(opened.objects, 1);  // the file itself
    EXPECT_THROW((void)f.read<float>("names"), Error);            // fails inside H5Dread
    EXPECT_THROW((void)f.read<float>("/missing"), Error);         // fails before opening
    EXPECT_THROW((void)f.read_int_attribute("/", "fixed"), Error);  // a string is not an integer
    EXPECT_THROW((void)f.read_strings("f32"), Error);             // numbers are not strings
    EXPECT_THROW((void)f.members("f32"), Error);                  // a dataset is not a group
    EXPECT_TRUE(opened == OpenIds());
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 1);
  }
  EXPECT_TRUE(before == OpenIds());
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
  std::remove(path.c_str());
}

TEST(H5, WrongTypeOrShapeOnWriteIsABug) {
  const std::string path = temp_path("bug.h5");
  auto f = h5::File::create(path);
  try {
    f.write<float>("x", std::vector<float>{1, 2, 3}, {2, 2});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Exit::internal);
  }
  auto d = f.create_growing("g", h5::Type::f32, {2}, 4);
  EXPECT_THROW(d.append<double>(std::vector<double>{1, 2}), Error);
  EXPECT_THROW(d.append<float>(std::vector<float>{1, 2, 3}), Error);  // not whole records
}

// D3: while an OutputSet is open, committed outputs appear only in
// commit_all(), the one named by rename_last() after the others; without
// commit_all() (an error on the way) none appears and no temporary is left.
namespace {
size_t temporaries_of(const std::string& tag) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
    if (e.path().filename().string().find(tag) != std::string::npos) ++n;
  return n;
}
}  // namespace

TEST(OutputSet, OutputsAppearTogetherPrimaryLast) {
  const std::string side = temp_path("set-side.tsv"), h5 = temp_path("set-side.h5"), primary = temp_path("set-primary");
  {
    OutputSet set;
    set.rename_last(primary);
    TextOutput p(primary);
    p.write("primary\n");
    p.commit();  // committed first, renamed last
    TextOutput t(side);
    t.write("side\n");
    t.commit();
    auto f = h5::File::create(h5);
    f.write_scalar<int64_t>("x", 1);
    f.commit();
    EXPECT_FALSE(fs::exists(side));
    EXPECT_FALSE(fs::exists(h5));
    EXPECT_FALSE(fs::exists(primary));
    EXPECT_EQ(set.pending(), 3u);
    set.commit_all();
    EXPECT_TRUE(fs::exists(side));
    EXPECT_TRUE(fs::exists(h5));
    EXPECT_TRUE(fs::exists(primary));
    // The primary is renamed last (a rename sets the inode's change time).
    auto ctime = [](const std::string& p) {
      struct stat st {};
      ::stat(p.c_str(), &st);
      return std::pair(st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    };
    EXPECT_GE(ctime(primary), ctime(side));
    EXPECT_GE(ctime(primary), ctime(h5));
  }
  for (const auto& p : {side, h5, primary}) fs::remove(p);
}

TEST(OutputSet, FailureLeavesNoOutputAndNoTemporary) {
  const std::string side = temp_path("setfail-side.tsv"), h5 = temp_path("setfail.h5"), primary = temp_path("setfail-primary");
  {
    OutputSet set;
    set.rename_last(primary);
    TextOutput p(primary);
    p.write("primary\n");
    p.commit();
    auto f = h5::File::create(h5);
    f.write_scalar<int64_t>("x", 1);
    f.commit();
    TextOutput t(side);
    t.write("side\n");
    // An error here: the set is destroyed without commit_all().
  }
  for (const auto& p : {side, h5, primary}) EXPECT_FALSE(fs::exists(p)) << p;
  EXPECT_EQ(temporaries_of("setfail"), 0u);
}

TEST(OutputSet, WithoutASetCommitRenamesAtOnce) {
  const std::string path = temp_path("noset.tsv");
  ASSERT_EQ(OutputSet::current(), nullptr);
  TextOutput t(path);
  t.write("x\n");
  t.commit();
  EXPECT_TRUE(fs::exists(path));
  fs::remove(path);
}
