// Predictor: runs a CompiledModel over a batch of one-hot sequences and
// returns named output heads. Sequences run in parallel on the current TBB
// arena (size it with -t); a batch smaller than the thread count is instead
// split across positions inside each convolution. Results do not depend on
// the thread count.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "s2f/engine/activation_planner.hpp"
#include "s2f/engine/compiled_model.hpp"

namespace s2f::engine {

struct HeadOutput {
  std::string name;
  HeadKind kind = HeadKind::profile;
  int64_t tracks = 0, bins = 0, bin_size = 1;
  std::vector<float> values;  // [batch][tracks][bins]
  const float* sequence(int64_t b) const { return values.data() + b * tracks * bins; }
};

// Names, shapes and room for `batch` sequences of every head of `model`.
void size_head_outputs(const CompiledModel& model, int64_t batch, std::vector<HeadOutput>& out);

class Predictor {
 public:
  explicit Predictor(std::shared_ptr<const CompiledModel> model);
  ~Predictor();

  // `onehot` is [batch][input_length][input_channels] (A, C, G, T).
  std::vector<HeadOutput> predict(const float* onehot, int64_t batch) const;
  // Same, reusing the caller's output buffers between batches.
  void predict(const float* onehot, int64_t batch, std::vector<HeadOutput>& out) const;

  const CompiledModel& model() const { return *model_; }
  const ActivationPlan& plan() const { return plan_; }
  int64_t input_length() const { return model_->length(0); }
  int64_t input_channels() const { return model_->channels(0); }
  // Activation memory per worker thread, in bytes.
  int64_t arena_bytes() const { return plan_.arena_floats * 4; }

 private:
  struct Arenas;
  void run_sequence(const float* x, float* arena, std::vector<HeadOutput>& out, int64_t b, bool parallel_rows) const;

  std::shared_ptr<const CompiledModel> model_;
  ActivationPlan plan_;
  std::unique_ptr<Arenas> arenas_;
};

}  // namespace s2f::engine
