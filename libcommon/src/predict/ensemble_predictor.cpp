#include "s2f/predict/ensemble_predictor.hpp"

#include "s2f/engine/compiled_model.hpp"

namespace s2f::predict {

void HeadMean::add(const std::vector<engine::HeadOutput>& member) {
  if (count_ == 0) {
    sums_.resize(member.size());
    for (size_t h = 0; h < member.size(); ++h) sums_[h].assign(member[h].values.begin(), member[h].values.end());
  } else {
    for (size_t h = 0; h < member.size(); ++h) {
      auto& s = sums_[h];
      const auto& v = member[h].values;
      for (size_t i = 0; i < s.size(); ++i) s[i] += static_cast<double>(v[i]);
    }
  }
  ++count_;
}

void HeadMean::finish(std::vector<engine::HeadOutput>& out) {
  const double k = static_cast<double>(count_);
  for (size_t h = 0; h < out.size(); ++h) {
    auto& v = out[h].values;
    const auto& s = sums_[h];
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(s[i] / k);
  }
  count_ = 0;
}

EnsemblePredictor::EnsemblePredictor(std::vector<StageModel> members) {
  for (auto& m : members)
    members_.push_back(
        std::make_unique<engine::Predictor>(std::make_shared<engine::CompiledModel>(std::move(m.graph))));
}

EnsemblePredictor::~EnsemblePredictor() = default;

void EnsemblePredictor::predict(const float* onehot, int64_t batch, std::vector<engine::HeadOutput>& out) const {
  members_.front()->predict(onehot, batch, out);
  if (members_.size() == 1) return;
  mean_.add(out);
  for (size_t m = 1; m < members_.size(); ++m) {
    members_[m]->predict(onehot, batch, member_out_);
    mean_.add(member_out_);
  }
  mean_.finish(out);
}

const engine::ModelGraph& EnsemblePredictor::graph() const { return members_.front()->model().graph(); }

int64_t EnsemblePredictor::input_length() const { return members_.front()->input_length(); }

}  // namespace s2f::predict
