// Splitting tab-separated lines: the one tokenizer behind every TSV, BED,
// VCF and table reader in s2f.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace s2f {

// Splits on tabs into views of `line` (an empty line gives one empty field).
void split_tabs(std::string_view line, std::vector<std::string_view>& out);
// The same, as owned strings.
std::vector<std::string> split_tabs(std::string_view line);

}  // namespace s2f
