// Mutant predictions of one model or of an ensemble: one MutantPredictor
// per member (fast or naive ISM on that member), the members' predictions
// of the reference and of each chunk of mutants averaged as
// predict::EnsemblePredictor averages (formats/MODELS.md, "Ensembles"):
// summed in double in member order, stored as float. One member is passed
// through unchanged.
#pragma once
#include <memory>
#include <span>
#include <vector>

#include "s2f/ism/mutant_predictor.hpp"
#include "s2f/predict/ensemble_predictor.hpp"

namespace s2f::ism {

class EnsembleMutants {
 public:
  // `heads_read` as MutantPredictor's, for every member.
  EnsembleMutants(std::vector<predict::StageModel> members, bool naive, float n_value,
                  const std::vector<bool>& heads_read = {});

  void set_reference(std::span<const uint8_t> bases);
  const std::vector<engine::HeadOutput>& reference() const { return reference_; }
  void predict(const std::vector<Mutation>& mutations, std::vector<engine::HeadOutput>& out);
  int64_t input_length() const { return members_.front()->input_length(); }

 private:
  std::vector<std::unique_ptr<MutantPredictor>> members_;
  std::vector<engine::HeadOutput> reference_, member_out_;
  predict::HeadMean mean_;
};

}  // namespace s2f::ism
