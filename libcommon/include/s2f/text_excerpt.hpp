// The one way to quote a piece of input (a line, a field, a name) in a
// message or a side file: at most `max` bytes of it, tabs shown as spaces,
// other control and non-ASCII bytes escaped as \xNN, and "..." plus the full
// length when it was cut. A 50 MB line or a binary file thus never reaches
// stderr whole or raw.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace s2f {

inline constexpr size_t kExcerptBytes = 80;

std::string text_excerpt(std::string_view text, size_t max = kExcerptBytes);

}  // namespace s2f
