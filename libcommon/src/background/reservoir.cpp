#include "s2f/background/reservoir.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

namespace s2f::background {

std::vector<float> Reservoir::tail_top() const {
  std::vector<float> v = top_;
  std::sort(v.begin(), v.end(), std::greater<float>());
  return v;
}

std::vector<float> Reservoir::tail_bottom() const {
  std::vector<float> v = bottom_;
  std::sort(v.begin(), v.end());
  return v;
}

void Reservoir::add_strided(const float* v, size_t n, size_t stride, size_t k) {
  if (tail_k_) {  // the rare configuration: keep it simple
    for (size_t r = 0; r < n; ++r)
      for (size_t i = 0; i < k; ++i) add(v[r * stride + i]);
    return;
  }
  uint64_t seen = seen_;
  const uint64_t cap = capacity_;
  // Grow straight to what this chunk needs, never past the capacity:
  // doubling would leave up to a third of every full reservoir unused.
  if (sample_.size() < cap) {
    const uint64_t want = std::min<uint64_t>(cap, std::max<uint64_t>(2 * sample_.size(), sample_.size() + n * k));
    if (sample_.capacity() < want) sample_.reserve(static_cast<size_t>(want));
  }
  TrackRng rng = rng_;
  for (size_t r = 0; r < n; ++r) {
    const float* x = v + r * stride;
    for (size_t i = 0; i < k; ++i) {
      const float value = x[i];
      if (std::isnan(value)) continue;
      ++seen;
      if (seen <= cap) {
        sample_.push_back(value);
        continue;
      }
      const uint64_t j = rng.below(seen);
      if (j < cap) sample_[j] = value;
    }
  }
  seen_ = seen;
  rng_ = rng;
}

ReservoirSet::ReservoirSet(size_t n_tracks, uint64_t capacity, uint64_t run_seed, size_t tail_k) {
  tracks_.reserve(n_tracks);
  for (size_t t = 0; t < n_tracks; ++t) tracks_.emplace_back(capacity, track_seed(run_seed, t), tail_k);
}

void ReservoirSet::ingest(const float* values, size_t n_records, size_t per_track) {
  const size_t n_tracks = tracks_.size();
  const size_t stride = n_tracks * per_track;
  // Track-major: one track's values of the whole chunk at a time keep its
  // generator in registers and its sample hot in cache; tasks own disjoint
  // tracks, so there is nothing to synchronise.
  const size_t grain = std::max<size_t>(1, std::min<size_t>(64, n_tracks / 16));
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<size_t>(0, n_tracks, grain),
      [&](const oneapi::tbb::blocked_range<size_t>& block) {
        for (size_t t = block.begin(); t < block.end(); ++t)
          tracks_[t].add_strided(values + t * per_track, n_records, stride, per_track);
      },
      oneapi::tbb::simple_partitioner());
}

}  // namespace s2f::background
