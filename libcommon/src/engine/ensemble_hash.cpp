#include "s2f/engine/ensemble_hash.hpp"

#include "sha256.hpp"

namespace s2f::engine {

std::string ensemble_hash(const std::vector<std::string>& member_hashes) {
  std::string text = "s2f-ensemble\n";
  for (const auto& h : member_hashes) text += h + "\n";
  Sha256 sha;
  sha.update(text.data(), text.size());
  return "sha256:" + sha.hex();
}

}  // namespace s2f::engine
