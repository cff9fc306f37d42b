// s2f-reservoir: per-track reservoir samples (Algorithm R) of a value
// stream, the memory-bounded first half of building background CDFs.
// Shards (--shard k/n) take contiguous slices of the input records with
// seeds derived from (seed, shard index); s2f-merge-cdfs merges them.
#include <algorithm>
#include <string>
#include <vector>

#include "s2f/background/reservoir.hpp"
#include "s2f/background/reservoir_stream.hpp"
#include "s2f/background/value_meta.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/defaults.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::stream;
using namespace s2f::background;

namespace {
constexpr size_t kStageFloats = size_t{16} << 20;  // 64 MB of values per ingest
}

int main(int argc, char** argv) {
  Tool tool("reservoir", "Per-track reservoir samples of score values (Algorithm R)",
            "s2f-reservoir --capacity 50000 --seed 12345 -o effect.res.s2f effect.values.s2f\n"
            "  s2f-reservoir --shard 3/16 -o effect.3.res.s2f effect.values.s2f   # one of 16 shards\n"
            "  (--seed defaults to 12345; shard k uses a seed derived from (seed, k))");
  tool.use(Opt::Output | Opt::Seed | Opt::Shard | Opt::Threads | Opt::Compress);
  std::string input = "-", kind_override;
  uint64_t capacity = defaults::reservoir_capacity, tail_k = 0;
  auto& app = tool.app();
  app.add_option("input", input, "Value stream (kind 'values'; - = stdin)")->capture_default_str();
  app.add_option("--capacity", capacity, "Values kept per track")->capture_default_str();
  app.add_option("--tail-k", tail_k, "Also keep the exact K largest and K smallest values per track")
      ->capture_default_str();
  app.add_option("--kind", kind_override, "Value kind when the stream does not say: effect, summary or perbin");
  tool.validate([&](const CommonOptions&) {
    if (capacity == 0) fail_usage("--capacity must be at least 1");
    if (tail_k > 1000000) fail_usage("--tail-k " + std::to_string(tail_k) + " is implausible (at most 1,000,000)");
  });

  return tool.run(argc, argv, [&](Run& run) {
    if (!run.opt.seed) run.opt.seed = defaults::reservoir_seed;
    auto reader = Reader::open(input);
    reader->expect_kind({kind::values});
    const Header& in = reader->header();
    const size_t f_values = reader->require_field("values", DType::f32);
    const Field& field = in.schema[f_values];
    if (field.shape.size() != 2 || field.shape[0] < 0 || field.shape[1] < 1)
      fail_input("the values field must have shape [tracks, values per track]", reader->name());
    const auto n_tracks = static_cast<size_t>(field.shape[0]);
    const auto per_track = static_cast<size_t>(field.shape[1]);
    ValueMeta meta = ValueMeta::from_meta(in.meta, reader->name(), kind_override);
    if (meta.track_ids.size() != n_tracks)
      fail_input("meta.tracks lists " + std::to_string(meta.track_ids.size()) + " tracks but values have " +
                     std::to_string(n_tracks),
                 reader->name(), "the producer must record one track id per values column");

    uint64_t lo = 0, hi = UINT64_MAX;
    if (!run.opt.shard.whole()) {
      auto total = reader->peek_total();
      if (!total)
        fail_usage("--shard needs the record count, which a pipe cannot give before it ends (" + reader->name() + ")",
                   "write the value stream to a file first");
      std::tie(lo, hi) = run.opt.shard.range(*total);
      run.progress.set_total(hi - lo);
    } else if (auto total = reader->peek_total()) {
      run.progress.set_total(*total);
    }

    ReservoirConfig config;
    config.capacity = capacity;
    config.seed = *run.opt.seed;
    config.shard_seed = run.opt.shard.derive_seed(*run.opt.seed);
    config.shard = run.opt.shard.str();
    config.tail_k = tail_k;
    ReservoirSet set(n_tracks, capacity, config.shard_seed, tail_k);

    // Frames hold ~1 MB; ingesting several frames at once gives each track
    // a long run of its own values, so its sample stays in cache while the
    // values are sampled (the main cost once reservoirs are full).
    const size_t record_floats = n_tracks * per_track;
    const size_t stage_records = std::max<size_t>(1, kStageFloats / std::max<size_t>(1, record_floats));
    std::vector<float> staged;
    auto flush = [&] {
      if (record_floats) set.ingest(staged.data(), staged.size() / record_floats, per_track);
      staged.clear();
    };
    Batch batch;
    uint64_t index = 0;
    while (index < hi && reader->next(batch)) {
      const uint64_t b0 = index, b1 = index + batch.size();
      index = b1;
      if (b1 <= lo) continue;
      const auto r0 = static_cast<size_t>(std::max(lo, b0) - b0), r1 = static_cast<size_t>(std::min(hi, b1) - b0);
      const float* values = reinterpret_cast<const float*>(batch.column(f_values).data.data());
      staged.insert(staged.end(), values + r0 * record_floats, values + r1 * record_floats);
      if (staged.size() >= stage_records * record_floats) flush();
      run.records_in += r1 - r0;
      run.progress.tick(run.records_in);
    }
    flush();

    Header out = make_header(kind::reservoirs, reservoirs_schema(), run.provenance(), &in);
    meta.to_meta(out.meta);
    out.meta["reservoir"] = config.to_json();
    auto writer = open_writer(run.opt.output, run.opt.zstd_level, std::move(out));
    write_reservoirs(*writer, set, meta.track_ids);
    writer->finish();
    run.records_out = set.size();
    uint64_t seen = 0, full = 0;
    for (size_t t = 0; t < set.size(); ++t) {
      seen += set[t].seen();
      full += set[t].complete() ? 0 : 1;
    }
    run.summary_extra = std::string(kind_name(meta.kind)) + " values " + std::to_string(seen) + ", tracks sampled " +
                        std::to_string(full) + "/" + std::to_string(set.size());
    return 0;
  });
}
