#include "s2f/utf8.hpp"

#include <cstdio>

#include "s2f/error.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t sequence_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

size_t invalid_utf8_at(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = sequence_length(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string escape_invalid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    size_t n = sequence_length(text, i);
    if (n == 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(text[i]));
      out += buf;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

nlohmann::json escape_invalid_utf8_json(const nlohmann::json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    return is_valid_utf8(s) ? j : nlohmann::json(escape_invalid_utf8(std::string_view(s)));
  }
  if (j.is_array()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& v : j) a.push_back(escape_invalid_utf8_json(v));
    return a;
  }
  if (j.is_object()) {
    nlohmann::json o = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) o[escape_invalid_utf8(std::string_view(it.key()))] = escape_invalid_utf8_json(it.value());
    return o;
  }
  return j;
}

std::string dump_json(const nlohmann::json& j, int indent) {
  try {
    return j.dump(indent);
  } catch (const nlohmann::json::type_error&) {  // invalid UTF-8 somewhere: escape it
    return escape_invalid_utf8_json(j).dump(indent);
  }
}

void require_utf8(std::string_view text, const std::string& what, const std::string& where) {
  size_t at = invalid_utf8_at(text);
  if (at == std::string_view::npos) return;
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(text[at]));
  fail_input(what + " '" + text_excerpt(text) + "' is not valid UTF-8 (byte " + buf + " at offset " +
                 std::to_string(at) + ")",
             where, "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
}

}  // namespace s2f
