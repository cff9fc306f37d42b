// s2f-reservoir: per-track reservoir samples (Algorithm R) of a value
// stream, the memory-bounded first half of building background CDFs.
// Shards (--shard k/n) take contiguous slices of the input records with
// seeds derived from (seed, shard index); s2f-merge-cdfs merges them.
#include "s2f/background/reservoir_run.hpp"
#include "s2f/error.hpp"
#include "s2f/defaults.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::background;

int main(int argc, char** argv) {
  Tool tool("reservoir", "Per-track reservoir samples of score values (Algorithm R)",
            "s2f-reservoir --capacity 50000 --seed 12345 -o effect.res.s2f effect.values.s2f\n"
            "  s2f-reservoir --shard 3/16 -o effect.3.res.s2f effect.values.s2f   # one of 16 shards\n"
            "  (--seed defaults to " + std::to_string(defaults::reservoir_seed) +
                "; shard k uses a seed derived from (seed, k))");
  tool.use(Opt::Output | Opt::Seed | Opt::Shard | Opt::Threads | Opt::Compress);
  ReservoirRequest o;
  o.capacity = defaults::reservoir_capacity;
  auto& app = tool.app();
  app.add_option("input", o.input, "Value stream (kind 'values'; - = stdin)")->capture_default_str();
  app.add_option("--capacity", o.capacity, "Values kept per track")->capture_default_str();
  app.add_option("--tail-k", o.tail_k, "Also keep the exact K largest and K smallest values per track")
      ->capture_default_str();
  app.add_option("--kind", o.kind_override, "Value kind when the stream does not say: effect, summary or perbin");
  tool.validate([&](const CommonOptions&) {
    if (o.capacity == 0) fail_usage("--capacity must be at least 1");
    if (o.tail_k > 1000000) fail_usage("--tail-k " + std::to_string(o.tail_k) + " is implausible (at most 1,000,000)");
  });

  return tool.run(argc, argv, [&](Run& run) {
    if (!run.opt.seed) run.opt.seed = defaults::reservoir_seed;
    run_reservoir(o, run);
    return 0;
  });
}
