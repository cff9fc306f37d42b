// s2f-view: like `samtools view` for s2f streams. Prints records as TSV
// (default), BED or VCF; prints the header; validates; takes the first N
// records or a shard; joins several streams (--s2f writes a stream again);
// writes genome tracks (--bigwig, --bedgraph: s2f/tracks/track_sink.hpp);
// annotates the input VCF with scores (--annotate-vcf: s2f/score/annotated_vcf.hpp).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/catalog/track_masks.hpp"
#include "s2f/error.hpp"
#include "s2f/score/annotated_vcf.hpp"
#include "s2f/stream/joined_streams.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/tensor_arithmetic.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"
#include "s2f/tracks/track_sink.hpp"
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
  bool tracks = false, masks = false, strip_padding = false;
  std::string arith, arith_with;
  catalog::TrackFilterOptions select;
  std::string bigwig, bedgraph, transform = "logits", stitch = "midpoint", counts_head;
  score::VcfAnnotationOptions annotate;  // --annotate-vcf
};

constexpr const char* kTrackRules = R"(
Tracks (--bigwig/--bedgraph PREFIX: one file PREFIX.<track>.bw / .bedGraph per selected track; files
appear together at the end of the run, then -o lists them (track_id, file); rules in
libcommon/src/genome/WINDOWS.md, "Tracks"):
  tensors        every selected head track; a profile head's B bins of r bp are centred in the input
                 window, a scalar head spans the first profile head's output window.
                 --transform logits (as predicted) | probabilities (softmax over the window's bins)
                 | counts (softmax(logits) x exp(log-counts of --counts-head), ChromBPNet's coverage)
  scores         one file per statistic and track, each value over the bins it summed (--window)
  contributions  PREFIX.contrib: per base of the attributed range, sum(contrib x one-hot)
  Overlapping windows: --stitch midpoint (each base from the window whose centre is nearest, as
  ChromBPNet) or average. Chromosome sizes come from the stream's reference index; records must be
  in genome order (tiles from s2f-sample-positions --strategy tile are): out of order is an error.)";

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

int main(int argc, char** argv) {
  Tool tool("view", "Print, validate, slice, join and convert s2f streams",
            "s2f-view --head 3 windows.s2f        # first records as TSV\n"
            "  s2f-view --header windows.s2f           # header JSON (provenance, catalog, geometry)\n"
            "  s2f-view --validate windows.s2f         # exit 0 only if the stream is whole\n"
            "  s2f-view --s2f -o all.s2f part1.s2f part2.s2f   # join shard outputs\n"
            "  s2f-view --s2f --pairs --shard 2/8 variants.seqs.s2f | s2f-predict ...   # slice 2 of 8, whole variants\n"
            "  s2f-view --bigwig tracks/gm12878 --transform counts preds.1.s2f preds.2.s2f   # shards -> one bigWig per track\n"
            "  s2f-view --tracks --select 'biosample_name~liver' --select 'nonzero_mean>0.1' preds.s2f\n"
            "  s2f-view --masks --select transcription_factor=CTCF preds.s2f   # every track, with 0/1 mask columns\n"
            "  s2f-view --s2f --strip-padding -o real.s2f preds_with_padding.s2f\n"
            "  s2f-view --s2f --arith sub --with ref.preds.s2f -o alt_minus_ref.s2f alt.preds.s2f   # per-bin alt - ref\n"
            "  s2f-view --annotate-vcf variants.vcf.gz -o scored.vcf.gz scores.s2f   # the VCF + INFO scores, indexed\n"
            "\nAnnotated VCF (--annotate-vcf VCF, -o FILE.vcf.gz or FILE.bcf): every VCF record once, in order, with one\n"
            "INFO field <PREFIX>_<statistic>_<track> (Number=A, Float) per statistic and track of the scores stream;\n"
            "multi-allelic records stay one line (one value per ALT, '.' for an ALT without score); BGZF + .tbi\n"
            "(--csi: .csi), or BCF + .csi; readable by bcftools and tabix.\n" +
                std::string(kTrackRules));
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
  auto* o_tracks = app.add_flag("--tracks", v.tracks,
                                "List the tracks the stream holds as TSV (those --select/--strip-padding keep, when "
                                "given; padding rows are listed when the stream holds them)");
  auto* o_masks = app.add_flag("--masks", v.masks,
                               "List every track of the stream as TSV with head_position, padding_mask (1 = real "
                               "track) and mask (1 = kept by --select) columns");
  app.add_flag("--strip-padding", v.strip_padding,
               "Leave out padding tracks (track_name Padding, any case) of a stream that holds them");
  auto* o_bigwig = app.add_option("--bigwig", v.bigwig, "Write each selected track as bigWig PREFIX.<track>.bw (see Tracks below)");
  auto* o_bedgraph = app.add_option("--bedgraph", v.bedgraph, "Write each selected track as bedGraph PREFIX.<track>.bedGraph");
  app.add_option("--transform", v.transform, "Tracks of profile heads: logits, probabilities or counts")
      ->capture_default_str();
  app.add_option("--stitch", v.stitch, "Tracks: overlapping windows by midpoint or average")->capture_default_str();
  app.add_option("--counts-head", v.counts_head, "--transform counts: the scalar head of log-counts (default: the only one)");
  auto* o_annotate = app.add_option("--annotate-vcf", v.annotate.vcf,
                                    "Write this VCF/BCF annotated with the scores stream's values as INFO fields "
                                    "(-o FILE.vcf.gz or FILE.bcf, indexed)");
  app.add_option("--info-prefix", v.annotate.prefix, "--annotate-vcf: prefix of the INFO IDs")->capture_default_str();
  app.add_flag("--csi", v.annotate.csi, "--annotate-vcf: index FILE.vcf.gz with CSI instead of tabix");
  auto* o_arith = app.add_option("--arith", v.arith,
                                 "Per-bin arithmetic of two prediction streams: add, sub, mul or div; each head value "
                                 "of the input becomes input OP --with (record by record, same windows and tracks; "
                                 "the input's catalog and header are kept)");
  auto* o_with = app.add_option("--with", v.arith_with, "The right operand of --arith: a prediction stream");
  o_arith->needs(o_with);
  o_with->needs(o_arith);
  // Arithmetic makes records; these outputs describe or copy the input's.
  o_arith->excludes(o_header)->excludes(o_validate)->excludes(o_tracks)->excludes(o_masks)->excludes(o_bigwig)
      ->excludes(o_bedgraph);
  cli::add_track_selection(app, v.select);
  o_annotate->excludes(o_header)->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f)
      ->excludes(o_hdf5)->excludes(o_tracks)->excludes(o_bigwig)->excludes(o_bedgraph);
  o_header->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f);
  o_validate->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f);
  o_bed->excludes(o_vcf)->excludes(o_s2f);
  o_vcf->excludes(o_s2f);
  o_hdf5->excludes(o_header);
  o_masks->excludes(o_header)->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f)->excludes(o_hdf5)
      ->excludes(o_tracks);
  o_tracks->excludes(o_header)->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f)->excludes(o_hdf5);
  for (auto* track_output : {o_bigwig, o_bedgraph})
    track_output->excludes(o_header)->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f)
        ->excludes(o_hdf5)->excludes(o_tracks);

  return tool.run(argc, argv, [&](Run& run) {
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
  });
}
