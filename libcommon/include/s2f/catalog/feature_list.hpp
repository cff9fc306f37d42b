// Selene's features list: the distinct features (classes) a model predicts,
// one name per line, in output order (selene_sdk.utils.load_features_list).
// Read by the Selene samplers' targets (s2f-sample-positions --features) and
// accepted wherever a track catalog is (TrackCatalog::load_tsv).
#pragma once
#include <string>
#include <vector>

namespace s2f::catalog {

// Names in file order. Surrounding whitespace is stripped as Selene does;
// CRLF is accepted. A blank line, a repeated name, text that is not UTF-8 or
// an empty file is an error naming file:line (a blank name would be a
// feature no target can name; a repeated one makes indices ambiguous).
std::vector<std::string> read_feature_list(const std::string& path);
std::vector<std::string> parse_feature_list(const std::string& text, const std::string& where);

}  // namespace s2f::catalog
