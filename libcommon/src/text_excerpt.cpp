#include "s2f/text_excerpt.hpp"

namespace s2f {

std::string text_excerpt(std::string_view text, size_t max) {
  static const char* hex = "0123456789abcdef";
  const std::string_view head = text.substr(0, max);
  std::string s;
  s.reserve(head.size() + 16);
  for (unsigned char c : head) {
    if (c == '\t') {
      s += ' ';
    } else if (c < 0x20 || c >= 0x7f) {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    } else {
      s += static_cast<char>(c);
    }
  }
  if (text.size() > max) s += "... (" + std::to_string(text.size()) + " bytes)";
  return s;
}

}  // namespace s2f
