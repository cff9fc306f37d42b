// s2f-marginalize's reference text (its --help below the examples): the
// modes, backgrounds, outputs and ensembles, kept beside the code it
// describes.
#include "s2f/marginalize/marginalize_request.hpp"

namespace s2f::marginalize {

const char* marginalize_help_details() {
  return "Modes (one per run):\n"
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
         "Ensembles).\n\n";
}

}  // namespace s2f::marginalize
