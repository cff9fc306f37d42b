#include "s2f/tsv.hpp"

namespace s2f {

void split_tabs(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t b = 0;
  while (true) {
    size_t t = line.find('\t', b);
    if (t == std::string_view::npos) {
      out.push_back(line.substr(b));
      return;
    }
    out.push_back(line.substr(b, t - b));
    b = t + 1;
  }
}

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string_view> views;
  split_tabs(line, views);
  return {views.begin(), views.end()};
}

}  // namespace s2f
