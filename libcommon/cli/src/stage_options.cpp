#include "s2f/cli/stage_options.hpp"

namespace s2f::cli {

namespace {
const char* const model_help =
    "s2f model file, Keras .h5 or architecture JSON (with --weights), or 'demo' for the bundled demo model "
    "(formats/MODELS.md)";
}  // namespace

CLI::Option* add_model_path(CLI::App& app, std::string& model) {
  return app.add_option("-m,--model", model, model_help);
}

void add_model_options(CLI::App& app, predict::ModelOptions& o, bool exec, const std::string& batch_help) {
  // --model with --exec is refused by predict::check_model_options, with the reason.
  app.add_option("-m,--model", o.models,
                 std::string(model_help) +
                     "; repeat it, or give a directory of one model's folds (name order), for an ensemble: "
                     "outputs are the models' mean (formats/MODELS.md, Ensembles)")
      ->allow_extra_args(false);
  add_model_file_options(app, o);
  if (exec) {
    app.add_option("--exec", o.exec_command,
                   "Run this command as the model (stream in on stdin, out on stdout; formats/EXEC.md)");
    app.add_option("--exec-timeout", o.exec_timeout, "Kill an --exec model that writes nothing for this many seconds")
        ->capture_default_str();
  }
  app.add_option("--catalog", o.catalog,
                 "Track catalog: a TSV or CSV file (track_index, track_name, output_type, strand, ...; .zst compressed "
                 "too), a built-in one by name (alphagenome:human, alphagenome:mouse), or a features list (one track "
                 "name per line, Selene's) for a model of one head (default: the model's own)");
  app.add_option("--heads", o.heads, "Comma-separated heads to write (default: all)");
  app.add_option("-b,--batch-size", o.batch_size, batch_help)->capture_default_str();
  app.add_option("--n-value", o.n_value,
                 "One-hot value of every channel at an N: 0 = all-zero row, 0.25 = a quarter each (default: the "
                 "value the model records from its training; when it records none, a window with an N is an "
                 "error asking for this option)");
}

void add_model_file_options(CLI::App& app, predict::ModelOptions& o) {
  app.add_option("--weights", o.weights,
                 "Weights of a Keras architecture JSON: the .h5 written by model.save_weights()");
  app.add_option("--input-length", o.input_length,
                 "Length (bp) to run a model whose input length is free (Keras Input (None, 4)); "
                 "default: the windows' length")
      ->check(CLI::Validator(
          [](std::string& text) {
            const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            return digits && text.find_first_not_of('0') != std::string::npos ? std::string()
                                                                               : "must be a positive number of bases";
          },
          "BP"));
}

void add_track_selection(CLI::App& app, catalog::TrackFilterOptions& o) {
  app.add_option("--select", o.selects, "Keep tracks with field=value (a,b = any of; field= = missing), field!=value, field~regex (case-insensitive "
                 "search), field!~regex, or field>X (also >=, <, <=; numeric); repeatable, ANDed")
      ->allow_extra_args(false);
  app.add_option("--select-file", o.select_file, "File of --select expressions, one per line");
  app.add_flag("--allow-empty", o.allow_empty, "A selection matching nothing is not an error (no tracks are kept), and heads left with no tracks are kept "
               "with none (by default they are left out); catalog rows whose output_type is no head of the model are "
               "ignored");
  app.add_flag("--include-padding", o.include_padding, "Keep padding tracks (track_name Padding, any case)");
}

void add_track_plan_options(CLI::App& app, predict::TrackPlanOptions& o) {
  add_track_selection(app, o);
  app.add_option("--crop", o.crop, "Drop this many bins from each end of profile heads")->capture_default_str();
}

void add_strand_options(CLI::App& app, predict::StrandOptions& o) {
  app.add_option("--rc", o.rc,
                 "Also predict the reverse complement and combine: none, mean, max, mean-prob (profiles flipped back, + and - "
                 "tracks swapped; mean-prob averages softmax profiles and exp log-counts and writes their logs, as the "
                 "ChromBPNet variant scorer averages strands; a profile head of several tracks needs its strand pairing: --strand-pairs, the "
                 "catalog's strand column or the model file's record)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "mean", "max", "mean-prob"}));
  app.add_option("--strand-pairs", o.strand_pairs,
                 "HEAD:PLUS-MINUS[,PLUS-MINUS...] (channels = track_index), or HEAD:none when no track of the head "
                 "is stranded; repeatable, one per head; overrides the catalog and the model file")
      ->allow_extra_args(false);
}

void add_attribution_options(CLI::App& app, attribute::AttributionOptions& o, bool fixed_background) {
  app.add_option("--method", o.method, "deepshap, grad or input-x-grad")->capture_default_str();
  app.add_option("--references", o.references, "deepshap: dinucleotide shuffles of each sequence")
      ->capture_default_str();
  app.add_option("--reference-file", o.reference_file, "deepshap: references for every sequence, .npy (N, L, 4)");
  if (fixed_background) app.add_option("--background", o.background, "deepshap: one fixed reference, zero or uniform");
  app.add_option("--target", o.target, "What is explained: HEAD[:TRACK|sum] (default: the last head, every track)");
  app.add_option("--objective", o.objective, "Profile heads: softmax (BPNet/ChromBPNet) or sum")->capture_default_str();
  app.add_option("--gap-warning", o.gap_warning, "Warn when summation to delta misses by more (relative)")
      ->capture_default_str();
}

void add_null_option(CLI::App& app, std::string& null) {
  app.add_option("--null", null,
                 "shuffled-flanks:N: after each variant's REF/ALT windows, N pairs built the same way on dinucleotide "
                 "shuffles of the genome span they read (alleles r/a; seeded per variant by --seed), for s2f-score's "
                 "empirical p-values");
}

void add_encode_inputs(CLI::App& app, predict::EncodeInputs& o) {
  app.add_option("-g,--genome", o.genome,
                 "Reference FASTA, for --bed/--vcf/--narrowpeak input (indexed as s2f-encode -g does, never writing "
                 "next to it)");
  app.add_option("--bed", o.bed, "BED intervals, encoded as with s2f-encode --bed");
  app.add_option("--vcf", o.vcf, "VCF variants (ref and alt windows), as with s2f-encode --vcf");
  app.add_option("--narrowpeak", o.narrowpeak, "narrowPeak, windows centred on summits");
  app.add_option("--fasta-records", o.fasta_records, "FASTA records padded/cropped to the model's length");
  app.add_option("--sequences", o.sequences,
                 "Text file with one SEQ or ID<TAB>SEQ per line, padded/cropped as with s2f-encode --sequences");
  app.add_option("-L,--length", o.length, "Window length for encoded inputs (default: the model's input length)");
  app.add_option("--variant-index", o.variant_index, "As s2f-encode --variant-index");
  app.add_option("--windows", o.windows, "As s2f-encode --windows: s2f (default) or selene (Selene's variant windows)");
  app.add_option("--strand-column", o.strand_column, "As s2f-encode --strand-column");
  app.add_option("--strand-index", o.strand_index, "As s2f-encode --strand-index (0-based, Selene's strand_index)");
  app.add_option("--na", o.na,
                 "Side file for records that cannot be encoded (default: OUTPUT.skipped.tsv; none when -o is stdout)");
  // The encode child's side file follows the stage's -o (EncodeInputs::side_file).
  app.parse_complete_callback([&app, &o] {
    if (auto* out = app.get_option_no_throw("--output"); out && out->count()) o.stage_output = out->results().front();
  });
}

}  // namespace s2f::cli
