// s2f-view's reference text (its --help below the examples): the annotated
// VCF and the genome track rules, kept beside the code it describes.
#include <string>

#include "s2f/view/view_run.hpp"

namespace s2f::view {

namespace {

constexpr const char* kTrackRules = R"(
Tracks (--bigwig/--bedgraph PREFIX: one file PREFIX.<track>.bw / .bedGraph per selected track; files
appear together at the end of the run, then -o lists them (track_id, file); rules in
libcommon/src/genome/WINDOWS.md, "Tracks"):
  tensors        every selected head track; a profile head's B bins of r bp are centred in the input
                 window, a scalar head spans the first profile head's output window.
                 --transform logits (as predicted) | probabilities (softmax over the window's bins)
                 | counts (softmax(logits) x exp(log-counts of --counts-head), ChromBPNet's coverage)
  scores         one file per statistic and track, each value over the bins it summed (--window)
  contributions  PREFIX.contrib: per base of the attributed range, sum(contrib x one-hot)
  Overlapping windows: --stitch midpoint (each base from the window whose centre is nearest, as
  ChromBPNet) or average. Chromosome sizes come from the stream's reference index; records must be
  in genome order (tiles from s2f-sample-positions --strategy tile are): out of order is an error.)";

}  // namespace

const std::string& view_help_details() {
  static const std::string text = "\nAnnotated VCF (--annotate-vcf VCF, -o FILE.vcf.gz or FILE.bcf): every VCF record once, in order, with one\n"
         "INFO field <PREFIX>_<statistic>_<track> (Number=A, Float) per statistic and track of the scores stream;\n"
         "multi-allelic records stay one line (one value per ALT, '.' for an ALT without score); BGZF + .tbi\n"
         "(--csi: .csi), or BCF + .csi; readable by bcftools and tabix.\n" + std::string(kTrackRules);
  return text;
}

}  // namespace s2f::view
