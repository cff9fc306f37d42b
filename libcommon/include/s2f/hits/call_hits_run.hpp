// The body of s2f-call-hits: load motifs and regions as the request says,
// fit every region, warn about regions that did not converge, and write
// Fi-NeMo's output files (and optionally a hits stream).
#pragma once
#include <string>
#include <vector>

#include "s2f/hits/hit_caller.hpp"
#include "s2f/run.hpp"

namespace s2f::hits {

struct CallHitsRequest {
  std::vector<std::string> regions;
  std::string format = "auto", modisco, peaks, chrom_order, out_dir, mode = "pp", genome;
  std::string motifs_include, motif_names, motif_lambdas, trim_thresholds, hits_stream;
  double trim_threshold = 0.3;
  float lambda = 0.7f;
  size_t region_width = 1000;
  FitSettings fit;
  bool no_post_filter = false;

  // The option combinations, one message each; derives fit.post_filter and
  // fit.hypothetical from the flags and the mode.
  void check();
};

void run_call_hits(const CallHitsRequest& request, Run& run);

}  // namespace s2f::hits
