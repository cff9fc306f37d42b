// The body of s2f-reservoir: sample the --shard slice of a value stream
// into per-track reservoirs (Algorithm R) and write them as a reservoirs
// stream whose header records the value meta and the reservoir settings.
#pragma once
#include <cstdint>
#include <string>

#include "s2f/run.hpp"

namespace s2f::background {

struct ReservoirRequest {
  std::string input = "-";
  std::string kind_override;  // --kind, when the stream does not say
  uint64_t capacity = 0, tail_k = 0;
};

// run.opt.seed must be set; fills records in/out and the summary.
void run_reservoir(const ReservoirRequest& request, Run& run);

}  // namespace s2f::background
