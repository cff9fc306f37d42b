// Test support for the engine: fixtures generated at test time by the Python
// references in tests/engine/ (written once per build directory, atomically,
// so concurrent test processes share them) and output comparison.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"

namespace s2f::engine::testing {

namespace fs = std::filesystem;

inline std::string source_dir() { return S2F_SOURCE_DIR; }
inline std::string shared_data() { return source_dir() + "/../shared/data"; }
inline bool have_shared(const std::string& sub) { return fs::exists(shared_data() + "/" + sub); }
// Debian's python3-torch, python3-h5py and python3-numpy (checked without
// importing torch, which takes seconds).
inline bool have_python() {
  for (const char* m : {"torch", "h5py", "numpy"})
    if (!fs::exists(std::string("/usr/lib/python3/dist-packages/") + m)) return false;
  return fs::exists("/usr/bin/python3");
}

// Runs tests/engine/<script> <dir> <args> once; returns the fixture directory,
// or "" when the script reports that its data is absent (exit 77).
inline std::string fixtures(const std::string& script, const std::string& args = "") {
  const std::string src = source_dir() + "/tests/engine/";
  // Key the directory on the generator sources so edits regenerate.
  size_t key = std::hash<std::string>{}(script + "|" + args);
  for (const auto& f : fs::directory_iterator(src))
    if (f.path().extension() == ".py" || f.path().filename() == "common.py")
      key = key * 31 + static_cast<size_t>(fs::last_write_time(f).time_since_epoch().count()) + fs::file_size(f);
  for (const char* f : {"/formats/python/s2f_model_export.py", "/formats/python/bpnet_lite.py",
                        "/formats/python/bpnet_lite_files.py"})
    key = key * 31 + static_cast<size_t>(fs::last_write_time(source_dir() + f).time_since_epoch().count());
  const fs::path root = fs::path(S2F_ENGINE_FIXTURES);
  fs::create_directories(root);
  const fs::path done = root / (script.substr(0, script.find('.')) + "-" + std::to_string(key));
  if (fs::exists(done / "ok")) return done.string();
  if (fs::exists(done / "skip")) return "";
  const fs::path tmp = root / ("tmp-" + std::to_string(::getpid()) + "-" + std::to_string(key));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const std::string cmd = "PYTHONPATH=" + source_dir() + "/formats/python /usr/bin/python3 -B " + src + script + " " +
                          tmp.string() + " " + args;
  const int status = std::system(cmd.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 77) {
    std::ofstream(tmp / "skip") << "data absent\n";
  } else if (code != 0) {
    ADD_FAILURE() << "fixture generator failed (exit " << code << "): " << cmd;
    return "";
  } else {
    std::ofstream(tmp / "ok") << "ok\n";
  }
  std::error_code ec;
  fs::rename(tmp, done, ec);  // another process may have won the race: use its copy
  if (ec) fs::remove_all(tmp);
  return fs::exists(done / "ok") ? done.string() : "";
}

inline std::vector<float> read_f32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  in.seekg(0, std::ios::end);
  std::vector<float> v(static_cast<size_t>(in.tellg()) / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

struct HeadError {
  double max_abs = 0, max_rel = 0;  // rel: |a-b| / max(|b|, 1)
};

struct CaseResult {
  std::vector<std::string> names;
  std::vector<HeadError> errors;
};

// Loads case `name` from `dir`, runs the engine and compares every head.
inline CaseResult run_case(const std::string& dir, const std::string& name, const std::string& model_override = "") {
  nlohmann::json c;
  std::ifstream(dir + "/" + name + ".json") >> c;
  std::string model_path = model_override.empty() ? c["model"].get<std::string>() : model_override;
  if (!model_path.empty() && model_path[0] != '/') model_path = dir + "/" + model_path;
  // At the case's length: a free-length model is built at it, a fixed one has it.
  auto model = std::make_shared<CompiledModel>(load_model(ModelSource{model_path, "", c["length"].get<int64_t>()}));
  Predictor predictor(model);
  const auto x = read_f32(dir + "/" + name + ".input.f32");
  const int64_t batch = c["batch"].get<int64_t>();
  EXPECT_EQ(static_cast<int64_t>(x.size()), batch * predictor.input_length() * predictor.input_channels());
  auto outputs = predictor.predict(x.data(), batch);
  CaseResult r;
  for (const auto& h : c["heads"]) {
    const auto want = read_f32(dir + "/" + h["file"].get<std::string>());
    const HeadOutput* got = nullptr;
    for (const auto& o : outputs)
      if (o.name == h["name"].get<std::string>()) got = &o;
    EXPECT_NE(got, nullptr) << "head " << h["name"];
    if (!got) continue;
    EXPECT_EQ(got->tracks, h["tracks"].get<int64_t>()) << h["name"];
    EXPECT_EQ(got->bins, h["bins"].get<int64_t>()) << h["name"];
    EXPECT_EQ(got->values.size(), want.size()) << h["name"];
    HeadError e;
    for (size_t i = 0; i < std::min(want.size(), got->values.size()); ++i) {
      const double d = std::fabs(static_cast<double>(got->values[i]) - want[i]);
      e.max_abs = std::max(e.max_abs, d);
      e.max_rel = std::max(e.max_rel, d / std::max(1.0, std::fabs(static_cast<double>(want[i]))));
      if (!std::isfinite(got->values[i])) e.max_abs = e.max_rel = INFINITY;
    }
    r.names.push_back(h["name"].get<std::string>());
    r.errors.push_back(e);
  }
  return r;
}

}  // namespace s2f::engine::testing
