// UTF-8 checks for text that ends up in JSON (stream headers, parameters
// files, model files) or in messages. nlohmann::json refuses to dump invalid
// UTF-8, so text from outside (catalog cells, motif ids, file names) is
// either checked where it enters (an input error naming file:line) or, for
// names given on the command line, written with each invalid byte as \xNN.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace s2f {

// Offset of the first byte that does not start a valid UTF-8 sequence, or
// npos when the whole text is valid.
size_t invalid_utf8_at(std::string_view text);
inline bool is_valid_utf8(std::string_view text) { return invalid_utf8_at(text) == std::string_view::npos; }
// The text with each byte outside a valid UTF-8 sequence written as \xNN
// (valid text is returned unchanged).
std::string escape_invalid_utf8(std::string_view text);
// A copy of `j` with every string (and object key) escaped as above.
nlohmann::json escape_invalid_utf8_json(const nlohmann::json& j);
// j.dump(indent), escaping invalid UTF-8 instead of throwing.
std::string dump_json(const nlohmann::json& j, int indent = -1);
// Throws bad_input ("<what> is not valid UTF-8 (byte 0xNN at ...)") naming
// `where` when `text` is not valid UTF-8.
void require_utf8(std::string_view text, const std::string& what, const std::string& where);

}  // namespace s2f
