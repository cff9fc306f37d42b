#include "s2f/background/reservoir_run.hpp"

#include <algorithm>
#include <vector>

#include "s2f/background/reservoir.hpp"
#include "s2f/background/reservoir_stream.hpp"
#include "s2f/background/value_meta.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::background {
namespace {

constexpr size_t kStageFloats = size_t{16} << 20;  // 64 MB of values per ingest

// Feeds records [lo, hi) of the values field to the reservoirs. Frames hold
// ~1 MB; ingesting several frames at once gives each track a long run of
// its own values, so its sample stays in cache while the values are
// sampled (the main cost once reservoirs are full).
void ingest_slice(stream::Reader& reader, size_t f_values, size_t record_floats, size_t per_track, uint64_t lo,
                  uint64_t hi, ReservoirSet& set, Run& run) {
  const size_t stage_records = std::max<size_t>(1, kStageFloats / std::max<size_t>(1, record_floats));
  std::vector<float> staged;
  auto flush = [&] {
    if (record_floats) set.ingest(staged.data(), staged.size() / record_floats, per_track);
    staged.clear();
  };
  stream::Batch batch;
  uint64_t index = 0;
  while (index < hi && reader.next(batch)) {
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
}

}  // namespace

void run_reservoir(const ReservoirRequest& o, Run& run) {
  auto reader = stream::Reader::open(o.input);
  reader->expect_kind({stream::kind::values});
  const stream::Header& in = reader->header();
  const size_t f_values = reader->require_field("values", stream::DType::f32);
  const stream::Field& field = in.schema[f_values];
  if (field.shape.size() != 2 || field.shape[0] < 0 || field.shape[1] < 1)
    fail_input("the values field must have shape [tracks, values per track]", reader->name());
  const auto n_tracks = static_cast<size_t>(field.shape[0]);
  const auto per_track = static_cast<size_t>(field.shape[1]);
  ValueMeta meta = ValueMeta::from_meta(in.meta, reader->name(), o.kind_override);
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
  config.capacity = o.capacity;
  config.seed = *run.opt.seed;
  config.shard_seed = run.opt.shard.derive_seed(*run.opt.seed);
  config.shard = run.opt.shard.str();
  config.tail_k = o.tail_k;
  ReservoirSet set(n_tracks, o.capacity, config.shard_seed, o.tail_k);
  ingest_slice(*reader, f_values, n_tracks * per_track, per_track, lo, hi, set, run);

  stream::Header out = stream::make_header(stream::kind::reservoirs, stream::reservoirs_schema(), run.provenance(), &in);
  meta.to_meta(out.meta);
  out.meta["reservoir"] = config.to_json();
  auto writer = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(out));
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
}

}  // namespace s2f::background
