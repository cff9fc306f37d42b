// Random weights for hand-built test models (normal, mean 0, given scale).
#pragma once
#include <random>
#include <vector>

#include "s2f/engine/graph.hpp"

namespace s2f::test {

inline engine::WeightTensor random_tensor(std::vector<int64_t> shape, std::mt19937& rng, float scale = 0.2f) {
  engine::WeightTensor t;
  t.shape = std::move(shape);
  std::normal_distribution<float> d(0.0f, scale);
  t.data.resize(static_cast<size_t>(t.numel()));
  for (auto& v : t.data) v = d(rng);
  return t;
}

}  // namespace s2f::test
