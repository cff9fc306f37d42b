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

// The tail's inputs for the batch: row b of each is sequence b's value.
struct Predictor::TailInputs {
  std::vector<std::vector<float>> rows;  // per tail input: [batch][channels]
};

Predictor::Predictor(std::shared_ptr<const CompiledModel> model)
    : model_(std::move(model)), plan_(ActivationPlanner::plan(*model_)), arenas_(std::make_unique<Arenas>()) {
  find_tail();
  // Sequences a worker runs together: as many as the Winograd layer with
  // the fewest tiles fits in one block (its weights then stream once for
  // all of them, not once a sequence), at most 8 (the activations of each
  // are held).
  if (const int64_t per_block = model_->sequences_per_block(); per_block > 0)
    group_ = std::clamp<int64_t>(per_block, 1, 8);
}

void Predictor::find_tail() {
  const auto& m = *model_;
  const size_t n = m.nodes().size();
  tail_.assign(n, 0);
  tail_input_of_.assign(n, -1);
  tail_inputs_.clear();
  bool has_dense = false;
  for (size_t i = 1; i < n; ++i) {
    const CompiledNode& c = m.node(static_cast<int>(i));
    if (plan_.need[i].empty() || m.length(static_cast<int>(i)) != 1) continue;
    const Op op = c.node.op;
    if (op != Op::dense && op != Op::batchnorm && op != Op::activation && op != Op::add && op != Op::concat &&
        op != Op::logsumexp)
      continue;
    bool one_position = true, reads_tail = false;
    for (int k : c.node.inputs) {
      one_position = one_position && m.length(k) == 1;
      reads_tail = reads_tail || tail_[static_cast<size_t>(k)];
    }
    if (!one_position) continue;
    if (c.storage == Storage::alias) {  // folded BatchNorm, fused activation: follows its producer
      tail_[i] = tail_[static_cast<size_t>(c.node.inputs[0])];
      continue;
    }
    tail_[i] = op == Op::dense || reads_tail;
    has_dense = has_dense || op == Op::dense;
  }
  // Worth it only for Dense layers; possible only if nothing computed per
  // sequence reads a tail node.
  bool closed = has_dense;
  for (size_t i = 1; i < n && closed; ++i)
    if (!tail_[i] && !plan_.need[i].empty())
      for (int k : m.node(static_cast<int>(i)).node.inputs) closed = closed && !tail_[static_cast<size_t>(k)];
  if (!closed) {
    tail_.assign(n, 0);
    return;
  }
  for (size_t i = 1; i < n; ++i) {
    if (!tail_[i]) continue;
    for (int k : m.node(static_cast<int>(i)).node.inputs)
      if (!tail_[static_cast<size_t>(k)] && tail_input_of_[static_cast<size_t>(k)] < 0) {
        tail_input_of_[static_cast<size_t>(k)] = static_cast<int>(tail_inputs_.size());
        tail_inputs_.push_back(k);
      }
  }
}

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
  TailInputs tail;
  tail.rows.resize(tail_inputs_.size());
  for (size_t k = 0; k < tail_inputs_.size(); ++k)
    tail.rows[k].resize(static_cast<size_t>(batch * model_->channels(tail_inputs_[k])));
  if (batch >= workers || workers == 1) {
    // Sequences in groups of at most group_, as many groups as keep every
    // worker equally busy (a multiple of the workers), sizes differing by
    // one at most; a sequence's bits do not depend on its group.
    const int64_t per_worker = (batch + workers * group_ - 1) / (workers * group_);
    const int64_t groups = std::min<int64_t>(batch, per_worker * workers);
    oneapi::tbb::parallel_for(int64_t{0}, groups, [&](int64_t g) {
      const int64_t b0 = g * batch / groups, count = (g + 1) * batch / groups - b0;
      float* arena = arenas_->per_thread.local().get(plan_.arena_floats * count);
      run_sequences(onehot + b0 * per_seq, count, arena, out, b0, false, tail);
    });
  } else {
    float* arena = arenas_->per_thread.local().get(plan_.arena_floats);
    for (int64_t b = 0; b < batch; ++b) run_sequences(onehot + b * per_seq, 1, arena, out, b, true, tail);
  }
  if (!tail_inputs_.empty()) run_tail(tail, batch, out);
}

