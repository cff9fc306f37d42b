// The marginalization loop: every background is predicted once ("before",
// shared by all experiments on it, where tangermeme re-predicts it for each
// motif), then the edited sequences in batches ("after"). Outputs are the
// planned heads and tracks (predict::TrackPlan: catalog, --select, --heads),
// handed to a sink in experiment order, so the result is the same whatever
// the thread count.
#pragma once
#include "s2f/defaults.hpp"
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "s2f/engine/predictor.hpp"
#include "s2f/predict/ensemble_predictor.hpp"
#include "s2f/marginalize/experiments.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/track_plan.hpp"

namespace s2f::marginalize {

struct LoopOptions {
  int64_t batch_size = defaults::batch_size;
  predict::NEncoding n_encoding;  // one-hot of N, as s2f-predict decides it
};

// One planned head's values for one sequence: [tracks][bins] of the plan.
struct HeadSlices {
  std::vector<const float*> before, after;  // per plan head
};

using ResultSink = std::function<void(size_t experiment, const HeadSlices& values)>;
// Called after each batch with the number of experiments done.
using ProgressHook = std::function<void(uint64_t done)>;

class Marginalizer {
 public:
  // `predictor`: one model, or an ensemble whose outputs are its members' mean.
  Marginalizer(const predict::EnsemblePredictor& predictor, const predict::TrackPlan& plan, LoopOptions options);
  // Values per plan head and sequence (plan tracks x plan bins).
  int64_t values_per_sequence(size_t head) const;

  void run(const std::vector<std::string>& backgrounds, const std::vector<Experiment>& experiments,
           const ResultSink& sink, const ProgressHook& progress = {}) const;

 private:
  // Predicts `n` one-hot sequences in `x` and writes the planned values of
  // sequence i, head h to out[h] + (first + i) * values_per_sequence(h).
  void predict_into(const std::vector<float>& x, int64_t n, int64_t first, std::vector<std::vector<float>>& out,
                    std::vector<engine::HeadOutput>& scratch) const;

  const predict::EnsemblePredictor& predictor_;
  const predict::TrackPlan& plan_;
  LoopOptions options_;
  std::vector<size_t> head_index_;  // plan head -> predictor output
};

}  // namespace s2f::marginalize
