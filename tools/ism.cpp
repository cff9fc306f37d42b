// s2f-ism: in silico mutagenesis. For each input window, the model's
// prediction for every substitution in [--start, --end) (or every
// combination of --mutate-n-bases positions), written as an ism stream and
// Selene-compatible files, or turned into hypothetical contribution scores
// (--attr) for s2f-call-hits. Native models use fast ISM, which recomputes
// each layer only where a mutation can reach; --naive and --exec models run
// every mutant through the whole network. The run itself is ism::run_ism
// (libcommon/src/ism/ism_request.cpp).
#include "s2f/cli/stage_options.hpp"
#include "s2f/ism/ism_request.hpp"
#include "s2f/tool.hpp"

using namespace s2f;

int main(int argc, char** argv) {
  Tool tool("ism", "In silico mutagenesis: predictions for every substitution, or ISM contribution scores",
            "s2f-ism --model demo --fasta-records seqs.fa --save predictions,diffs --tsv out/ -o ism.s2f\n"
            "  s2f-encode -g ref.fa --narrowpeak peaks.narrowPeak -L 2114 \\\n"
            "    | s2f-ism -m bpnet.s2fm --start 557 --end 1557 --attr --target counts -t 2 -o contrib.s2f\n"
            "  s2f-call-hits -r contrib.s2f -m modisco.h5 -p peaks.narrowPeak -o hits/\n"
            "  s2f-ism -m demo -g ref.fa --vcf variants.vcf --start 240 --end 260 -o ism.s2f  # REF and ALT windows\n"
            "  s2f-ism -m chrombpnet_folds/ --start 557 --end 1557 --attr --target counts peaks.s2f -o contrib.s2f"
            "  # fold mean\n"
            "  s2f-ism --exec 'python3 my_adapter.py' -L 1000 --fasta-records seqs.fa --start 450 --end 550 > ism.s2f");
  tool.use(Opt::Output | Opt::Threads | Opt::Compress | Opt::Shard);
  ism::IsmRequest o;
  auto& app = tool.app();
  app.footer(
      "Windows: every input window (any kind s2f-encode makes: BED, narrowPeak, VCF, FASTA records,\n"
      "sequences) is mutated as a sequence of its own: its reference record (with predictions saved), then\n"
      "its mutants; id, chrom, strand, start, ref_match and contains_unk are the window's. In the ism stream\n"
      "allele, ref and alt label each record's edits (R and empty for the reference record); mut_pos holds\n"
      "their offsets in the window and pos the genome position of the first edit (the offset when the\n"
      "window is not genomic).\n"
      "Variants (s2f-encode --vcf): the REF window and the ALT window are each mutated in full, so a\n"
      "variant gives two blocks with its id; window_allele says which window (R or A) and variant_ref,\n"
      "variant_alt give the variant's alleles ('.' and empty for other windows). In an ALT window the\n"
      "mutated bases are the ALT haplotype's: positions after an indel are mapped through it, and bases an\n"
      "insertion adds take the position of the REF base before them. --attr records carry the window's\n"
      "allele, ref and alt; Selene files are named <id>_ref and <id>_alt. Windows are independent, so\n"
      "--shard may put a variant's two windows in different shards.\n"
      "Ensembles: several -m (or a fold directory) predict the reference and every mutant with each model (fast\n"
      "ISM per model) and average them, head by head, before any statistic or --attr score is computed\n"
      "(formats/MODELS.md, Ensembles); k models cost k times the compute.\n\n" +
      app.get_footer());
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin)")->capture_default_str();
  cli::add_model_options(app, o.model, true, "Mutants per model call");
  app.add_option("--start", o.options.start, "First position mutated (0-based, in the window)")->capture_default_str();
  app.add_option("--end", o.options.end, "End of the mutated range, exclusive (default: the window's length)");
  app.add_option("--mutate-n-bases", o.options.mutate_n_bases,
                 "Mutate every combination of this many positions (C(W,k) x 3^k mutants)")
      ->capture_default_str();
  app.add_option("--logit", o.logit,
                 "logits rule: clipped (to [1e-6, 1-1e-6], default) or selene (Selene's: 0 -> 1e-24, >= 1 -> "
                 "0.999999, otherwise unclipped)")
      ->capture_default_str();
  app.add_option("--save", o.save, "Statistics to write, comma-separated: predictions, diffs, abs_diffs, logits")
      ->capture_default_str();
  app.add_option("--tsv", o.tsv, "Selene TSV files per sequence: PREFIX_<id>_<stat>.tsv, or DIR/<id>_<stat>.tsv");
  app.add_option("--hdf5", o.hdf5, "Selene HDF5 files per sequence (+ _row_labels.txt, _ref_predictions.h5)");
  app.add_option("--file-names", o.file_names,
                 "Selene files per window named by: name (its id, Selene's use_sequence_name: True), index (0-based\n"
                 "position in the input, use_sequence_name: False) or prefix (one window: PREFIX_<stat>, DIR/ism_<stat>)")
      ->capture_default_str();
  app.add_flag("--attr", o.attr,
               "Write ISM contribution scores (a contributions stream for s2f-call-hits) instead of the ism stream");
  app.add_option("--target", o.target, "What --attr explains: HEAD[:TRACK|sum] (default: the last head, sum)");
  app.add_flag("--project", o.project, "--attr: multiply the hypothetical contributions by the one-hot sequence");
  app.add_flag("--naive", o.naive, "Run every mutant through the whole network (the reference fast ISM is tested against)");
  cli::add_track_plan_options(app, o.plan);
  cli::add_encode_inputs(app, o.encode);

  return tool.run(argc, argv, [&](Run& run) {
    ism::run_ism(o, run);
    return 0;
  });
}
