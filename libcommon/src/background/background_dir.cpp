#include "s2f/background/background_dir.hpp"

#include <cstdlib>
#include <filesystem>

#include "s2f/error.hpp"

namespace s2f::background {

std::string background_dir() {
  if (const char* dir = std::getenv("S2F_BACKGROUNDS"); dir && *dir) return dir;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.s2f/backgrounds";
  return {};
}

std::string resolve_background(const std::string& name_or_path) {
  const auto& a = name_or_path;
  const bool path_like = a.find('/') != std::string::npos ||
                         (a.size() >= 4 && a.compare(a.size() - 4, 4, ".npz") == 0) || std::filesystem::exists(a);
  if (path_like) return a;
  const std::string dir = background_dir();
  if (dir.empty())
    fail_usage("--cdf '" + a + "' is a name, but neither $S2F_BACKGROUNDS nor $HOME is set to look it up in",
               "give the archive's path, or set S2F_BACKGROUNDS to the directory holding NAME_pertrack.npz");
  const std::string path = dir + "/" + a + "_pertrack.npz";
  if (!std::filesystem::exists(path))
    fail_input("no background named '" + a + "': " + path + " does not exist", path,
               "build it with s2f-merge-cdfs --name " + a + " --out-dir " + dir +
                   ", set S2F_BACKGROUNDS to the directory holding it, or give the archive's path");
  return path;
}

}  // namespace s2f::background