void Predictor::run_tail(TailInputs& tail, int64_t batch, std::vector<HeadOutput>& out) const {
  const auto& m = *model_;
  const size_t n = m.nodes().size();
  std::vector<TensorView> views(n);
  std::vector<std::vector<float>> owned(n);
  auto rows_view = [&](float* data, int i) {
    const int64_t ch = m.channels(i);
    return TensorView{data, 0, batch, ch, ch};
  };
  for (size_t k = 0; k < tail_inputs_.size(); ++k)
    views[static_cast<size_t>(tail_inputs_[k])] = rows_view(tail.rows[k].data(), tail_inputs_[k]);
  const bool parallel = oneapi::tbb::this_task_arena::max_concurrency() > 1;
  std::vector<TensorView> inputs;
  for (size_t i = 1; i < n; ++i) {
    if (!tail_[i]) continue;
    const CompiledNode& c = m.node(static_cast<int>(i));
    if (c.storage == Storage::alias) {
      views[i] = m.view_of_alias(static_cast<int>(i), views[static_cast<size_t>(c.node.inputs[0])]);
      continue;
    }
    owned[i].resize(static_cast<size_t>(batch * m.channels(static_cast<int>(i))));
    views[i] = rows_view(owned[i].data(), static_cast<int>(i));
    inputs.clear();
    for (int k : c.node.inputs) inputs.push_back(views[static_cast<size_t>(k)]);
    m.compute_rows(static_cast<int>(i), inputs.data(), views[i], batch, parallel);
  }
  const auto& heads = m.graph().heads;
  for (size_t h = 0; h < heads.size(); ++h) {
    if (!tail_[static_cast<size_t>(heads[h].node)]) continue;
    const TensorView& v = views[static_cast<size_t>(heads[h].node)];
    HeadOutput& o = out[h];
    for (int64_t b = 0; b < batch; ++b) std::copy(v.row(b), v.row(b) + o.tracks, o.values.data() + b * o.tracks);
  }
}

void Predictor::run_sequences(const float* x, int64_t count, float* arena, std::vector<HeadOutput>& out, int64_t b0,
                              bool parallel_rows, TailInputs& tail) const {
  const auto& m = *model_;
  const size_t n = m.nodes().size();
  const int64_t per_seq = input_length() * input_channels();
  // views[s * n + i]: node i of sequence s, each sequence in its own part of the arena.
  std::vector<TensorView> views(static_cast<size_t>(count) * n);
  auto view = [&](int64_t s, size_t i) -> TensorView& { return views[static_cast<size_t>(s) * n + i]; };
  // The engine never writes through the input view.
  for (int64_t s = 0; s < count; ++s)
    view(s, 0) = TensorView{const_cast<float*>(x + s * per_seq), 0, m.length(0), m.channels(0), m.channels(0)};
  std::vector<TensorView> inputs, firsts, outs;
  // A node the tail reads: its one position goes to row b of the tail's input.
  auto hand_to_tail = [&](int64_t s, size_t i) {
    const int k = tail_input_of_[i];
    if (k < 0) return;
    const int64_t ch = m.channels(static_cast<int>(i));
    std::copy(view(s, i).row(0), view(s, i).row(0) + ch, tail.rows[static_cast<size_t>(k)].data() + (b0 + s) * ch);
  };
  for (size_t i = 1; i < n; ++i) {
    const PositionRange need = plan_.need[i];
    if (need.empty() || tail_[i]) continue;
    const CompiledNode& c = m.node(static_cast<int>(i));
    const auto in0 = static_cast<size_t>(c.node.inputs[0]);
    if (c.storage == Storage::alias || c.storage == Storage::shifted) {
      for (int64_t s = 0; s < count; ++s) {
        view(s, i) = m.view_of_alias(static_cast<int>(i), view(s, in0));
        hand_to_tail(s, i);
      }
      continue;
    }
    const int64_t ch = m.channels(static_cast<int>(i));
    for (int64_t s = 0; s < count; ++s)
      view(s, i) = plan_.in_place[i]
                       ? view(s, in0)
                       : TensorView{arena + s * plan_.arena_floats + plan_.slot_offset[static_cast<size_t>(plan_.slot[i])],
                                    need.lo, need.size(), ch, ch};
    if (count > 1 && m.computes_sequences_together(static_cast<int>(i))) {
      firsts.clear();
      outs.clear();
      for (int64_t s = 0; s < count; ++s) {
        firsts.push_back(view(s, in0));
        outs.push_back(view(s, i));
      }
      m.compute_node_sequences(static_cast<int>(i), firsts, outs, need);
    } else {
      for (int64_t s = 0; s < count; ++s) {
        inputs.clear();
        for (int k : c.node.inputs) inputs.push_back(view(s, static_cast<size_t>(k)));
        m.compute_node(static_cast<int>(i), inputs.data(), view(s, i), need, parallel_rows);
      }
    }
    for (int64_t s = 0; s < count; ++s) hand_to_tail(s, i);
  }
  const auto& heads = m.graph().heads;
  for (size_t h = 0; h < heads.size(); ++h) {
    if (tail_[static_cast<size_t>(heads[h].node)]) continue;
    HeadOutput& o = out[h];
    for (int64_t s = 0; s < count; ++s) {
      const TensorView& v = view(s, static_cast<size_t>(heads[h].node));
      float* dst = o.values.data() + (b0 + s) * o.tracks * o.bins;
      for (int64_t bin = 0; bin < o.bins; ++bin) {
        const float* row = v.row(bin);
        for (int64_t t = 0; t < o.tracks; ++t) dst[t * o.bins + bin] = row[t];
      }
    }
  }
}

}  // namespace s2f::engine
