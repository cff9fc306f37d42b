// ISM contribution scores of one sequence: the target's value with each
// base at each position (the reference's own base: the reference's value;
// every other base: that single-base mutant's), then per position the
// value of each base minus the mean over the four (hypothetical
// contributions), optionally projected onto the sequence's own base. 0
// outside the mutated range. s2f-ism --attr and s2f-marginalize --func ism
// both collect them here.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "s2f/engine/predictor.hpp"
#include "s2f/ism/mutations.hpp"

namespace s2f::ism {

// --target's scalar: the chosen channels of one head, summed over its bins.
double target_value(const engine::HeadOutput& head, const std::vector<int64_t>& channels, size_t index);

class IsmContributions {
 public:
  // A new sequence, with the target's value on the reference.
  void begin(std::span<const uint8_t> sequence, double reference_value);
  // Single-base mutant `m` gave `value`.
  void add(const Mutation& m, double value);
  // (L x 4) scores over [start, end) (end < 0: the sequence's length).
  void finish(int64_t start, int64_t end, bool project, std::span<float> out) const;

 private:
  std::vector<uint8_t> sequence_;
  std::vector<double> values_;  // [L][4], NaN = not visited
};

}  // namespace s2f::ism
