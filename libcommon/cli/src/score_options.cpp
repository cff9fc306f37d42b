#include "s2f/cli/score_options.hpp"

namespace s2f::cli {

void add_value_routing_options(CLI::App& app, score::ValueRoutingOptions& o) {
  app.add_option("--summary-skip", o.summary_skip,
                 "--emit summary: records of these sampling categories (comma-separated; ccre = the SCREEN cCRE "
                 "categories) give no summary value to the tracks of --summary-skip-tracks (chorus's CAGE routing)")
      ->allow_extra_args(false);
  app.add_option("--summary-skip-tracks", o.summary_skip_tracks,
                 "Tracks --summary-skip applies to, a --select predicate")
      ->capture_default_str();
  app.add_option("--exons", o.exons,
                 "--emit perbin: GTF/GFF3 (.gz) whose protein_coding (basic) exons, merged per chromosome, are the "
                 "only bins the tracks of --exon-tracks draw from (chorus's RNA-seq exon-precise bins)");
  app.add_option("--exon-tracks", o.exon_tracks, "Tracks --exons applies to, a --select predicate")
      ->capture_default_str();
}

void add_percentile_options(CLI::App& app, score::ScoreRunOptions& o) {
  app.add_option("--cdf", o.cdf,
                 "Background *_pertrack.npz, or a NAME looked up as $S2F_BACKGROUNDS/NAME_pertrack.npz "
                 "(default directory ~/.s2f/backgrounds): add effect_pct and activity_pct per track");
  app.add_option("--percentile-rule", o.percentile_rule,
                 "Lookup in the CDF rows: interpolate (between points) or searchsorted (chorus: points below / P)")
      ->capture_default_str();
  app.add_option("--min-samples", o.min_samples,
                 "Tracks whose background holds fewer values get NaN percentiles (named on stderr and in the header)")
      ->capture_default_str();
}

void add_selene_file_options(CLI::App& app, score::ScoreRunOptions& o) {
  app.add_option("--tsv", o.tsv_prefix,
                 "Also write Selene-compatible TSV files PREFIX_diffs.tsv, ...; a directory DIR/ is Selene's output_dir: "
                 "DIR/<prefix>_diffs.tsv, <prefix> the encoded file's name without its last extension, one set per VCF "
                 "when s2f-encode read several; single windows with Selene's row labels (s2f-encode --selene-labels) "
                 "give Selene's PREFIX_predictions.tsv (index chrom start end strand contains_unk, or index name)");
  app.add_option("--hdf5", o.hdf5_prefix,
                 "Also write Selene-compatible HDF5 files PREFIX_diffs.h5, ... + PREFIX_row_labels.txt (DIR/ and "
                 "_predictions as for --tsv)");
  app.add_option("--save", o.save, "Selene files to write: diffs, abs_diffs, logits, predictions (default all)")
      ->allow_extra_args(false);
  app.add_flag("--selene-files", o.selene_files,
               "Print the files --tsv/--hdf5 PREFIX and --save would write, one per line, and exit (for workflows)");
}

}  // namespace s2f::cli
