#include "s2f/catalog/feature_list.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "s2f/error.hpp"
#include "s2f/text_excerpt.hpp"
#include "s2f/utf8.hpp"

namespace s2f::catalog {

std::vector<std::string> read_feature_list(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_io("cannot open features list " + path, path, "check the path (one feature name per line)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_feature_list(ss.str(), path);
}

std::vector<std::string> parse_feature_list(const std::string& text, const std::string& where) {
  std::vector<std::string> names;
  std::map<std::string, size_t> first_line;
  std::istringstream in(text);
  std::string line;
  size_t line_no = 0;
  // A missing newline at the end is fine; an empty last line is not a name.
  while (std::getline(in, line)) {
    ++line_no;
    const std::string at = where + ":" + std::to_string(line_no);
    const size_t b = line.find_first_not_of(" \t\r\n\v\f");
    if (b == std::string::npos) {
      if (in.peek() == std::char_traits<char>::eof() && line_no > 1) break;
      fail_input("blank line in features list", at, "give one feature name per line, without blank lines");
    }
    const size_t e = line.find_last_not_of(" \t\r\n\v\f");
    std::string name = line.substr(b, e - b + 1);
    require_utf8(name, "feature name", at);
    auto [it, fresh] = first_line.emplace(name, line_no);
    if (!fresh)
      fail_input("feature '" + text_excerpt(name, 60) + "' is listed twice (first at line " +
                     std::to_string(it->second) + ")",
                 at, "list each feature once: its line number is its class index");
    names.push_back(std::move(name));
  }
  if (names.empty()) fail_input("features list is empty", where, "give one feature name per line");
  return names;
}

bool is_feature_list_file(const std::string& path) {
  // Catalog forms the catalog reader knows by name (CSV, Parquet, zstd)
  // are never features lists, nor is a first line with commas (a CSV header).
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(".csv") || ends_with(".parquet") || ends_with(".zst")) return false;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r\n\v\f") != std::string::npos)
      return line.find('\t') == std::string::npos && line.find(',') == std::string::npos;
  return false;  // empty or unreadable: the catalog reader says why
}

TrackCatalog catalog_from_feature_list(const std::vector<std::string>& names, const std::string& output_type,
                                       const std::string& where) {
  std::string tsv = std::string(kTrackIndex) + "\t" + kTrackName + "\t" + kOutputType + "\t" + kStrand + "\n";
  for (size_t i = 0; i < names.size(); ++i)
    tsv += std::to_string(i) + "\t" + names[i] + "\t" + output_type + "\t.\n";
  LoadOptions lo;
  lo.keep_padding = true;
  lo.unique_tracks = true;
  return TrackCatalog::parse_tsv(tsv, where + " (features list)", lo);
}

}  // namespace s2f::catalog
