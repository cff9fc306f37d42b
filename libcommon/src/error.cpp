#include "s2f/error.hpp"

#include <cstdio>

#include "s2f/utf8.hpp"

namespace s2f {

namespace {
std::string& program_storage() {
  static std::string name = "s2f";
  return name;
}
std::string compose(const std::string& what, const std::string& where, const std::string& fix) {
  std::string s = what;
  if (!where.empty()) s += " (" + where + ")";
  if (!fix.empty()) s += " \u2014 " + fix;
  return escape_invalid_utf8(std::string_view(s));  // printable whatever bytes the input had
}
}  // namespace

Error::Error(Exit code, std::string what, std::string where, std::string fix)
    : std::runtime_error(compose(what, where, fix)),
      code_(code),
      what_(std::move(what)),
      where_(std::move(where)),
      fix_(std::move(fix)) {}

std::string format_error(const std::string& program, const Error& e) {
  // The one line a user sees: whatever a reader quoted from its input,
  // control bytes and invalid UTF-8 come out as \xNN, and the line stays
  // short enough to read (a quoted 50 MB line would not be).
  constexpr size_t kMaxMessage = 2000;
  std::string what = escape_invalid_utf8(e.what()), shown;
  for (char c : what) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      shown += buf;
    } else {
      shown += c;
    }
  }
  if (shown.size() > kMaxMessage) {
    size_t cut = kMaxMessage;
    while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    shown = shown.substr(0, cut) + "... (" + std::to_string(what.size()) + " bytes)";
  }
  return program + ": error: " + shown;
}

void warn(const std::string& message) {
  std::fprintf(stderr, "%s: warning: %s\n", program_storage().c_str(), message.c_str());
}

void set_program_name(std::string name) { program_storage() = std::move(name); }
const std::string& program_name() { return program_storage(); }

}  // namespace s2f
