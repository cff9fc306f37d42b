// s2f-view's run, once its options are parsed: the annotated VCF, the
// track listings (--tracks, --masks), genome tracks (--bigwig/--bedgraph),
// the header, validation, and the record copy (TSV/BED/VCF/HDF5/s2f) with
// shard slicing, track selection and per-bin arithmetic.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/run.hpp"
#include "s2f/score/annotated_vcf.hpp"

namespace s2f::view {

struct ViewOptions {
  std::vector<std::string> inputs{"-"};
  bool header = false, validate = false, bed = false, vcf = false, s2f_out = false, no_header_line = false;
  bool pairs = false;
  int64_t head = -1;
  std::string hdf5;
  bool tracks = false, masks = false, strip_padding = false;
  std::string arith, arith_with;
  catalog::TrackFilterOptions select;
  std::string bigwig, bedgraph, transform = "logits", stitch = "midpoint", counts_head;
  score::VcfAnnotationOptions annotate;  // --annotate-vcf
};

// Returns the exit code (0); errors are thrown as s2f::Error.
int run_view(ViewOptions& v, Run& run);

// The reference text of s2f-view --help (annotated VCF, genome tracks).
const std::string& view_help_details();

}  // namespace s2f::view
