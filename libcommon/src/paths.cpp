#include "s2f/paths.hpp"

#include <filesystem>
#include <map>

#ifndef S2F_SOURCE_DIR
#define S2F_SOURCE_DIR ""
#endif

namespace s2f {

namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : self.parent_path().string();
}

std::string sibling_tool(const std::string& name) {
  auto dir = executable_dir();
  if (!dir.empty()) {
    auto candidate = fs::path(dir) / name;
    std::error_code ec;
    if (fs::exists(candidate, ec)) return candidate.string();
  }
  return name;
}

std::string bundled_data(const std::string& relative) {
  std::error_code ec;
  auto dir = executable_dir();
  if (!dir.empty()) {
    auto installed = fs::path(dir).parent_path() / "share" / "s2f" / relative;
    if (fs::exists(installed, ec)) return installed.string();
  }
  // The source tree keeps the same files under other names; the install
  // rules (libcommon/CMakeLists.txt) copy them to share/s2f/ by this table.
  static const std::map<std::string, std::string> in_source = {
      {"models/demo.s2fm", "pipelines/demo/model/demo.s2fm"},
      {"catalogs/alphagenome_human_tracks.tsv.zst", "formats/catalogs/alphagenome_human_tracks.tsv.zst"},
      {"catalogs/alphagenome_mouse_tracks.tsv.zst", "formats/catalogs/alphagenome_mouse_tracks.tsv.zst"},
  };
  auto it = in_source.find(relative);
  if (it != in_source.end() && *S2F_SOURCE_DIR) {
    auto source = fs::path(S2F_SOURCE_DIR) / it->second;
    if (fs::exists(source, ec)) return source.string();
  }
  return {};
}

}  // namespace s2f
