// The content hash of an ensemble (formats/SPEC.md, meta.model): it changes
// when any member or the members' order changes, as the averaged outputs
// (summed in member order) may.
#pragma once
#include <string>
#include <vector>

namespace s2f::engine {

// "sha256:<hex>" of "s2f-ensemble\n" followed by each member's content hash
// ("sha256:<hex>") and a newline, in member order.
std::string ensemble_hash(const std::vector<std::string>& member_hashes);

}  // namespace s2f::engine
