// Predictor: per-sequence execution of the activation plan.
#include "s2f/engine/predictor.hpp"

#include <algorithm>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

namespace s2f::engine {

namespace {
// 64-byte aligned float storage for one worker's activations.
struct AlignedArena {
  std::unique_ptr<float[], void (*)(float*)> data{nullptr, [](float* p) { ::operator delete[](p, std::align_val_t(64)); }};
  int64_t size = 0;
  float* get(int64_t floats) {
    if (size < floats) {
      data.reset(static_cast<float*>(::operator new[](static_cast<size_t>(floats) * sizeof(float), std::align_val_t(64))));
      size = floats;
    }
    return data.get();
  }
};
}  // namespace

struct Predictor::Arenas {
  oneapi::tbb::enumerable_thread_specific<AlignedArena> per_thread;
};

Predictor::Predictor(std::shared_ptr<const CompiledModel> model)
    : model_(std::move(model)), plan_(ActivationPlanner::plan(*model_)), arenas_(std::make_unique<Arenas>()) {}

Predictor::~Predictor() = default;

std::vector<HeadOutput> Predictor::predict(const float* onehot, int64_t batch) const {
  std::vector<HeadOutput> out;
  predict(onehot, batch, out);
  return out;
}

void size_head_outputs(const CompiledModel& model, int64_t batch, std::vector<HeadOutput>& out) {
  const auto& heads = model.graph().heads;
  out.resize(heads.size());
  for (size_t h = 0; h < heads.size(); ++h) {
    HeadOutput& o = out[h];
    o.name = heads[h].name;
    o.kind = heads[h].kind;
    o.bin_size = heads[h].bin_size;
    o.tracks = model.channels(heads[h].node);
    o.bins = model.length(heads[h].node);
    o.values.resize(static_cast<size_t>(batch * o.tracks * o.bins));
  }
}

void Predictor::predict(const float* onehot, int64_t batch, std::vector<HeadOutput>& out) const {
  size_head_outputs(*model_, batch, out);
  const int64_t per_seq = input_length() * input_channels();
  const int workers = oneapi::tbb::this_task_arena::max_concurrency();
  if (batch >= workers || workers == 1) {
    oneapi::tbb::parallel_for(int64_t{0}, batch, [&](int64_t b) {
      float* arena = arenas_->per_thread.local().get(plan_.arena_floats);
      run_sequence(onehot + b * per_seq, arena, out, b, false);
    });
  } else {
    float* arena = arenas_->per_thread.local().get(plan_.arena_floats);
    for (int64_t b = 0; b < batch; ++b) run_sequence(onehot + b * per_seq, arena, out, b, true);
  }
}

void Predictor::run_sequence(const float* x, float* arena, std::vector<HeadOutput>& out, int64_t b,
                             bool parallel_rows) const {
  const auto& m = *model_;
  const size_t n = m.nodes().size();
  std::vector<TensorView> views(n);
  // The engine never writes through the input view.
  views[0] = TensorView{const_cast<float*>(x), 0, m.length(0), m.channels(0), m.channels(0)};
  std::vector<TensorView> inputs;
  for (size_t i = 1; i < n; ++i) {
    const PositionRange need = plan_.need[i];
    if (need.empty()) continue;
    const CompiledNode& c = m.node(static_cast<int>(i));
    const TensorView& in0 = views[static_cast<size_t>(c.node.inputs[0])];
    if (c.storage == Storage::alias || c.storage == Storage::shifted) {
      views[i] = m.view_of_alias(static_cast<int>(i), in0);
      continue;
    }
    if (plan_.in_place[i]) {
      views[i] = in0;
    } else {
      const int64_t ch = m.channels(static_cast<int>(i));
      views[i] = TensorView{arena + plan_.slot_offset[static_cast<size_t>(plan_.slot[i])], need.lo, need.size(), ch, ch};
    }
    inputs.clear();
    for (int k : c.node.inputs) inputs.push_back(views[static_cast<size_t>(k)]);
    m.compute_node(static_cast<int>(i), inputs.data(), views[i], need, parallel_rows);
  }
  const auto& heads = m.graph().heads;
  for (size_t h = 0; h < heads.size(); ++h) {
    const TensorView& v = views[static_cast<size_t>(heads[h].node)];
    HeadOutput& o = out[h];
    float* dst = o.values.data() + b * o.tracks * o.bins;
    for (int64_t bin = 0; bin < o.bins; ++bin) {
      const float* row = v.row(bin);
      for (int64_t t = 0; t < o.tracks; ++t) dst[t * o.bins + bin] = row[t];
    }
  }
}

}  // namespace s2f::engine
