// s2f-score: per-track scores of predictions. Variant pairs get Selene's
// statistics and windowed effects (log2fc, logfc, sad, profile distances);
// --emit turns the run into a value stream for s2f-reservoir; --cdf adds
// genome-wide percentiles; --tsv/--hdf5 write Selene-compatible files
// (--selene-files lists their names). The run: score/score_run.hpp.
#include <string>
#include <vector>

#include "s2f/cli/score_options.hpp"
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
            + std::string(score_help_details()));
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
  cli::add_value_routing_options(app, o.routing);
  cli::add_percentile_options(app, o);
  cli::add_selene_file_options(app, o);

  return tool.run(argc, argv, [&](Run& run) {
    o.scoring.logit = parse_logit_rule(logit_rule);
    run_score(o, run);
    return 0;
  });
}
