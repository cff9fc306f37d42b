// Dinucleotide-preserving shuffles (Altschul & Erickson 1985; the Eulerian
// walk of Kandel et al. 1996 and uShuffle). A sequence is a walk through the
// multigraph whose vertices are its letters and whose edges are its
// dinucleotides; every other walk that uses each edge once and starts at the
// same letter has the same dinucleotide counts, and the same first and last
// letter. Such walks are drawn uniformly: a uniformly random "last exit"
// arborescence towards the final letter (Wilson's loop-erased random walk,
// each out-edge equally likely), then a uniformly random order of each
// letter's remaining exits. By the BEST theorem every arborescence admits the
// same number of walks, so every distinct shuffle is equally likely.
//
// Owned by the genome library: marginalization backgrounds and the
// shuffled-flank nulls of variant windows (s2f-encode --null) both use it.
//
// Letters are bytes and compared exactly: N is a letter like any other (its
// dinucleotides are kept too), and a and A differ.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "s2f/rng.hpp"

namespace s2f::genome {

// One shuffle of `seq` (sequences of fewer than 3 letters come back as is).
std::string dinucleotide_shuffle(std::span<const uint8_t> seq, Rng& rng);
inline std::string dinucleotide_shuffle(std::string_view seq, Rng& rng) {
  return dinucleotide_shuffle(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(seq.data()), seq.size()), rng);
}

}  // namespace s2f::genome
