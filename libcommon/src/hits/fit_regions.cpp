#include "s2f/hits/fit_regions.hpp"

#include <atomic>
#include <mutex>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

namespace s2f::hits {

namespace {
struct WorkerBuffers {
  FitWorkspacePtr workspace;
  std::vector<float> contrib;
  std::vector<uint8_t> mask;
};
}  // namespace

std::vector<RegionFit> fit_regions(const HitCaller& caller, const RegionSet& regions,
                                   const std::function<void(size_t)>& progress) {
  std::vector<RegionFit> fits(regions.size());
  const bool hypothetical = caller.settings().hypothetical;
  oneapi::tbb::enumerable_thread_specific<WorkerBuffers> buffers([&] {
    return WorkerBuffers{caller.make_workspace(), std::vector<float>(regions.length() * 4),
                         std::vector<uint8_t>(regions.length())};
  });
  std::atomic<size_t> done{0};
  std::mutex report;
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<size_t>(0, regions.size(), 1),
      [&](const oneapi::tbb::blocked_range<size_t>& range) {
        auto& buf = buffers.local();
        for (size_t i = range.begin(); i != range.end(); ++i) {
          regions.optimiser_input(i, hypothetical, buf.contrib, buf.mask);
          fits[i] = caller.fit(buf.contrib, buf.mask, *buf.workspace);
          size_t n = ++done;
          if (progress && report.try_lock()) {
            progress(n);
            report.unlock();
          }
        }
      });
  return fits;
}

}  // namespace s2f::hits
