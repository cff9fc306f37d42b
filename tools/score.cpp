// s2f-score: per-track scores of predictions. Variant pairs get Selene's
// statistics and windowed effects (log2fc, logfc, sad, profile distances);
// --emit turns the run into a value stream for s2f-reservoir; --cdf adds
// genome-wide percentiles; --tsv/--hdf5 write Selene-compatible files
// (--selene-files lists their names). The run: score/score_run.hpp.
#include <string>
#include <vector>

#include "s2f/cli/stage_options.hpp"
#include "s2f/score/score_run.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::score;

int main(int argc, char** argv) {
  Tool tool("score", "Score predictions per track: variant effects, window sums, percentiles",
            "s2f-predict --model demo variants.s2f | s2f-score --stat log2fc,diff --window 101 --tsv vep\n"
            "  s2f-score --emit effect --stat log2fc --window 101 -o effects.s2f preds.s2f   # for s2f-reservoir\n"
            "  s2f-predict --model demo positions.s2f | s2f-score --emit summary,perbin --window 101 -o 'bg.{kind}.values.s2f'\n"
            "  s2f-score --stat log2fc --window 101 --cdf demo_pertrack.npz preds.s2f | s2f-view\n"
            "  s2f-score --stat logit_diff --logit selene --tsv vep preds.s2f   # Selene's logit scores\n"
            "  s2f-score --stat diff --tsv out/ ab.preds.s2f   # encoded from --vcf a.vcf --vcf b.vcf: out/a_diffs.tsv, out/b_...\n"
            "  s2f-encode -g ref.fa -L 1000 --bed regions.bed --selene-labels | s2f-predict -m model.h5 \\\n"
            "    | s2f-score --stat ref --window 0 --hdf5 out/   # Selene's out/regions_predictions.h5 + out/regions_row_labels.txt\n"
            "  s2f-score --emit summary,perbin --summary-skip ccre --exons gencode.v48.basic.annotation.gtf.gz \\\n"
            "    -o 'bg.{kind}.values.s2f' baselines.s2f   # chorus's CAGE routing and RNA exon bins\n\n"
            "Window: for a head of B bins of r bp, the centre bin is c = B/2 (integer division) and a window of\n"
            "w bp covers bins c - w/(2r) ... c + w/(2r) inclusive (integer division), clipped to the head;\n"
            "--window 0 scores the whole head. log2fc = log2((alt+pc)/(ref+pc)) on window sums (pc 1),\n"
            "logfc the same in natural log (pc 0.001); logit_diff clips to [1e-6, 1-1e-6] (--logit selene:\n"
            "Selene's rule, 0 -> 1e-24 and >= 1 -> 0.999999, otherwise unclipped, NaN below 0 and counted in a\n"
            "warning); jsd is in bits on\n"
            "softmax-normalised window profiles. Percentiles: |effect| in [0,1] for unsigned tracks, 2P-1 in\n"
            "[-1,1] for signed ones; activity = the ref window sum against the summary CDF. An archive without\n"
            "effect_cdfs or summary_cdfs gives NaN effect_pct or activity_pct (said on stderr).\n"
            "Single windows: statistics other than ref need a variant (ref and alt records); a single window\n"
            "among variants gets NaN, and a stream that holds no variant at all (encoded from BED, narrowPeak\n"
            "or sequences, or positions only) is refused with exit 1 -- score it with --stat ref.\n"
            "ChromBPNet variant scorer (--scorer chrombpnet, kundajelab/variant-scorer's definitions and names;\n"
            "predict with --rc mean-prob for its forward/reverse averaging of softmax profiles and exp counts):\n"
            "  s2f-predict -m chrombpnet.h5 --rc mean-prob --vcf v.vcf -g ref.fa --variant-index 1057 \\\n"
            "    | s2f-score --scorer chrombpnet --stat logfc,jsd,active_allele_quantile --peaks peak_preds.s2f\n"
            "  per profile track, allele1 = REF, allele2 = ALT: counts = exp(log-count), profile = softmax(logits);\n"
            "  logfc = log2(counts2/counts1); abs_logfc = |logfc|; jsd = Jensen-Shannon distance (natural log,\n"
            "  sqrt of the divergence) of the two profiles after indel alignment (bins of deleted and inserted bases\n"
            "  and of flanks only one window reaches are dropped, the rest renormalised); original_jsd unaligned;\n"
            "  logfc_x_jsd, abs_logfc_x_jsd; allele1/2_quantile = fraction of --peaks predicted counts < counts1/2;\n"
            "  active_allele_quantile = max of the two; quantile_change = q2 - q1, abs_quantile_change;\n"
            "  X_x_active_allele_quantile for X in logfc, abs_logfc, jsd, logfc_x_jsd, abs_logfc_x_jsd;\n"
            "  allele1_pred_counts, allele2_pred_counts. Default: logfc,jsd (+ active_allele_quantile with --peaks).\n"
            "Empirical p-values: a stream encoded with --null shuffled-flanks:N (s2f-encode, s2f-predict --vcf) gives\n"
            "each statistic a <stat>.pval field, the variant against its own N shuffled-flank windows:\n"
            "(1 + #{null >= observed})/(N + 1), or twice the smaller tail for signed statistics (variant-scorer's\n"
            "get_pvals). Rules: libcommon/src/score/VARIANT_SCORES.md.\n"
            "Background routing (--emit; chorus): --summary-skip CATEGORIES leaves the records of those sampling\n"
            "categories (the `category` field s2f-sample-positions writes and encode/predict carry; ccre = PLS,\n"
            "dELS, pELS, CA-CTCF, CA-TF, TF, CA-H3K4me3, CA) out of the summary values of the tracks matching\n"
            "--summary-skip-tracks (default output_type~cage). --exons GTF makes the tracks matching --exon-tracks\n"
            "(default output_type~rna) draw their --perbin-k bins only among the bins of the record's output window\n"
            "that overlap a protein-coding exon (transcript_type, else gene_type, protein_coding; only tag basic\n"
            "when the file tags any line basic; merged per chromosome): all of them when fewer than k, NaN in the\n"
            "slots left. A head of B bins of r bp sits at floor((L - B*r)/2) in the L-bp window (mirrored on the\n"
            "- strand). Values left out are NaN, which s2f-reservoir does not count (smaller summary/perbin counts\n"
            "for those tracks); the summary line counts them and meta.value_routing records the rule.\n"
            "Outputs (-o, --tsv/--hdf5 files, PREFIX.NA, the skipped side file) appear together at the end,\n"
            "-o last; a run that fails leaves none of them.");
  tool.use(Opt::Output | Opt::Seed | Opt::Compress);
  ScoreRunOptions o;
  std::string logit_rule = "clipped";
  auto& app = tool.app();
  app.add_option("input", o.input, "Tensors stream from s2f-predict (- = stdin)")->capture_default_str();
  app.add_option("--stat", o.stats,
                 "Statistics, comma-separated: ref alt diff abs_diff logit_diff log2fc logfc sad l1 l2 jsd max_abs_diff "
                 "(default log2fc); with --scorer chrombpnet its scores (below; default logfc,jsd)")->allow_extra_args(false);
  app.add_option("--window", o.scoring.window_bp, "Window in bp around the centre bin (0 = whole head)")->capture_default_str();
  app.add_option("--pseudocount", o.scoring.pseudocount, "Pseudocount (default: log2fc 1, logfc 0.001)");
  app.add_option("--logit", logit_rule,
                 "logit_diff/logits rule: clipped (to [1e-6, 1-1e-6], default) or selene (Selene's exactly)")
      ->capture_default_str();
  app.add_flag("--signed", o.scoring.all_signed, "Treat every track as signed (percentiles in [-1, 1])");
  app.add_option("--layers", o.scoring.layer_table, "Layer table TSV: layer, statistic, window, pseudocount, signed");
  app.add_option("--layer-column", o.scoring.layer_column, "Catalog column naming each track's layer");
  app.add_option("--scorer", o.scorer,
                 "window (the statistics above), or chrombpnet (kundajelab/variant-scorer's scores of profile + "
                 "log-count heads; see above)")
      ->capture_default_str()
      ->check(CLI::IsMember({"window", "chrombpnet"}));
  app.add_option("--counts-head", o.counts_head, "--scorer chrombpnet: the log-count head (default: the only one-bin head)");
  app.add_option("--peaks", o.peaks,
                 "--scorer chrombpnet: s2f-predict's tensors stream of a peak set (same model and --rc), for the "
                 "quantile scores");
  cli::add_track_selection(app, o.select);
  app.add_option("--emit", o.emit,
                 "Write values streams for s2f-reservoir instead: effect, summary and/or perbin, comma-separated; "
                 "several kinds come from one pass, -o holding {kind} names each stream")
      ->allow_extra_args(false);
  app.add_option("--perbin-k", o.perbin_k, "Random bins per record per track for --emit perbin")->capture_default_str();
  app.add_option("--summary-skip", o.routing.summary_skip,
                 "--emit summary: records of these sampling categories (comma-separated; ccre = the SCREEN cCRE "
                 "categories) give no summary value to the tracks of --summary-skip-tracks (chorus's CAGE routing)")
      ->allow_extra_args(false);
  app.add_option("--summary-skip-tracks", o.routing.summary_skip_tracks,
                 "Tracks --summary-skip applies to, a --select predicate")
      ->capture_default_str();
  app.add_option("--exons", o.routing.exons,
                 "--emit perbin: GTF/GFF3 (.gz) whose protein_coding (basic) exons, merged per chromosome, are the "
                 "only bins the tracks of --exon-tracks draw from (chorus's RNA-seq exon-precise bins)");
  app.add_option("--exon-tracks", o.routing.exon_tracks, "Tracks --exons applies to, a --select predicate")
      ->capture_default_str();
  app.add_option("--cdf", o.cdf,
                 "Background *_pertrack.npz, or a NAME looked up as $S2F_BACKGROUNDS/NAME_pertrack.npz "
                 "(default directory ~/.s2f/backgrounds): add effect_pct and activity_pct per track");
  app.add_option("--percentile-rule", o.percentile_rule,
                 "Lookup in the CDF rows: interpolate (between points) or searchsorted (chorus: points below / P)")
      ->capture_default_str();
  app.add_option("--min-samples", o.min_samples,
                 "Tracks whose background holds fewer values get NaN percentiles (named on stderr and in the header)")
      ->capture_default_str();
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

  return tool.run(argc, argv, [&](Run& run) {
    o.scoring.logit = parse_logit_rule(logit_rule);
    run_score(o, run);
    return 0;
  });
}
