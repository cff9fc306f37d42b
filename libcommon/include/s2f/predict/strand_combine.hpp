// Combining forward and reverse-complement predictions (`--rc mean|max`),
// as Selene's non_strand_specific does for scalar outputs, but correct for
// profiles: the reverse-complement input's profile runs the other way along
// the sequence and its stranded tracks are swapped (+ reads as −), so bin j
// of track t on the reverse pass is bin (bins−1−j) of track partner(t) on
// the forward pass.
//
// `mean-prob` averages in probability space, as the ChromBPNet variant
// scorer (kundajelab/variant-scorer) does: a profile head's two passes are
// softmax-normalised per track over its bins and averaged, a scalar head's
// log-counts are exponentiated and averaged, and both are written back as
// logs (log of the mean probability, log of the mean count), so the stream
// still holds logits and log-counts whose softmax and exp are those means.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace s2f::predict {

enum class RcMode { none, mean, max, mean_prob };
RcMode parse_rc_mode(const std::string& text);  // usage error on unknown values

struct StrandLayout {
  int64_t tracks = 0, bins = 0;
  bool profile = true;              // scalar heads are not flipped
  std::vector<int64_t> partner;     // per track: its opposite-strand track (itself when unstranded)
};

// out[t][j] = combine(fwd[t][j], rc[partner(t)][flip(j)]) for one record's
// [tracks][bins] tensors. `out` may alias `fwd`.
void combine_strands(const float* fwd, const float* rc, float* out, const StrandLayout& layout, RcMode mode);

}  // namespace s2f::predict
