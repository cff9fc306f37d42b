#include "s2f/cli/marginalize_options.hpp"

#include <string>

#include "s2f/defaults.hpp"

namespace s2f::cli {

void add_marginalize_mode_options(CLI::App& app, marginalize::MarginalizeRequest& o) {
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
}

void add_background_options(CLI::App& app, marginalize::MarginalizeRequest& o) {
  app.add_option("--shuffle", o.shuffle, "Backgrounds: 'dinucleotide' shuffles of the input sequences")
      ->check(CLI::IsMember({"dinucleotide"}));
  app.add_flag("--random", o.random, "Backgrounds: -n random i.i.d. sequences with --gc");
  app.add_option("--gc", o.gc, "GC content of --random backgrounds")->capture_default_str();
  app.add_option("-n", o.count, "Backgrounds for --random; shuffles per sequence for --shuffle and --ablate (default " +
                     std::to_string(defaults::marginalize_count) + ")");
  app.add_option("-L,--length", o.length, "Length of --random backgrounds (default and only choice: the model's input length)");
}

}  // namespace s2f::cli
