// Reservoir ingest throughput: values/s through ReservoirSet::ingest for a
// values matrix shaped like s2f-score output (records x tracks x bins).
//   reservoir_ingest [--tracks T] [--records R] [--per-track K] [--passes P]
//                    [--capacity C] [--threads N]
// Prints one JSON line. The matrix is ingested P times so every track sees
// far more values than its capacity (the steady state of a real build).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <oneapi/tbb/global_control.h>
#include <random>
#include <string>
#include <vector>

#include "s2f/background/reservoir.hpp"

using namespace s2f::background;

namespace {
double cpu_seconds(const rusage& ru) {
  auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return s(ru.ru_utime) + s(ru.ru_stime);
}
}  // namespace

int main(int argc, char** argv) {
  size_t tracks = 1000, records = 1000, k = 32, passes = 8, capacity = 50000, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--tracks") tracks = v;
    else if (a == "--records") records = v;
    else if (a == "--per-track") k = v;
    else if (a == "--passes") passes = v;
    else if (a == "--capacity") capacity = v;
    else if (a == "--threads") threads = v;
    else {
      std::fprintf(stderr, "reservoir_ingest: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  std::vector<float> values(tracks * records * k);
  std::mt19937 g(1);
  std::normal_distribution<float> d;
  for (auto& x : values) x = d(g);

  rusage ru0{};
  getrusage(RUSAGE_SELF, &ru0);
  const double cpu_before_ingest = cpu_seconds(ru0);
  oneapi::tbb::global_control gc(oneapi::tbb::global_control::max_allowed_parallelism, threads);
  ReservoirSet set(tracks, capacity, 12345);
  // Fill phase (first `capacity` values per track) is timed separately:
  // it is a copy, not the sampling the goal is about.
  auto t0 = std::chrono::steady_clock::now();
  set.ingest(values.data(), records, k);
  auto t1 = std::chrono::steady_clock::now();
  for (size_t p = 1; p < passes; ++p) set.ingest(values.data(), records, k);
  auto t2 = std::chrono::steady_clock::now();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = cpu_seconds(ru);
  const double first = std::chrono::duration<double>(t1 - t0).count();
  const double rest = std::chrono::duration<double>(t2 - t1).count();
  const double per_pass = static_cast<double>(tracks * records * k);
  // On a shared machine wall time includes waiting for a core; values per
  // CPU-second (ingest only: generation excluded) shows the cost itself.
  const double gen_cpu = cpu_before_ingest;
  const double ingest_cpu = cpu - gen_cpu;
  std::printf(
      "{\"impl\": \"s2f\", \"threads\": %zu, \"tracks\": %zu, \"values_per_track\": %zu, \"capacity\": %zu, "
      "\"values\": %.0f, \"seconds\": %.3f, \"values_per_s\": %.0f, \"first_pass_values_per_s\": %.0f, "
      "\"values_per_cpu_s\": %.0f}\n",
      threads, tracks, records * k * passes, capacity, per_pass * static_cast<double>(passes), first + rest,
      per_pass * static_cast<double>(passes - 1) / rest, per_pass / first,
      per_pass * static_cast<double>(passes) / ingest_cpu);
  return set[0].seen() == records * k * passes ? 0 : 1;
}
