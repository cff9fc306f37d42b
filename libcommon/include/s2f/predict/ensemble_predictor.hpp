// EnsemblePredictor: the engine::Predictor of every member of an ensemble
// (or of the one model) run on the same batch, and the members' mean.
// The mean is the rule for every head (formats/MODELS.md, "Ensembles"): the
// mean of profile logits and the mean of log-counts and scalar outputs, as
// the members output them. Values are summed in double in member order and
// stored as float, so the result is the same bytes whatever the thread
// count. One member is passed through unchanged.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "s2f/engine/predictor.hpp"
#include "s2f/predict/model_options.hpp"

namespace s2f::predict {

// Sums head outputs of the same shapes in double, in the order added; the
// mean is stored as float. Shared by EnsemblePredictor and fast ISM.
class HeadMean {
 public:
  void add(const std::vector<engine::HeadOutput>& member);
  // `out` is shaped as the members' outputs; the sums restart.
  void finish(std::vector<engine::HeadOutput>& out);

 private:
  std::vector<std::vector<double>> sums_;
  size_t count_ = 0;
};

class EnsemblePredictor {
 public:
  // Compiles each member (taking its weights over: one copy in memory).
  explicit EnsemblePredictor(std::vector<StageModel> members);
  ~EnsemblePredictor();

  // As engine::Predictor::predict: `onehot` is [batch][input_length][4].
  void predict(const float* onehot, int64_t batch, std::vector<engine::HeadOutput>& out) const;

  // Heads and shapes, which every member shares: the first member's graph.
  const engine::ModelGraph& graph() const;
  int64_t input_length() const;
  size_t size() const { return members_.size(); }

 private:
  std::vector<std::unique_ptr<engine::Predictor>> members_;
  mutable std::vector<engine::HeadOutput> member_out_;
  mutable HeadMean mean_;
};

}  // namespace s2f::predict
