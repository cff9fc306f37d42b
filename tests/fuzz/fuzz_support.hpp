// Shared by the reader fuzz targets: the input written to a file (most
// readers take a path) and the one rule every target checks.
//
// Reading must end normally or in s2f::Error of the bad-input or I/O class.
// An internal (exit 4) error, another exception, a crash or a sanitizer
// report is a finding. With S2F_FUZZ_CHECK_MESSAGES=1 in the environment, an
// error message longer than kMaxMessage or holding control characters (raw
// input bytes quoted unescaped) is one too.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "s2f/error.hpp"

namespace s2f::fuzz {

// A directory of this process, removed at exit.
inline const std::filesystem::path& temp_dir() {
  static const std::filesystem::path dir = [] {
    std::string templ = (std::filesystem::temp_directory_path() / "s2f-fuzz-XXXXXX").string();
    if (!mkdtemp(templ.data())) {
      std::perror("s2f fuzz: mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(temp_dir(), ec);
    });
    return std::filesystem::path(templ);
  }();
  return dir;
}

// Writes the input to temp_dir()/name (replacing the previous one) and
// removes whatever else the last run left there (index caches pointed there).
inline std::string write_input(const uint8_t* data, size_t size, const std::string& name) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(temp_dir())) std::filesystem::remove_all(e.path(), ec);
  std::string path = (temp_dir() / name).string();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror("s2f fuzz: writing the input");
    std::abort();
  }
  return path;
}

[[noreturn]] inline void finding(const char* what, const std::string& message) {
  std::fprintf(stderr, "s2f fuzz: FINDING: %s: %.4000s\n", what, message.c_str());
  std::abort();
}

// Longest error message accepted (a message quoting a whole input line or
// file is a finding: messages quote excerpts).
constexpr size_t kMaxMessage = 2048;

inline bool check_messages() {
  static const bool on = [] {
    const char* v = std::getenv("S2F_FUZZ_CHECK_MESSAGES");
    return v && std::string(v) == "1";
  }();
  return on;
}

inline void check_error(const s2f::Error& e, bool usage_ok = false) {
  std::string message = e.what();
  if (e.code() == s2f::Exit::internal) finding("internal error (exit 4)", message);
  if (e.code() == s2f::Exit::usage && !usage_ok) finding("usage error (exit 2) for a bad input file", message);
  if (!check_messages()) return;
  if (message.size() > kMaxMessage) finding("error message longer than 2048 bytes", message.substr(0, 300));
  for (unsigned char c : message)
    if (c < 0x20 || c == 0x7f) finding("control character in the error message", message);
}

// Runs one read; s2f::Error is the expected end for bad input.
// usage_ok: an option the caller passed may not apply to this input.
template <class F>
void expect_clean(F&& read, bool usage_ok = false) {
  try {
    read();
  } catch (const s2f::Error& e) {
    check_error(e, usage_ok);
  }
}

}  // namespace s2f::fuzz
