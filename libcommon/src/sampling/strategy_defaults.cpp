#include "s2f/sampling/strategy_defaults.hpp"

#include <map>

namespace s2f::sampling {

const StrategyDefaults* strategy_defaults(const std::string& strategy) {
  static const std::map<std::string, StrategyDefaults> d{
      {"intergenic", {15000, 789, 10000}}, {"ccre", {11500, 456, 0}},    {"tss", {3000, 111, 0}},
      {"gene-body", {2000, 222, 0}},       {"snps", {10000, 42, 5000000}}, {"random", {10000, 436, 0}},
      {"intervals", {10000, 436, 0}},      {"chorus-baselines", {0, 0, 10000}},
      {"tile", {0, 0, 0}}};  // tiles are computed, not drawn: no count or seed
  auto it = d.find(strategy);
  return it == d.end() ? nullptr : &it->second;
}

}  // namespace s2f::sampling
