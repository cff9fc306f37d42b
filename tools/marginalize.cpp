// s2f-marginalize: insert motifs (or annotated segments, or shuffles of a
// region) into background sequences and report the model's outputs before
// and after, per head and track (tangermeme marginalize,
// marginalize_annotations, space and ablate). The algorithms live in
// libcommon/src/marginalize; this file maps options to them
// (mg::run_marginalize, libcommon/src/marginalize/marginalize_request.cpp).
#include "s2f/cli/marginalize_options.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/marginalize/marginalize_request.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
namespace mg = s2f::marginalize;

int main(int argc, char** argv) {
  Tool tool("marginalize", "Insert motifs into background sequences and report the model's outputs before and after",
            "s2f-marginalize --model demo --random --gc 0.41 -n 64 --seed 1 \\\n"
            "      --motif ATGAGTCAT --motif GATTACGAT --summary effects.tsv -o marginal.s2f\n"
            "  # effects.tsv, counts rows: the AP-1 site adds 2.0 to the log counts, its scramble nothing\n"
            "  #   label      spacing  head    track_id                     ...  n   mean_effect  sd_effect ...\n"
            "  #   ATGAGTCAT  -1       counts  counts/demo planted grammar  ...  64  2.01187031   0.191303189 ...\n"
            "  #   GATTACGAT  -1       counts  counts/demo planted grammar  ...  64  -0.0142772458 0.0833103167 ...\n"
            "  # AP-1 then KLF4 at gaps 0..30 (gap = bases between AP-1's end and KLF4's start): best gap 12\n"
            "  s2f-marginalize --model demo --random -n 64 --seed 1 --motif-file jaspar.meme \\\n"
            "      --motif MA1141.2 --motif KLF4 --spacing 0:30:1 --summary spacing.tsv -o spacing.s2f\n"
            "  s2f-encode --fasta-records peaks.fa -L 500 | s2f-marginalize --model demo --ablate 240:260 -n 20 --seed 3\n"
            "  s2f-marginalize --model demo peaks.s2f --annotations sites.tsv --shuffle dinucleotide -n 10 --seed 2\n"
            "  # a soft motif (numpy.save('ap1.npy', pwm), shape (9, 4)) and the edited sequences kept for s2f-predict\n"
            "  s2f-marginalize --model demo --random -n 64 --motif-matrix ap1.npy --save-after after.s2f -o soft.s2f\n"
            "  s2f-marginalize -m fold_0.s2fm -m fold_1.s2fm --motif TGACTCA --random -n 64 -o m.s2f  # fold mean");
  tool.use(Opt::Output | Opt::Threads | Opt::Seed | Opt::Compress);
  mg::MarginalizeRequest o;
  auto& app = tool.app();
  app.footer(std::string(mg::marginalize_help_details()) + app.get_footer());
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin): backgrounds, or the sources of --annotations/--ablate");
  cli::add_model_options(app, o.model, false);
  cli::add_track_plan_options(app, o.plan);
  cli::add_marginalize_mode_options(app, o);
  cli::add_background_options(app, o);
  app.add_option("--summary", o.summary, "Write the per motif x head x track effect table (TSV) here");
  app.add_option("--save-backgrounds", o.save_backgrounds, "Also write the background sequences as a sequences stream");
  app.add_option("--save-after", o.save_after, "Also write the edited (after) sequences as a sequences stream");
  app.add_option("--func", o.func,
                 "What is computed before and after each edit: predict (model outputs), attribute (contribution "
                 "scores: fields contrib.before/.after/.diff [L, 4], as s2f-attribute computes them) or ism "
                 "(ISM contribution scores over the whole window, as s2f-ism --attr computes them)")
      ->capture_default_str();
  cli::add_attribution_options(app, o.attribution, false);

  tool.validate([&](const CommonOptions&) { mg::check_request(o); });
  return tool.run(argc, argv, [&](Run& run) {
    mg::run_marginalize(o, run);
    return 0;
  });
}
