// Default count, seed and margin of each s2f-sample-positions strategy:
// the counts and seeds of chorus's background builds and Selene's sampler seed.
#pragma once
#include <cstdint>
#include <string>

namespace s2f::sampling {

struct StrategyDefaults {
  uint64_t count, seed;
  int64_t margin;
};

// The defaults of `strategy`, or nullptr when no strategy has that name.
const StrategyDefaults* strategy_defaults(const std::string& strategy);

}  // namespace s2f::sampling
