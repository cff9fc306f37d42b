// The defaults of s2f-sample-positions that depend on other options, in one
// place: --preset selene (Selene's RandomPositionsSampler and
// IntervalsSampler defaults) and s2f's own, and the checks of option
// combinations, one message each.
#pragma once
#include "s2f/sampling/position_sampler.hpp"

namespace s2f::sampling {

// Selene's sampler defaults, which --preset selene applies to every option
// the command line leaves open (each is also an option of its own).
struct SelenePreset {
  static constexpr const char* validation_holdout = "chr6,chr7";
  static constexpr const char* test_holdout = "chr8,chr9";
  static constexpr const char* mode = "train";
  static constexpr int64_t sequence_length = 1000;
  static constexpr int64_t center_bin = 200;
  // Edge margin: the random sampler draws from [L, chromosome length - L).
  static constexpr const char* strand = "random";
  static constexpr const char* holdout_by = "whole";
  static constexpr const char* blacklist_rule = "window";
  static constexpr const char* n_runs = "keep";
};

// Checks the strategy and the combinations of options (`seed_given`: the
// command line set --seed) and fills every option left empty (the preset's
// value, else s2f's); usage errors name the option and the fix.
void resolve_sampling_request(SamplingRequest& request, bool seed_given);

}  // namespace s2f::sampling
