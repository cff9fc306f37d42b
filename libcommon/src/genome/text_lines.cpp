#include "s2f/genome/text_lines.hpp"

#include <htslib/hts.h>
#include <htslib/hts_log.h>
#include <htslib/kstring.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "s2f/error.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::genome {

TextLines::TextLines(const std::string& path) : path_(path) {
  // A 0-byte file is an error: it is almost always a failed upstream step.
  // An empty pipe or stdin is an empty input (no records), as a filter that
  // kept nothing upstream would give.
  struct stat st {};
  const bool have_stat = path != "-" && ::stat(path.c_str(), &st) == 0;
  if (have_stat && S_ISREG(st.st_mode) && st.st_size == 0)
    fail_input(path + " is empty (0 bytes)", path, "check the step that wrote it; an input file needs at least one line");
  {
    const htsLogLevel saved = hts_get_log_level();
    hts_set_log_level(HTS_LOG_OFF);  // our message below says more than htslib's
    errno = 0;
    fp_ = hts_open(path.c_str(), "r");
    const int err = errno;
    hts_set_log_level(saved);
    if (!fp_) {
      if (path != "-" && !have_stat)
        fail_io("cannot open " + path + ": " + std::strerror(err), path, "check the path");
      if (path != "-" && ::access(path.c_str(), R_OK) != 0)
        fail_io("cannot open " + path + ": " + std::strerror(errno), path, "check its permissions");
      if (have_stat && S_ISDIR(st.st_mode)) fail_io(path + " is a directory", path, "give a file");
      fail_input(path + " is not a text file: its content is binary data (not plain text, gzip or BGZF)", path,
                 "check that this is the file you meant");
    }
  }
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
  // Only stages with a side file (a log) offer --skip-bad.
  if (!skip_ && !log_) fail_input(what, where, fix.empty() ? "fix or remove the line" : fix);
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

std::string excerpt(std::string_view line, size_t max) { return text_excerpt(line, max); }

}  // namespace s2f::genome
