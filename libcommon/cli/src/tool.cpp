// The stage lifecycle around CLI11: option parsing, the shared checks, the
// one error path and the closing summary line.
#include "s2f/tool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <oneapi/tbb/global_control.h>

#include "s2f/error.hpp"
#include "s2f/io.hpp"

namespace s2f {

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

}  // namespace

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
  if (opts & Opt::Skipped)
    app_.add_option("--skipped,--na", opt_.skipped,
                    "Side file of skipped records with reasons (default: OUTPUT.skipped.tsv; none when -o is stdout)");
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
  // Every output of the run appears at the end, together, -o last; an error
  // on the way removes them all (io.hpp).
  OutputSet outputs;
  try {
    // One place for the shared option combinations.
    if (opt_.threads < 1) fail_usage("--threads must be at least 1");
    if (opt_.threads > 1024) fail_usage("--threads " + std::to_string(opt_.threads) + " is implausible");
    if (opt_.zstd_level > 22) fail_usage("--zstd level must be 0..22");
    if (!opt_.shard_text.empty()) opt_.shard = ShardSpec::parse(opt_.shard_text);
    if (opt_.quiet && opt_.progress) fail_usage("-q and --progress contradict each other");
    if (checks_) checks_(opt_);
    run.progress.enable(!opt_.quiet && (opt_.progress || isatty(STDERR_FILENO)));
    if (used_ & Opt::Skipped) run.skips.set_path(skipped_side_file(opt_.output, opt_.skipped));

    oneapi::tbb::global_control threads(oneapi::tbb::global_control::max_allowed_parallelism,
                                        static_cast<size_t>(opt_.threads));
    outputs.rename_last(opt_.output);
    code = body(run);
    run.skips.commit();
    outputs.commit_all();
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
                (run.skips.path().empty() ? ((used_ & Opt::Skipped) ? " (give --skipped FILE to list them)" : "")
                                          : " (see " + run.skips.path() + ")");
    std::fprintf(stderr, "[%s %s] in %llu out %llu%s%s | wall %.2f s cpu %.2f s peak RSS %.1f MB\n",
                 program_.c_str(), version(), static_cast<unsigned long long>(run.records_in),
                 static_cast<unsigned long long>(run.records_out), skipped.c_str(),
                 run.summary_extra.empty() ? "" : (" " + run.summary_extra).c_str(), wall,
                 cpu_seconds(), peak_rss_mb());
  }
  return code;
}

}  // namespace s2f
