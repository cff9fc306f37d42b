// Catalog files as people have them: TSV, CSV (pandas' to_csv), zstd-
// compressed, or by name from the catalogs s2f ships (the AlphaGenome
// catalogs, Apache-2.0, formats/catalogs/NOTICE). Parquet needs Apache
// Arrow, which Debian 12 does not package, so a Parquet file is refused
// with the one-line conversion.
#include <zstd.h>

#include <fstream>
#include <sstream>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/error.hpp"
#include "s2f/paths.hpp"

namespace s2f::catalog {

namespace {

struct BuiltinCatalog {
  const char* name;
  const char* file;  // under share/s2f/
};

constexpr BuiltinCatalog kBuiltins[] = {
    {"alphagenome:human", "catalogs/alphagenome_human_tracks.tsv.zst"},
    {"alphagenome:mouse", "catalogs/alphagenome_mouse_tracks.tsv.zst"},
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string builtin_names() {
  std::string s;
  for (const auto& b : kBuiltins) s += (s.empty() ? "" : ", ") + std::string(b.name);
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail_io("track catalog " + path + " not found or not readable", path,
            "check the path (a TSV or CSV with a header line), or name a built-in catalog: " + builtin_names());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string decompress(const std::string& packed, const std::string& path) {
  unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 32))
    fail_input("track catalog is not a zstd file with a recorded size", path,
               "compress it with `zstd FILE` or give the plain TSV");
  std::string text(static_cast<size_t>(size), '\0');
  size_t got = ZSTD_decompress(text.data(), text.size(), packed.data(), packed.size());
  if (ZSTD_isError(got) || got != text.size())
    fail_input(std::string("track catalog does not decompress: ") + (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size mismatch"),
               path, "the file is damaged; compress the TSV again");
  return text;
}

}  // namespace

TrackCatalog TrackCatalog::load_tsv(const std::string& path, LoadOptions options) {
  std::string text = read_file(path);
  std::string name = path;
  if (ends_with(name, ".zst")) {
    text = decompress(text, path);
    name.resize(name.size() - 4);
  }
  if (text.compare(0, 4, "PAR1") == 0 || ends_with(name, ".parquet"))
    fail_input("track catalog is a Parquet file, which s2f does not read (Apache Arrow is not packaged for Debian 12)",
               path,
               "convert it to TSV: python3 -c \"import pandas as p; p.read_parquet('" + path + "').to_csv('" +
                   name.substr(0, name.size() - (ends_with(name, ".parquet") ? 8 : 0)) +
                   ".tsv', sep='\\t', index=False)\"");
  options.unique_tracks = true;
  if (ends_with(name, ".csv")) return parse_csv(text, path, options);
  return parse_tsv(text, path, options);
}

TrackCatalog TrackCatalog::load(const std::string& path_or_name, LoadOptions options) {
  for (const auto& b : kBuiltins) {
    if (path_or_name != b.name) continue;
    std::string file = bundled_data(b.file);
    if (file.empty())
      fail_io("the built-in catalog " + path_or_name + " is not installed (no share/s2f/" + b.file + ")", path_or_name,
              "reinstall s2f with its share/ directory, or give the catalog file with --catalog FILE");
    TrackCatalog c = load_tsv(file, options);
    c.source_ = path_or_name;
    c.lines_.clear();  // rows are named "alphagenome:human row N", not by a path inside the install
    return c;
  }
  // "alphagenome:rat" is a misspelt name, not a file (unless one exists).
  if (path_or_name.rfind("alphagenome:", 0) == 0 && !std::ifstream(path_or_name))
    fail_usage("no built-in track catalog '" + path_or_name + "'", "built-in catalogs: " + builtin_names());
  return load_tsv(path_or_name, options);
}

}  // namespace s2f::catalog
