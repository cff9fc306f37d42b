// s2f-view's run (view_run.hpp).
#include "s2f/view/view_run.hpp"

#include <functional>
#include <memory>
#include <optional>

#include "s2f/catalog/track_masks.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/joined_streams.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/record_sinks.hpp"
#include "s2f/stream/record_slice.hpp"
#include "s2f/stream/tensor_arithmetic.hpp"
#include "s2f/tracks/track_sink.hpp"
#include "s2f/utf8.hpp"

namespace s2f::view {

using namespace s2f::stream;

namespace {

// --bigwig/--bedgraph: the sink sees whole records (a counts transform
// needs the counts head even when only profiles are selected) and writes
// the selected tracks.
void write_tracks(JoinedStreams& in, const catalog::StreamTrackFilter* filter, const ViewOptions& v, Run& run) {
  tracks::TrackOutputOptions o;
  o.bigwig_prefix = v.bigwig;
  o.bedgraph_prefix = v.bedgraph;
  o.stitch = tracks::parse_stitch_rule(v.stitch);
  o.layout.transform = tracks::parse_profile_transform(v.transform);
  o.layout.counts_head = v.counts_head;
  if (filter) {
    const auto ids = filter->catalog().track_ids();
    o.layout.selected.emplace(ids.begin(), ids.end());
  }
  std::vector<std::unique_ptr<RecordSink>> sinks;
  sinks.push_back(tracks::track_sink(in.header(), in.name(), o));
  RecordSlice slice = shard_slice(in.readers(), run.opt.shard, false);
  if (v.head >= 0) slice.limit(static_cast<uint64_t>(v.head));
  JoinedStreams::Counts counts{0, 0, [&](uint64_t n) { run.progress.tick(n); }};
  in.copy(slice, {}, nullptr, sinks, counts);
  run.records_in = counts.in;
  run.records_out = counts.out;
  sinks[0]->finish();
  TextOutput manifest(run.opt.output);  // after the tracks: it says they are complete
  manifest.write(tracks::track_manifest(in.header(), in.name(), o));
  manifest.commit();
}

}  // namespace

int run_view(ViewOptions& v, Run& run) {
  if (v.head < -1) fail_usage("--head must be >= 0");
  if (!v.annotate.vcf.empty()) {
    if (!v.select.selects.empty() || !v.select.select_file.empty() || v.head >= 0 || !run.opt.shard.whole())
      fail_usage("--annotate-vcf annotates with every track of whole scores streams; select tracks in s2f-score "
                 "(--select) and give every shard");
    if (run.opt.output == "-") fail_usage("--annotate-vcf needs -o FILE.vcf.gz or FILE.bcf (an index is written beside it)");
    v.annotate.output = run.opt.output;
    score::annotate_vcf(v.inputs, v.annotate, run);
    return 0;
  }
  JoinedStreams in(v.inputs);
  // Track selection slices per-track fields and the catalog together.
  std::unique_ptr<catalog::StreamTrackFilter> filter;
  if (v.strip_padding && v.select.include_padding) fail_usage("--strip-padding and --include-padding contradict");
  bool selecting = !v.select.selects.empty() || !v.select.select_file.empty() || v.select.include_padding ||
                   v.strip_padding;
  if (v.masks) {
    if (!in.header().meta.contains("tracks"))
      fail_usage("this " + in.header().kind + " stream carries no track catalog");
    TextOutput out(run.opt.output);
    auto cat = catalog::TrackCatalog::from_json(in.header().meta["tracks"]);
    out.write(catalog::mask_table(cat, v.select));
    out.commit();
    run.records_out = cat.size();
    return 0;
  }
  // Without a selection --tracks lists the stream's tracks as they are,
  // padding included: it describes the data the stream holds.
  catalog::TrackFilterOptions as_is = v.select;
  if (!selecting) as_is.include_padding = as_is.allow_empty = true;
  if (selecting || v.tracks) filter = std::make_unique<catalog::StreamTrackFilter>(in.header(), as_is);
  if (v.tracks) {
    TextOutput out(run.opt.output);
    out.write(filter->catalog().to_tsv());
    out.commit();
    run.records_out = filter->catalog().size();
    return 0;
  }
  if (!v.bigwig.empty() || !v.bedgraph.empty()) {
    write_tracks(in, filter.get(), v, run);
    return 0;
  }
  if (!selecting) filter.reset();
  const Header& shown = filter ? filter->header() : in.header();
  if (v.header) {
    TextOutput out(run.opt.output);
    out.write(dump_json(in.header_json(shown), 2) + "\n");
    out.commit();
    return 0;
  }

  RecordSlice slice = shard_slice(in.readers(), run.opt.shard, v.pairs);
  std::optional<PairOrder> pairs;  // every emitted record at an even index must be a ref window
  if (v.pairs) pairs.emplace(shown.schema, in.name());
  if (v.head >= 0) slice.limit(static_cast<uint64_t>(v.head));
  if (v.validate) {
    JoinedStreams::Counts counts{0, 0, [&](uint64_t n) { run.progress.tick(n); }};
    const uint64_t frames = in.read_through(counts);
    run.records_in = counts.in;
    run.summary_extra = "valid: " + std::to_string(run.records_in) + " records in " + std::to_string(frames) + " frames";
    return 0;
  }
  std::vector<std::unique_ptr<RecordSink>> sinks;
  if (!v.hdf5.empty()) sinks.push_back(hdf5_sink(v.hdf5, shown));
  if (v.s2f_out)
    sinks.push_back(stream_sink(open_writer(run.opt.output, run.opt.zstd_level, in.output_header(shown, run.provenance()))));
  else if (v.hdf5.empty() || v.bed || v.vcf)
    sinks.push_back(text_sink(run.opt.output, shown, v.bed ? TextFormat::bed : v.vcf ? TextFormat::vcf : TextFormat::tsv,
                              !v.no_header_line, std::string("s2f-view ") + version()));
  std::function<void(Batch&)> transform;
  // Arithmetic pairs records by position, so it sees every record: it
  // runs before selection, on whole heads, and refuses --shard.
  std::unique_ptr<TensorArithmetic> arith;
  if (!v.arith.empty()) {
    if (run.opt.shard.count > 1) fail_usage("--arith pairs records in order: it cannot take a --shard slice");
    arith = std::make_unique<TensorArithmetic>(in.header(), in.name(), Reader::open(v.arith_with),
                                               parse_tensor_op(v.arith));
  }
  if (filter || arith)
    transform = [&](Batch& b) {
      if (arith) arith->apply(b);
      if (filter) filter->slice(b);
    };
  JoinedStreams::Counts counts{0, 0, [&](uint64_t n) { run.progress.tick(n); }};
  in.copy(slice, transform, pairs ? &*pairs : nullptr, sinks, counts);
  if (arith && v.head < 0) arith->finish();
  run.records_in = counts.in;
  run.records_out = counts.out;
  for (auto& s : sinks) s->finish();
  return 0;
}

}  // namespace s2f::view
