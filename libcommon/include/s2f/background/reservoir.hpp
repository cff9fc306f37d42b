// Per-track reservoir sampling (Vitter's Algorithm R): after n values a
// track's reservoir is a uniform random subset of min(n, capacity) of them,
// whatever n turns out to be. The count of values seen is exact, and the
// optional tails keep the exact k largest and k smallest values, which a
// sample of the body cannot give.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "s2f/background/track_rng.hpp"

namespace s2f::background {

class Reservoir {
 public:
  Reservoir() = default;
  Reservoir(uint64_t capacity, uint64_t seed, size_t tail_k = 0)
      : capacity_(capacity), seed_(seed), tail_k_(tail_k), rng_(seed) {}

  // One value; NaN means "no value" and is not counted.
  void add(float v) {
    if (std::isnan(v)) return;
    ++seen_;
    if (seen_ <= capacity_) sample_.push_back(v);
    else {
      uint64_t j = rng_.below(seen_);
      if (j < capacity_) sample_[j] = v;
    }
    if (tail_k_) add_to_tails(v);
  }

  // `n` groups of `k` consecutive values, groups `stride` floats apart
  // (one track's slice of successive records). Same result as add() on
  // each value in order; keeps the sampling state in registers.
  void add_strided(const float* v, size_t n, size_t stride, size_t k);

  uint64_t seen() const { return seen_; }
  uint64_t capacity() const { return capacity_; }
  uint64_t seed() const { return seed_; }
  size_t tail_k() const { return tail_k_; }
  // Holds every value seen while seen() <= capacity().
  bool complete() const { return seen_ <= capacity_; }
  const std::vector<float>& sample() const { return sample_; }
  // Largest values, descending, and smallest, ascending (at most tail_k).
  std::vector<float> tail_top() const;
  std::vector<float> tail_bottom() const;

 private:
  void add_to_tails(float v) {
    // top_ is a min-heap of the k largest, bottom_ a max-heap of the k smallest.
    if (top_.size() < tail_k_) {
      top_.push_back(v);
      std::push_heap(top_.begin(), top_.end(), std::greater<float>());
    } else if (v > top_.front()) {
      std::pop_heap(top_.begin(), top_.end(), std::greater<float>());
      top_.back() = v;
      std::push_heap(top_.begin(), top_.end(), std::greater<float>());
    }
    if (bottom_.size() < tail_k_) {
      bottom_.push_back(v);
      std::push_heap(bottom_.begin(), bottom_.end());
    } else if (v < bottom_.front()) {
      std::pop_heap(bottom_.begin(), bottom_.end());
      bottom_.back() = v;
      std::push_heap(bottom_.begin(), bottom_.end());
    }
  }

  uint64_t capacity_ = 0, seed_ = 0, seen_ = 0;
  size_t tail_k_ = 0;
  TrackRng rng_;
  std::vector<float> sample_, top_, bottom_;
};

// One reservoir per track of a value stream.
class ReservoirSet {
 public:
  // Track t is seeded with track_seed(run_seed, t).
  ReservoirSet(size_t n_tracks, uint64_t capacity, uint64_t run_seed, size_t tail_k = 0);
  size_t size() const { return tracks_.size(); }
  Reservoir& operator[](size_t t) { return tracks_[t]; }
  const Reservoir& operator[](size_t t) const { return tracks_[t]; }

  // Adds `n_records` records laid out as values[record][track][k] (the
  // values field of a values stream). Tracks are spread over the threads
  // the caller's TBB arena allows; each track sees its values in record
  // order, so the result does not depend on the thread count.
  void ingest(const float* values, size_t n_records, size_t per_track);

 private:
  std::vector<Reservoir> tracks_;
};

}  // namespace s2f::background
