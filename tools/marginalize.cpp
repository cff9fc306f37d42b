// s2f-marginalize: insert motifs (or annotated segments, or shuffles of a
// region) into background sequences and report the model's outputs before
// and after, per head and track (tangermeme marginalize,
// marginalize_annotations, space and ablate). The algorithms live in
// libcommon/src/marginalize; this file maps options to them
// (mg::run_marginalize, libcommon/src/marginalize/marginalize_request.cpp).
#include "s2f/cli/stage_options.hpp"
#include "s2f/marginalize/marginalize_request.hpp"
#include "s2f/tool.hpp"
#include "s2f/defaults.hpp"

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
  app.footer(
      "Modes (one per run):\n"
      "  --motif M [--motif M2 ...]   each motif inserted on its own into every background; M is a string of\n"
      "                               A, C, G, T and N (N keeps the background base; other IUPAC codes are refused,\n"
      "                               as tangermeme does, unless --iupac: then each inserts the first of its bases\n"
      "                               in A,C,G,T order, or a uniformly drawn one with --sample) or the id or alt\n"
      "                               name of a --motif-file motif (MEME or JASPAR), inserted as its consensus\n"
      "                               (most probable base) or, with --sample, drawn from the PWM for each\n"
      "                               background. Start: L/2 - m/2 (integer division, as tangermeme), or --start.\n"
      "  --motif-matrix FILE          numeric motifs (.npy: one array named after the file; .npz: each array,\n"
      "                               named after it): shape (k, 4) goes into every background, (n, k, 4) puts\n"
      "                               motif i into background i; the values (one-hot, or soft: any finite\n"
      "                               numbers, A C G T last) replace the window's one-hot columns as tangermeme's\n"
      "                               substitute does; a row of zeros is tangermeme's N.\n"
      "  --motif-per-background FILE  sequences stream (s2f-encode --fasta-records motifs.fa -L k): record i is\n"
      "                               the motif inserted into background i, labelled with the file's name.\n"
      "  --spacing A:B:STEP           with two or more motifs: motif 1 at its start, each next motif GAP bases\n"
      "                               after the end of the previous one (GAP = next start - previous end), for\n"
      "                               GAP = A, A+STEP, ... <= B; records and summary rows carry the gap.\n"
      "  --annotations FILE           TSV: example index (record of the input), start, end (0-based, half-open),\n"
      "                               optional name; each segment of its input sequence is written at the same\n"
      "                               place into every background, one annotation at a time.\n"
      "  --ablate START:END           [START, END) of each input sequence replaced by -n dinucleotide shuffles;\n"
      "                               before = the original, after = the ablated sequence.\n"
      "Backgrounds: the input sequences stream (from s2f-encode), or --shuffle dinucleotide (-n uniformly drawn\n"
      "dinucleotide-preserving shuffles of each input sequence), or --random (-n i.i.d. sequences, --gc), or for\n"
      "--annotations --background FILE. --seed seeds every random choice (default 1).\n"
      "Output: one 'marginal' record per (motif, background) with <head>.before, <head>.after and\n"
      "<head>.diff = after - before, f32 [tracks, bins] (formats/SPEC.md); background is the background's\n"
      "index, background_id and background_allele the input window it is or was shuffled from (any window\n"
      "s2f-encode makes; a variant's REF and ALT windows are two backgrounds with one id and allele R, A;\n"
      "background_<i> and '.' for --random; --save-backgrounds keeps them). --summary writes one row per\n"
      "motif x spacing x head x track: n, mean and sd (n-1) over backgrounds of the effect, where a profile\n"
      "head's effect on a track is its diff summed over bins, and the mean before and after (same sums).\n"
      "--save-after FILE writes the edited (after) sequences as a sequences stream, record k the sequence of\n"
      "output record k, id '<background id>|<label>[|gap=G][|shuffle=R]' (numeric motifs as matrix bases: the\n"
      "largest value of each column, N for a row of zeros), for s2f-predict, s2f-ism and other stages.\n"
      "All inputs are held in memory (backgrounds are predicted once and reused for every motif).\n"
      "Ensembles: several -m (or a fold directory): before and after are the members' mean (formats/MODELS.md,\n"
      "Ensembles).\n\n" +
      app.get_footer());
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin): backgrounds, or the sources of --annotations/--ablate");
  cli::add_model_options(app, o.model, false);
  cli::add_track_plan_options(app, o.plan);
  app.add_option("--motif", o.motifs, "Motif: IUPAC string, or a --motif-file motif id/alt name; repeatable")
      ->allow_extra_args(false);
  app.add_option("--motif-file", o.motif_file, "MEME or JASPAR motif file the --motif names refer to");
  app.add_flag("--iupac", o.iupac, "Accept degenerate IUPAC codes (U, R Y S W K M B D H V) in motif strings (see Modes)");
  app.add_option("--motif-matrix", o.motif_matrices, "Numeric motifs from .npy/.npz, (k, 4) or (n, k, 4); repeatable")
      ->allow_extra_args(false);
  app.add_option("--motif-per-background", o.motif_per_background,
                 "Sequences stream of motifs, record i inserted into background i");
  app.add_flag("--sample", o.sample, "Draw each inserted motif from its PWM (per background, seeded) instead of the consensus");
  app.add_option("--start", o.start, "Insert at this 0-based position instead of the centre");
  app.add_option("--spacing", o.spacing, "Gap sweep A:B:STEP between consecutive motifs (see Modes)");
  app.add_option("--annotations", o.annotations, "TSV of example index, start, end: marginalize each segment");
  app.add_option("--background", o.background, "Backgrounds stream for --annotations");
  app.add_option("--ablate", o.ablate, "Region START:END of each input to replace by -n dinucleotide shuffles");
  app.add_option("--shuffle", o.shuffle, "Backgrounds: 'dinucleotide' shuffles of the input sequences")
      ->check(CLI::IsMember({"dinucleotide"}));
  app.add_flag("--random", o.random, "Backgrounds: -n random i.i.d. sequences with --gc");
  app.add_option("--gc", o.gc, "GC content of --random backgrounds")->capture_default_str();
  app.add_option("-n", o.count, "Backgrounds for --random; shuffles per sequence for --shuffle and --ablate (default " +
                     std::to_string(defaults::marginalize_count) + ")");
  app.add_option("-L,--length", o.length, "Length of --random backgrounds (default and only choice: the model's input length)");
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
