// Where a running stage finds its siblings and its bundled data, whether it
// runs from the build tree or from an install prefix (bin/ next to
// share/s2f/).
#pragma once
#include <string>

namespace s2f {

// Directory of the running executable ("" when /proc is unavailable).
std::string executable_dir();

// Path of another s2f tool next to this one (build tree or install prefix),
// else the bare name, to be found on PATH.
std::string sibling_tool(const std::string& name);

// A bundled data file, by its path under share/s2f/ (e.g. "models/demo.s2fm"):
// the install prefix's copy when this executable is installed, else the
// source tree's (the build tree has no share/). "" when neither exists.
std::string bundled_data(const std::string& relative);

}  // namespace s2f
