// Fits every region of a RegionSet in parallel. Regions are handed out one
// at a time (each converges in its own number of steps); results land at
// their region's index, so output is identical for any thread count.
#pragma once
#include <functional>
#include <vector>

#include "s2f/hits/hit_caller.hpp"
#include "s2f/hits/regions.hpp"

namespace s2f::hits {

// `progress(done)` is called now and then from one thread at a time.
std::vector<RegionFit> fit_regions(const HitCaller& caller, const RegionSet& regions,
                                   const std::function<void(size_t)>& progress = {});

}  // namespace s2f::hits
