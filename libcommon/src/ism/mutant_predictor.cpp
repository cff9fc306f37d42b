// Fast and naive mutant predictions on the native engine.
#include "s2f/ism/mutant_predictor.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "s2f/engine/activation_planner.hpp"
#include "s2f/predict/one_hot.hpp"

namespace s2f::ism {

using engine::FullActivations;
using engine::HeadOutput;
using engine::PositionRange;

// Heads of one pass, transposed from channels-last activations to [tracks][bins].
static void read_heads(const FullActivations& a, const std::vector<bool>& read, std::vector<HeadOutput>& out,
                       int64_t index) {
  const auto& heads = a.model().graph().heads;
  for (size_t h = 0; h < heads.size(); ++h) {
    if (!read[h]) continue;
    const auto& v = a.view(heads[h].node);
    auto& o = out[h];
    float* dst = o.values.data() + index * o.tracks * o.bins;
    for (int64_t bin = 0; bin < o.bins; ++bin) {
      const float* row = v.row(bin);
      for (int64_t t = 0; t < o.tracks; ++t) dst[t * o.bins + bin] = row[t];
    }
  }
}

struct MutantPredictor::Workers {
  struct Local {
    std::unique_ptr<FullActivations> activations;
    uint64_t generation = 0;
  };
  tbb::enumerable_thread_specific<Local> local;
};

MutantPredictor::MutantPredictor(std::shared_ptr<const engine::CompiledModel> model, bool naive, float n_value,
                                 std::vector<bool> heads_read)
    : model_(std::move(model)), naive_(naive), n_value_(n_value), heads_read_(std::move(heads_read)),
      workers_(std::make_unique<Workers>()) {
  const auto& heads = model_->graph().heads;
  if (heads_read_.empty()) heads_read_.assign(heads.size(), true);
  if (naive_) {
    predictor_ = std::make_unique<engine::Predictor>(model_);
  } else {
    std::vector<PositionRange> ranges;
    for (size_t h = 0; h < heads.size(); ++h)
      ranges.push_back(heads_read_[h] ? PositionRange{0, model_->length(heads[h].node)} : PositionRange{});
    need_ = engine::ActivationPlanner::plan(*model_, ranges).need;
  }
}

MutantPredictor::~MutantPredictor() = default;

void MutantPredictor::set_reference(std::span<const uint8_t> bases) {
  const int64_t L = model_->length(0);
  onehot_.resize(static_cast<size_t>(L * 4));
  predict::one_hot(bases, n_value_, onehot_.data());
  engine::size_head_outputs(*model_, 1, reference_);
  if (naive_) {
    predictor_->predict(onehot_.data(), 1, reference_);
  } else {
    activations_ = std::make_unique<FullActivations>(*model_, onehot_.data(), need_);
    read_heads(*activations_, heads_read_, reference_, 0);
  }
  ++generation_;
}

void MutantPredictor::predict(const std::vector<Mutation>& mutations, std::vector<HeadOutput>& out) {
  const int64_t n = static_cast<int64_t>(mutations.size());
  const int64_t L = model_->length(0);
  engine::size_head_outputs(*model_, n, out);
  if (n == 0) return;
  if (naive_) {
    batch_onehot_.resize(static_cast<size_t>(n * L * 4));
    for (int64_t i = 0; i < n; ++i) {
      float* x = batch_onehot_.data() + i * L * 4;
      std::copy(onehot_.begin(), onehot_.end(), x);
      for (const auto& e : mutations[static_cast<size_t>(i)]) {
        std::fill(x + e.pos * 4, x + e.pos * 4 + 4, 0.0f);
        x[e.pos * 4 + e.base] = 1.0f;
      }
    }
    predictor_->predict(batch_onehot_.data(), n, out);
    return;
  }
  const FullActivations& ref = *activations_;
  const uint64_t generation = generation_;
  tbb::parallel_for(int64_t{0}, n, [&](int64_t i) {
    auto& local = workers_->local.local();
    if (!local.activations) {
      local.activations = std::make_unique<FullActivations>(ref);
    } else if (local.generation != generation) {
      *local.activations = ref;
    }
    local.generation = generation;
    FullActivations& a = *local.activations;
    const Mutation& m = mutations[static_cast<size_t>(i)];
    PositionRange changed;
    for (const auto& e : m) {
      a.set_input_base(e.pos, e.base);
      changed = changed.hull({e.pos, e.pos + 1});
    }
    const auto ranges = a.update(changed, &ref);
    read_heads(a, heads_read_, out, i);
    a.restore(ref, ranges);
  });
}

}  // namespace s2f::ism
