#include "s2f/tool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cctype>
#include <ctime>
#include <vector>
#include <oneapi/tbb/global_control.h>

#include "s2f/error.hpp"

#ifndef S2F_VERSION
#define S2F_VERSION "0.0.0"
#endif

namespace s2f {

const char* version() { return S2F_VERSION; }

namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux reports KiB
}

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
  nlohmann::json p = {{"tool", program_name()}, {"version", version()}, {"command_line", command_line}};
  if (opt.seed) p["seed"] = *opt.seed;
  if (!opt.shard.whole()) p["shard"] = opt.shard.str();
  return p;
}

int Run::zstd_level_for(const ByteSink& sink) const {
  if (opt.zstd_level >= 0) return opt.zstd_level;
  // Between stages on a pipe, compression costs more CPU than it saves;
  // on disk it usually halves the size.
  return sink.is_stdout() ? 0 : 3;
}

// ---- Tool ------------------------------------------------------------------
Tool::Tool(std::string stage, std::string summary, std::string example)
    : stage_(std::move(stage)), program_("s2f-" + stage_), app_(summary, program_) {
  set_program_name(program_);
  app_.footer("Example:\n  " + example +
              "\n\nExit codes: 0 ok, 1 bad input, 2 usage, 3 I/O, 4 internal error.");
  app_.set_version_flag("--version", std::string(program_) + " " + version());
  app_.add_flag("-q,--quiet", opt_.quiet, "No progress and no run summary on stderr");
  app_.add_flag("--progress", opt_.progress, "Show progress on stderr even when it is not a terminal");
}

void Tool::use(unsigned opts) {
  used_ |= opts;
  if (opts & Opt::Output)
    app_.add_option("-o,--output", opt_.output, "Output file (- = stdout)")->capture_default_str();
  if (opts & Opt::Threads)
    app_.add_option("-t,--threads", opt_.threads, "Worker threads (output is identical for any value)")
        ->capture_default_str();
  if (opts & Opt::Seed) app_.add_option("--seed", opt_.seed, "Random seed (recorded in provenance)");
  if (opts & Opt::Shard)
    app_.add_option("--shard", opt_.shard_text, "Take slice k of n (k/n, 1-based); shard outputs concatenate to the whole");
  if (opts & Opt::Compress)
    app_.add_option("--zstd", opt_.zstd_level,
                    "zstd level for stream frames, 0 = off (default: 3 for files, off on stdout)");
}

int Tool::run(int argc, char** argv, const std::function<int(Run&)>& body) {
  install_temp_cleanup_handlers();
  auto wall0 = std::chrono::steady_clock::now();
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app_.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app_.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app_.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s \u2014 see %s --help\n", program_.c_str(), e.what(),
                 program_.c_str());
    return static_cast<int>(Exit::usage);
  }

  Run run{opt_, {}, {}, 0, 0, {}, provenance_command_line(argc, argv)};
  int code = 0;
  try {
    // One place for the shared option combinations.
    if (opt_.threads < 1) fail_usage("--threads must be at least 1");
    if (opt_.threads > 1024) fail_usage("--threads " + std::to_string(opt_.threads) + " is implausible");
    if (opt_.zstd_level > 22) fail_usage("--zstd level must be 0..22");
    if (!opt_.shard_text.empty()) opt_.shard = ShardSpec::parse(opt_.shard_text);
    if (opt_.quiet && opt_.progress) fail_usage("-q and --progress contradict each other");
    if (checks_) checks_(opt_);
    run.progress.enable(!opt_.quiet && (opt_.progress || isatty(STDERR_FILENO)));

    oneapi::tbb::global_control threads(oneapi::tbb::global_control::max_allowed_parallelism,
                                        static_cast<size_t>(opt_.threads));
    code = body(run);
    run.skips.commit();
  } catch (const Error& e) {
    run.progress.finish();
    std::fprintf(stderr, "%s\n", format_error(program_, e).c_str());
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    run.progress.finish();
    std::fprintf(stderr, "%s: error: out of memory \u2014 lower --batch-size or --threads\n", program_.c_str());
    return static_cast<int>(Exit::io);
  } catch (const std::exception& e) {
    run.progress.finish();
    std::fprintf(stderr, "%s: error: internal error: %s \u2014 please report this with the command line\n",
                 program_.c_str(), e.what());
    return static_cast<int>(Exit::internal);
  }
  run.progress.finish();

  if (!opt_.quiet) {
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    std::string skipped;
    if (run.skips.count())
      skipped = " skipped " + std::to_string(run.skips.count()) +
                (run.skips.path().empty() ? "" : " (see " + run.skips.path() + ")");
    std::fprintf(stderr, "[%s %s] in %llu out %llu%s%s | wall %.2f s cpu %.2f s peak RSS %.1f MB\n",
                 program_.c_str(), version(), static_cast<unsigned long long>(run.records_in),
                 static_cast<unsigned long long>(run.records_out), skipped.c_str(),
                 run.summary_extra.empty() ? "" : (" " + run.summary_extra).c_str(), wall,
                 cpu_seconds(), peak_rss_mb());
  }
  return code;
}

}  // namespace s2f
