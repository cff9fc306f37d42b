// Predictions for the mutants of one reference sequence with the native
// engine, two ways that agree to float rounding:
//  - fast: keep every layer's activation of the reference (FullActivations);
//    for a mutant, recompute each layer only on the window its changed bases
//    can reach (the receptive field), read the heads, and copy that window
//    back. Global average pools are updated from the changed window alone.
//    Mutants run in parallel, one working copy of the activations per thread.
//  - naive: every mutant through the whole network (the Predictor).
// Results do not depend on the thread count.
#pragma once
#include <memory>
#include <span>
#include <vector>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/full_activations.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/ism/mutations.hpp"

namespace s2f::ism {

class MutantPredictor {
 public:
  // `heads_read` (model head order; empty = all): the heads the caller reads.
  // Fast ISM computes nothing that only other heads need.
  MutantPredictor(std::shared_ptr<const engine::CompiledModel> model, bool naive, float n_value,
                  std::vector<bool> heads_read = {});
  ~MutantPredictor();

  // ASCII bases of the model's input length; computes the reference prediction.
  void set_reference(std::span<const uint8_t> bases);
  // The reference's heads (batch of one, model layout [tracks][bins]).
  const std::vector<engine::HeadOutput>& reference() const { return reference_; }
  // out[h].values is [mutations][tracks][bins].
  void predict(const std::vector<Mutation>& mutations, std::vector<engine::HeadOutput>& out);
  bool naive() const { return naive_; }
  int64_t input_length() const { return model_->length(0); }

 private:
  struct Workers;
  std::shared_ptr<const engine::CompiledModel> model_;
  bool naive_;
  float n_value_;
  std::vector<bool> heads_read_;
  std::vector<engine::PositionRange> need_;  // fast: positions of each node the read heads need
  std::vector<float> onehot_;  // reference, [L][4]
  std::vector<engine::HeadOutput> reference_;
  std::unique_ptr<engine::FullActivations> activations_;  // fast: the reference pass
  std::unique_ptr<engine::Predictor> predictor_;          // naive
  std::vector<float> batch_onehot_;                       // naive: mutants, [n][L][4]
  std::unique_ptr<Workers> workers_;                      // fast: per-thread working copies
  uint64_t generation_ = 0;                               // bumps with each reference
};

}  // namespace s2f::ism
