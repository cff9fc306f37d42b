// Fi-NeMo's output directory (hits.tsv, hits_unique.tsv, hits.bed,
// peaks_qc.tsv, motif_data.tsv, motif_cwms.npy, parameters.json) and the
// optional hits stream, written from one call's results.
#pragma once
#include <vector>

#include "s2f/hits/call_hits_run.hpp"
#include "s2f/hits/hit_tables.hpp"
#include "s2f/hits/motif_set.hpp"
#include "s2f/hits/regions.hpp"

namespace s2f::hits {

struct CallResults {
  const MotifSet& motifs;
  const RegionSet& regions;
  const std::vector<RegionFit>& fits;
  size_t unconverged = 0;
};

// Returns the number of hits written.
size_t write_hit_outputs(const CallHitsRequest& request, const CallResults& results, Run& run);

}  // namespace s2f::hits
