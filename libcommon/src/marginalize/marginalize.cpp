#include "s2f/marginalize/marginalize.hpp"

#include <algorithm>

#include "s2f/error.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/one_hot.hpp"

namespace s2f::marginalize {

Marginalizer::Marginalizer(const predict::EnsemblePredictor& predictor, const predict::TrackPlan& plan, LoopOptions options)
    : predictor_(predictor), plan_(plan), options_(options) {
  if (options_.batch_size < 1) fail_usage("--batch-size must be at least 1");
  if (plan_.dtype != stream::DType::f32) fail(Exit::internal, "marginalization plans must be f32");
  head_index_ = plan_.model_head_index(predict::heads_of_model(predictor_.graph()));
}

int64_t Marginalizer::values_per_sequence(size_t head) const {
  const auto& h = plan_.heads[head];
  return static_cast<int64_t>(h.channels.size()) * h.out_bins();
}

void Marginalizer::predict_into(const std::vector<float>& x, int64_t n, int64_t first,
                                std::vector<std::vector<float>>& out, std::vector<engine::HeadOutput>& scratch) const {
  predictor_.predict(x.data(), n, scratch);
  for (size_t h = 0; h < plan_.heads.size(); ++h) {
    const auto per = values_per_sequence(h);
    for (int64_t i = 0; i < n; ++i)
      plan_.extract(h, scratch[head_index_[h]].sequence(i), out[h].data() + (first + i) * per);
  }
}

void Marginalizer::run(const std::vector<std::string>& backgrounds, const std::vector<Experiment>& experiments,
                       const ResultSink& sink, const ProgressHook& progress) const {
  const int64_t L = predictor_.input_length();
  const int64_t B = options_.batch_size;
  for (const auto& bg : backgrounds)
    if (static_cast<int64_t>(bg.size()) != L)
      fail(Exit::internal, "background of " + std::to_string(bg.size()) + " bp for a " + std::to_string(L) + "-bp model");
  std::vector<float> x(static_cast<size_t>(B * L * 4));
  std::vector<engine::HeadOutput> scratch;
  const size_t H = plan_.heads.size();
  auto bytes = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };

  // Before: each background once.
  const auto nb = static_cast<int64_t>(backgrounds.size());
  std::vector<std::vector<float>> before(H);
  for (size_t h = 0; h < H; ++h) before[h].resize(static_cast<size_t>(nb * values_per_sequence(h)));
  for (int64_t first = 0; first < nb; first += B) {
    const int64_t n = std::min(B, nb - first);
    for (int64_t i = 0; i < n; ++i) {
      auto bases = bytes(backgrounds[static_cast<size_t>(first + i)]);
      const float n_value =
          options_.n_encoding.for_window(bases, [&] { return "background " + std::to_string(first + i + 1); });
      predict::one_hot(bases, n_value, x.data() + i * L * 4);
    }
    predict_into(x, n, first, before, scratch);
  }

  // After: the edited sequences, batch by batch, handed on in order.
  std::vector<std::vector<float>> after(H);
  for (size_t h = 0; h < H; ++h) after[h].resize(static_cast<size_t>(B * values_per_sequence(h)));
  std::vector<uint8_t> edited(static_cast<size_t>(L));
  HeadSlices slices;
  slices.before.resize(H);
  slices.after.resize(H);
  const auto ne = static_cast<int64_t>(experiments.size());
  for (int64_t first = 0; first < ne; first += B) {
    const int64_t n = std::min(B, ne - first);
    for (int64_t i = 0; i < n; ++i) {
      const auto& e = experiments[static_cast<size_t>(first + i)];
      apply_for_encoding(e, bytes(backgrounds[static_cast<size_t>(e.background)]), edited.data());
      const float n_value = options_.n_encoding.for_window(edited, [&] {
        return "background " + std::to_string(e.background + 1) + " edited by '" + e.label + "'";
      });
      predict::one_hot(edited, n_value, x.data() + i * L * 4);
      write_columns(e, x.data() + i * L * 4);
    }
    predict_into(x, n, 0, after, scratch);
    for (int64_t i = 0; i < n; ++i) {
      const auto& e = experiments[static_cast<size_t>(first + i)];
      for (size_t h = 0; h < H; ++h) {
        const auto per = values_per_sequence(h);
        slices.before[h] = before[h].data() + e.background * per;
        slices.after[h] = after[h].data() + i * per;
      }
      sink(static_cast<size_t>(first + i), slices);
    }
    if (progress) progress(static_cast<uint64_t>(first + n));
  }
}

}  // namespace s2f::marginalize
