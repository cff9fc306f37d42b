// s2f-view: like `samtools view` for s2f streams. Prints records as TSV
// (default), BED or VCF; prints the header; validates; takes the first N
// records or a shard; joins several streams (--s2f writes a stream again);
// writes genome tracks (--bigwig, --bedgraph: s2f/tracks/track_sink.hpp);
// annotates the input VCF with scores (--annotate-vcf: s2f/score/annotated_vcf.hpp).
// The run itself is view::run_view (libcommon/src/view/view_run.cpp).
#include <string>

#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"
#include "s2f/view/view_run.hpp"

using namespace s2f;

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
            "  s2f-view --annotate-vcf variants.vcf.gz -o scored.vcf.gz scores.s2f   # the VCF + INFO scores, indexed\n" +
                std::string(view::view_help_details()));
  tool.use(Opt::Output | Opt::Shard | Opt::Compress);
  view::ViewOptions v;
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

  return tool.run(argc, argv, [&](Run& run) { return view::run_view(v, run); });
}
