// Selene's features list: the distinct features (classes) a model predicts,
// one name per line, in output order (selene_sdk.utils.load_features_list).
// Read by the Selene samplers' targets (s2f-sample-positions --features) and
// accepted wherever a track catalog is (TrackCatalog::load_tsv).
#pragma once
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"

namespace s2f::catalog {

// Names in file order. Surrounding whitespace is stripped as Selene does;
// CRLF is accepted. A blank line, a repeated name, text that is not UTF-8 or
// an empty file is an error naming file:line (a blank name would be a
// feature no target can name; a repeated one makes indices ambiguous).
std::vector<std::string> read_feature_list(const std::string& path);
std::vector<std::string> parse_feature_list(const std::string& text, const std::string& where);

// True when `path` holds a features list rather than a track catalog TSV:
// its first non-blank line has no tab (a catalog's header has several
// columns, so no catalog reads as a features list).
bool is_feature_list_file(const std::string& path);
// The catalog a features list stands for: feature i is track i of the one
// head `output_type`, unstranded.
TrackCatalog catalog_from_feature_list(const std::vector<std::string>& names, const std::string& output_type,
                                       const std::string& where);

}  // namespace s2f::catalog
