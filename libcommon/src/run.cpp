#include "s2f/run.hpp"
#include "s2f/utf8.hpp"

#include <cstdio>
#include <cctype>
#include <ctime>
#include <vector>

#include "s2f/error.hpp"

#ifndef S2F_VERSION
#define S2F_VERSION "0.0.0"
#endif

namespace s2f {

const char* version() { return S2F_VERSION; }

namespace {

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-./=:,+@%") == std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

}  // namespace

std::vector<std::string> split_option_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

std::string provenance_command_line(int argc, char** argv) {
  // Options that cannot change the output are left out, so the same inputs
  // and seeds give byte-identical streams whatever -t is.
  std::vector<char*> kept;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-t" || a == "--threads") {
      ++i;  // and its value
      continue;
    }
    if (a.rfind("--threads=", 0) == 0 || (a.size() > 2 && a.rfind("-t", 0) == 0 && std::isdigit(static_cast<unsigned char>(a[2]))))
      continue;
    if (a == "-q" || a == "--quiet" || a == "--progress") continue;
    kept.push_back(argv[i]);
  }
  return quote_command_line(static_cast<int>(kept.size()), kept.data());
}

std::string quote_command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i) out += ' ';
    out += shell_quote(argv[i]);
  }
  return out;
}

std::string skipped_side_file(const std::string& output, const std::string& given) {
  if (!given.empty()) return given;
  if (output.empty() || output == "-") return {};
  return output + ".skipped.tsv";
}

// ---- SkipLog ---------------------------------------------------------------
void SkipLog::open() {
  if (out_ || path_.empty()) return;
  out_ = std::make_unique<TextOutput>(path_);
  out_->write("#record\twhere\treason\n");
}

void SkipLog::always_create() { open(); }

void SkipLog::skip(std::string_view record, std::string_view where, std::string_view reason) {
  ++count_;
  open();
  if (!out_) return;
  std::string line;
  line.reserve(record.size() + where.size() + reason.size() + 3);
  line.append(record).append("\t").append(where).append("\t").append(reason).append("\n");
  out_->write(line);
}

void SkipLog::add_counted(uint64_t n, const std::string& file) {
  count_ += n;
  if (n && path_.empty() && !out_) path_ = file;
}

void SkipLog::commit() {
  if (out_) out_->commit();
}

// ---- Progress --------------------------------------------------------------
void Progress::tick(uint64_t done) {
  if (!on_) return;
  auto now = std::chrono::steady_clock::now();
  if (printed_ && now - last_ < std::chrono::seconds(1)) return;
  last_ = now;
  printed_ = true;
  last_done_ = done;
  if (total_)
    std::fprintf(stderr, "\r%s: %llu / %llu records (%.1f%%)", program_name().c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 100.0 * static_cast<double>(done) / static_cast<double>(total_));
  else
    std::fprintf(stderr, "\r%s: %llu records", program_name().c_str(),
                 static_cast<unsigned long long>(done));
  std::fflush(stderr);
}

void Progress::finish() {
  if (on_ && printed_) std::fputc('\n', stderr);
  printed_ = false;
}

// ---- Run -------------------------------------------------------------------
nlohmann::json Run::provenance() const {
  nlohmann::json p = {{"tool", program_name()}, {"version", version()}, {"command_line", escape_invalid_utf8(std::string_view(command_line))}};
  if (opt.seed) p["seed"] = *opt.seed;
  if (!opt.shard.whole()) p["shard"] = opt.shard.str();
  return p;
}


}  // namespace s2f
