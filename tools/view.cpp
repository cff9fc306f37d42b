// s2f-view: like `samtools view` for s2f streams. Prints records as TSV
// (default), BED or VCF; prints the header; validates; takes the first N
// records or a shard; joins several streams (--s2f writes a stream again).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/joined_streams.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"
#include "s2f/utf8.hpp"

using namespace s2f;
using namespace s2f::stream;

namespace {

struct ViewOptions {
  std::vector<std::string> inputs{"-"};
  bool header = false, validate = false, bed = false, vcf = false, s2f_out = false, no_header_line = false;
  bool pairs = false;
  int64_t head = -1;
  std::string hdf5;
  bool tracks = false;
  catalog::TrackFilterOptions select;
};

}  // namespace

int main(int argc, char** argv) {
  Tool tool("view", "Print, validate, slice, join and convert s2f streams",
            "s2f-view --head 3 windows.s2f        # first records as TSV\n"
            "  s2f-view --header windows.s2f           # header JSON (provenance, catalog, geometry)\n"
            "  s2f-view --validate windows.s2f         # exit 0 only if the stream is whole\n"
            "  s2f-view --s2f -o all.s2f part1.s2f part2.s2f   # join shard outputs\n"
            "  s2f-view --s2f --pairs --shard 2/8 variants.seqs.s2f | s2f-predict ...   # slice 2 of 8, whole variants");
  tool.use(Opt::Output | Opt::Shard | Opt::Compress);
  ViewOptions v;
  auto& app = tool.app();
  app.add_option("inputs", v.inputs, "Input streams (- = stdin); several are joined in order");
  auto* o_header = app.add_flag("--header", v.header, "Print the header as JSON");
  auto* o_validate = app.add_flag("--validate", v.validate, "Read everything and check every checksum and the trailer");
  auto* o_bed = app.add_flag("--bed", v.bed, "Write BED6 (kinds with coordinates)");
  auto* o_vcf = app.add_flag("--vcf", v.vcf, "Write VCF (variants, and ref records of variant windows)");
  auto* o_s2f = app.add_flag("--s2f", v.s2f_out, "Write an s2f stream (for --head, --shard, joining)");
  auto* o_hdf5 = app.add_option("--hdf5", v.hdf5, "Write the records to this HDF5 file instead of TSV (layout: formats/HDF5.md)");
  app.add_flag("--no-header-line", v.no_header_line, "TSV without the column-name line");
  app.add_option("--head", v.head, "Only the first N records");
  app.add_flag("--pairs", v.pairs,
               "With --shard: slice whole variants (a ref record and its alt record) of a variant stream from "
               "s2f-encode --vcf, never cutting between the two (records are checked to alternate ref, alt)");
  auto* o_tracks = app.add_flag("--tracks", v.tracks, "List the stream's track catalog (after --select) as TSV");
  cli::add_track_selection(app, v.select);
  o_header->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f);
  o_validate->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f);
  o_bed->excludes(o_vcf)->excludes(o_s2f);
  o_vcf->excludes(o_s2f);
  o_hdf5->excludes(o_header);
  o_tracks->excludes(o_header)->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f)->excludes(o_hdf5);

  return tool.run(argc, argv, [&](Run& run) {
    if (v.head < -1) fail_usage("--head must be >= 0");
    JoinedStreams in(v.inputs);
    // Track selection slices per-track fields and the catalog together.
    std::unique_ptr<catalog::StreamTrackFilter> filter;
    bool selecting = !v.select.selects.empty() || !v.select.select_file.empty() || v.select.include_padding;
    if (selecting || v.tracks) filter = std::make_unique<catalog::StreamTrackFilter>(in.header(), v.select);
    if (v.tracks) {
      TextOutput out(run.opt.output);
      out.write(filter->catalog().to_tsv());
      out.commit();
      run.records_out = filter->catalog().size();
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
    if (filter) transform = [&](Batch& b) { filter->slice(b); };
    JoinedStreams::Counts counts{0, 0, [&](uint64_t n) { run.progress.tick(n); }};
    in.copy(slice, transform, pairs ? &*pairs : nullptr, sinks, counts);
    run.records_in = counts.in;
    run.records_out = counts.out;
    for (auto& s : sinks) s->finish();
    return 0;
  });
}
