#include "s2f/ism/ensemble_mutants.hpp"

#include "s2f/engine/compiled_model.hpp"

namespace s2f::ism {

EnsembleMutants::EnsembleMutants(std::vector<predict::StageModel> members, bool naive, float n_value,
                                 const std::vector<bool>& heads_read) {
  // Fast ISM updates small ranges: Winograd tiles of 2 keep them small
  // (engine::CompileOptions); naive ISM runs whole sequences.
  engine::CompileOptions options;
  if (!naive) options.winograd_outputs = 2;
  for (auto& m : members)
    members_.push_back(std::make_unique<MutantPredictor>(
        std::make_shared<engine::CompiledModel>(std::move(m.graph), options), naive, n_value, heads_read));
}

void EnsembleMutants::set_reference(std::span<const uint8_t> bases) {
  for (auto& m : members_) m->set_reference(bases);
  reference_ = members_.front()->reference();
  if (members_.size() == 1) return;
  for (const auto& m : members_) mean_.add(m->reference());
  mean_.finish(reference_);
}

void EnsembleMutants::predict(const std::vector<Mutation>& mutations, std::vector<engine::HeadOutput>& out) {
  members_.front()->predict(mutations, out);
  if (members_.size() == 1) return;
  mean_.add(out);
  for (size_t m = 1; m < members_.size(); ++m) {
    members_[m]->predict(mutations, member_out_);
    mean_.add(member_out_);
  }
  mean_.finish(out);
}

}  // namespace s2f::ism
