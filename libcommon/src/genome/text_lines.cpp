#include "s2f/genome/text_lines.hpp"

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include <charconv>
#include <cstdlib>

#include "s2f/error.hpp"

namespace s2f::genome {

TextLines::TextLines(const std::string& path) : path_(path) {
  fp_ = hts_open(path.c_str(), "r");
  if (!fp_) fail_io("cannot open " + path, path, "check the path and its permissions");
  buf_ = new kstring_t{0, 0, nullptr};
}

TextLines::~TextLines() {
  if (fp_) hts_close(fp_);
  auto* ks = static_cast<kstring_t*>(buf_);
  if (ks) {
    std::free(ks->s);
    delete ks;
  }
}

bool TextLines::next(std::string_view& line) {
  auto* ks = static_cast<kstring_t*>(buf_);
  int rc = hts_getline(fp_, '\n', ks);
  if (rc == -1) return false;
  if (rc < -1) fail_io("read error after line " + std::to_string(line_), path_, "the file may be truncated or corrupt");
  ++line_;
  size_t n = ks->l;
  if (n && ks->s[n - 1] == '\r') --n;
  line = std::string_view(ks->s, n);
  return true;
}

void BadLines::report(std::string_view line, const std::string& where, const std::string& what,
                      const std::string& fix) {
  if (!skip_)
    fail_input(what, where,
               (fix.empty() ? std::string() : fix + "; ") + "or pass --skip-bad to send such lines to the side file");
  ++count_;
  if (log_) log_->skip(excerpt(line), where, "malformed: " + what);
}


bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  if (*b == '+') ++b;
  auto r = std::from_chars(b, s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

std::string excerpt(std::string_view line, size_t max) {
  std::string s(line.substr(0, max));
  for (auto& c : s)
    if (c == '\t') c = ' ';
  if (line.size() > max) s += "...";
  return s;
}

}  // namespace s2f::genome
