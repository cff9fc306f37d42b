// Engine benchmark for any s2f model file: sequences/s, GFLOP/s and this
// machine's FMA peak measured in the same run, as one JSON line. The scripts
// that compare it with PyTorch (engine_bpnet.sh, zoo/run.py) call it.
//
//   engine_bench MODEL.s2fm [--threads 2] [--batch 64] [--seconds 10]
//                [--parity-in X.f32 --parity-out Y.f32]
//
// --parity-in runs the model once on raw little-endian float32 one-hot
// windows, [N][input_length][4], and writes every head's values, heads in
// model order, each [N][tracks][bins], to --parity-out; no timing then.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <oneapi/tbb/global_control.h>
#include <random>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include "s2f/engine/activation_planner.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Peak fp32 FMA throughput of one core: independent AVX-512 (or AVX2) FMA
// chains long enough to hide latency, no memory traffic.
typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));

__attribute__((target("avx512f,fma"), noinline)) double fma_loop_avx512(int64_t iters) {
  v16 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = v16{} + 1.0f + static_cast<float>(i) * 1e-3f;
  const v16 a = v16{} + 0.999999f, b = v16{} + 1e-7f;
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 16; ++i) acc[i] = acc[i] * a + b;
  float s = 0;
  for (int i = 0; i < 16; ++i) s += acc[i][0];
  return s;
}

__attribute__((target("avx2,fma"), noinline)) double fma_loop_avx2(int64_t iters) {
  v8 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = v8{} + 1.0f + static_cast<float>(i) * 1e-3f;
  const v8 a = v8{} + 0.999999f, b = v8{} + 1e-7f;
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = acc[i] * a + b;
  float s = 0;
  for (int i = 0; i < 12; ++i) s += acc[i][0];
  return s;
}

// GFLOP/s of all threads running the FMA loop at once.
double measure_peak(int threads, bool avx512) {
  const int64_t iters = 20'000'000;
  const double flops_per_iter = avx512 ? 16 * 16 * 2 : 12 * 8 * 2;
  std::vector<double> sink(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  auto t0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { sink[static_cast<size_t>(t)] = avx512 ? fma_loop_avx512(iters) : fma_loop_avx2(iters); });
  for (auto& th : pool) th.join();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return flops_per_iter * static_cast<double>(iters) * threads / s / 1e9;
}

// One pass over the windows in `in`, all heads written to `out`.
int run_parity(const s2f::engine::Predictor& predictor, const std::string& in, const std::string& out) {
  const int64_t per_seq = predictor.input_length() * predictor.input_channels();
  std::ifstream g(in, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<int64_t>(g.tellg());
  if (bytes <= 0 || bytes % (per_seq * 4) != 0) {
    std::fprintf(stderr, "engine_bench: %s is not a whole number of %lld-float windows\n", in.c_str(),
                 static_cast<long long>(per_seq));
    return 2;
  }
  std::vector<float> x(static_cast<size_t>(bytes / 4));
  g.seekg(0);
  g.read(reinterpret_cast<char*>(x.data()), bytes);
  const int64_t n = bytes / 4 / per_seq;
  std::vector<s2f::engine::HeadOutput> heads;
  predictor.predict(x.data(), n, heads);
  std::ofstream o(out, std::ios::binary);
  for (const auto& h : heads)
    o.write(reinterpret_cast<const char*>(h.values.data()), static_cast<std::streamsize>(h.values.size() * 4));
  return o ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: engine_bench MODEL.s2fm [--threads N] [--batch N] [--seconds S] "
                 "[--parity-in X.f32 --parity-out Y.f32]\n");
    return 2;
  }
  int threads = 2, batch = 64;
  double seconds = 10;
  std::string parity_in, parity_out;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--parity-in")) parity_in = argv[i + 1];
    else if (!std::strcmp(argv[i], "--parity-out")) parity_out = argv[i + 1];
  }
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
  auto model = std::make_shared<s2f::engine::CompiledModel>(s2f::engine::load_model(argv[1]));
  s2f::engine::Predictor predictor(model);
  const int64_t L = predictor.input_length();
  if (!parity_in.empty()) return run_parity(predictor, parity_in, parity_out);

  // Random one-hot windows (the speed does not depend on the sequence).
  std::mt19937 rng(7);
  std::vector<float> x(static_cast<size_t>(batch * L * 4), 0.0f);
  for (int64_t i = 0; i < batch * L; ++i) x[static_cast<size_t>(i * 4 + rng() % 4)] = 1.0f;

  std::vector<s2f::engine::HeadOutput> out;
  predictor.predict(x.data(), batch, out);  // warm-up: arenas, caches
  int64_t sequences = 0;
  auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    predictor.predict(x.data(), batch, out);
    sequences += batch;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  const double rate = static_cast<double>(sequences) / elapsed;
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const double peak = measure_peak(threads, avx512);
  // FLOPs the engine performs (planned positions only) and the FLOPs of the
  // full-length computation a framework does (PyTorch computes every layer
  // over all 2114 positions and crops afterwards).
  double full = 0;
  for (size_t i = 0; i < model->nodes().size(); ++i)
    full += static_cast<double>(model->nodes()[i].flops_per_position) * static_cast<double>(model->length(static_cast<int>(i)));
  const auto& plan = predictor.plan();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"engine\":\"s2f\",\"kernels\":\"%s\",\"threads\":%d,\"batch\":%d,\"sequences_per_s\":%.2f,"
      "\"gflop_per_seq_planned\":%.4f,\"gflop_per_seq_full\":%.4f,\"gflops_achieved\":%.1f,"
      "\"gflops_full_equivalent\":%.1f,\"peak_gflops\":%.1f,\"activation_mb_per_thread\":%.2f,"
      "\"unplanned_mb_per_sequence\":%.2f,\"peak_rss_mb\":%.1f}\n",
      model->isa(), threads, batch, rate, plan.flops / 1e9, full / 1e9, rate * plan.flops / 1e9, rate * full / 1e9,
      peak, static_cast<double>(plan.arena_floats) * 4 / 1e6, static_cast<double>(plan.unplanned_floats) * 4 / 1e6,
      static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
