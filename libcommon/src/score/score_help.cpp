// s2f-score's reference text (its --help below the examples): the window
// rule, the statistics, percentiles, single windows, the ChromBPNet scorer
// and outputs, kept beside the code it describes.
#include "s2f/score/score_run.hpp"

namespace s2f::score {

const char* score_help_details() {
  return "Window: for a head of B bins of r bp, the centre bin is c = B/2 (integer division) and a window of\n"
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
            "-o last; a run that fails leaves none of them.";
}

}  // namespace s2f::score
