// Predictor: runs a CompiledModel over a batch of one-hot sequences and
// returns named output heads. Sequences run in parallel on the current TBB
// arena (size it with -t); a batch smaller than the thread count is instead
// split across positions inside each layer. The layers after a Flatten or
// global pool (the "tail": Dense, activations, ...) run once for the whole
// batch, so their weights are read once a batch, not once a sequence.
// Results do not depend on the thread count or the batch size.
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
  struct TailInputs;
  void find_tail();
  // Sequences b0 .. b0 + count - 1 (inputs from x), layer by layer, each
  // in its own arena_floats of `arena`.
  void run_sequences(const float* x, int64_t count, float* arena, std::vector<HeadOutput>& out, int64_t b0,
                     bool parallel_rows, TailInputs& tail) const;
  void run_tail(TailInputs& tail, int64_t batch, std::vector<HeadOutput>& out) const;

  std::shared_ptr<const CompiledModel> model_;
  ActivationPlan plan_;
  std::unique_ptr<Arenas> arenas_;
  std::vector<char> tail_;           // per node: runs once a batch in run_tail
  std::vector<int> tail_input_of_;   // per node: index among the tail's inputs, or -1
  std::vector<int> tail_inputs_;     // nodes of one position computed per sequence and read by the tail
  int64_t group_ = 1;                // sequences a worker runs layer by layer together
};

}  // namespace s2f::engine
