// The body of s2f-sample-positions: draw what a SamplingRequest asks for
// (strategy defaults filled in), give drawn positions ids by rank, and write
// the --shard slice as a positions or variants stream with the sampling
// parameters in its header.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "s2f/run.hpp"
#include "s2f/sampling/position_sampler.hpp"

namespace s2f::sampling {

struct SamplingCounts {
  std::map<std::string, uint64_t> per_category, per_partition;  // of the records written
};

SamplingCounts sample_and_write(const SamplingRequest& request, PositionSampler& sampler,
                                const genome::ReferenceGenome& genome, Run& run);

// --strategy tile (tiling.hpp): tiles are computed, not drawn, and written
// straight from the plan; uncovered bases go to the side file.
SamplingCounts write_tiles(const SamplingRequest& request, PositionSampler& sampler,
                           const genome::ReferenceGenome& genome, Run& run);

// The sampler's warnings and (unless -q) one stderr line per category, with
// the shortfall against the request, and one with the partition counts.
void report_sampling(PositionSampler& sampler, const SamplingCounts& counts, bool quiet);

// The reference text of s2f-sample-positions --help (strategies, Selene's samplers).
const char* sampling_help_details();

}  // namespace s2f::sampling
