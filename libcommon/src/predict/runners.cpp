#include "s2f/predict/runners.hpp"

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/predict/exec_session.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/one_hot.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::predict {

size_t require_sequences(const stream::Reader& in, int64_t model_length, const std::string& model_name) {
  in.expect_kind({stream::kind::sequences});
  size_t seq = in.require_field("seq", stream::DType::u8);
  const auto& f = in.header().schema[seq];
  if (f.shape.size() != 1 || f.shape[0] <= 0)
    fail_input("the sequences stream has variable-length windows", in.name(),
               "encode fixed-length windows with s2f-encode -L " + std::to_string(model_length));
  if (model_length > 0 && f.shape[0] != model_length)
    fail_input("the windows are " + std::to_string(f.shape[0]) + " bp but " + model_name + " takes " +
                   std::to_string(model_length) + " bp",
               in.name(), "re-encode with s2f-encode -L " + std::to_string(model_length));
  return seq;
}

std::pair<uint64_t, uint64_t> shard_records(stream::Reader& in, Run& run) {
  auto total = in.peek_total();
  if (run.opt.shard.whole()) return {0, total ? *total : UINT64_MAX};
  if (!total)
    fail_usage("--shard needs the record count, which a pipe cannot give before it ends (" + in.name() + ")",
               "write the sequences stream to a file first");
  return run.opt.shard.range(*total);
}

std::string window_label(const stream::Batch& batch, size_t rec, uint64_t index, const std::string& input) {
  const int id = batch.schema().find("id");
  std::string label = id >= 0 ? "'" + std::string(batch.str(static_cast<size_t>(id), rec)) + "' (" : "(";
  return label + "record " + std::to_string(index + 1) + " of " + input + ")";
}

void predict_native(stream::Reader& in, const EnsemblePredictor& predictor, TensorOutput& out,
                    const RunnerOptions& options, Run& run) {
  const int64_t L = predictor.input_length();
  const size_t seq = require_sequences(in, L, "the model");
  const auto& plan = out.plan();
  const auto head_index = plan.model_head_index(heads_of_model(predictor.graph()));
  const int64_t B = options.batch_size;
  std::vector<float> x(static_cast<size_t>(B * L * 4)), xrc;
  if (options.rc != RcMode::none) xrc.resize(x.size());
  std::vector<engine::HeadOutput> fwd, rev;
  stream::Batch batch, group(in.header().schema);
  std::vector<const float*> full(plan.heads.size());

  auto flush = [&] {
    int64_t n = static_cast<int64_t>(group.size());
    if (n == 0) return;
    for (int64_t r = 0; r < n; ++r) {
      auto bases = group.fixed<uint8_t>(seq, static_cast<size_t>(r));
      const float n_value = options.n_encoding.for_window(bases, [&] {
        return window_label(group, static_cast<size_t>(r), run.records_out + static_cast<uint64_t>(r), in.name());
      });
      one_hot(bases, n_value, x.data() + r * L * 4);
      if (!xrc.empty()) one_hot_reverse_complement(bases, n_value, xrc.data() + r * L * 4);
    }
    predictor.predict(x.data(), n, fwd);
    if (!xrc.empty()) {
      predictor.predict(xrc.data(), n, rev);
      for (size_t h = 0; h < plan.heads.size(); ++h) {
        auto& f = fwd[head_index[h]];
        const auto& r = rev[head_index[h]];
        int64_t per = f.tracks * f.bins;
        for (int64_t i = 0; i < n; ++i)
          combine_strands(f.values.data() + i * per, r.values.data() + i * per, f.values.data() + i * per,
                          plan.heads[h].strands, options.rc);
      }
    }
    for (int64_t r = 0; r < n; ++r) {
      for (size_t h = 0; h < plan.heads.size(); ++h) full[h] = fwd[head_index[h]].sequence(r);
      out.write(group, static_cast<size_t>(r), full);
    }
    run.records_out += static_cast<uint64_t>(n);
    group.clear();
  };

  while (in.next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r) {
      group.append_from(batch, r);
      if (static_cast<int64_t>(group.size()) == B) flush();
    }
    run.records_in += batch.size();
    run.progress.tick(run.records_in);
  }
  flush();
}

void predict_exec(stream::Reader& in, const std::string& command, double timeout_seconds,
                  const OutputFactory& make_output, const RunnerOptions& options, Run& run) {
  ExecSession session(in, command, timeout_seconds, run.provenance(), options.n_encoding.value);
  const bool rc = options.rc != RcMode::none;
  std::unique_ptr<TensorOutput> out;
  session.run(
      [&](const stream::Batch& batch, size_t r, ExecSession::Feed& feed) {
        feed.begin_input(batch, r);
        feed.send(batch, r);
        if (rc) feed.send(batch, r, [](std::span<uint8_t> seq) { genome::reverse_complement(seq); });
        ++run.records_in;
      },
      [&](ExecSession::Replies& replies) {
        const NEncoding& n_encoding = replies.n_encoding();
        out = make_output(replies.heads(), replies.catalog(), n_encoding);
        const auto& plan = out->plan();
        const auto head_index = plan.model_head_index(replies.heads());
        auto fwd = replies.outputs(1), rev = replies.outputs(1);
        std::vector<const float*> full(plan.heads.size());
        const size_t seq = session.seq_field();
        while (replies.next_input()) {
          n_encoding.for_window(replies.input().fixed<uint8_t>(seq, 0), [&] {
            return window_label(replies.input(), 0, run.records_out, in.name());
          });
          replies.take(fwd, 0);
          if (rc) {  // the reverse complement's reply follows its forward one
            replies.take(rev, 0);
            for (size_t h = 0; h < plan.heads.size(); ++h) {
              float* f = fwd[head_index[h]].values.data();
              combine_strands(f, rev[head_index[h]].values.data(), f, plan.heads[h].strands, options.rc);
            }
          }
          for (size_t h = 0; h < plan.heads.size(); ++h) full[h] = fwd[head_index[h]].values.data();
          out->write(replies.input(), 0, full);
          ++run.records_out;
          run.progress.tick(run.records_out);
        }
      });
  out->finish();
}

}  // namespace s2f::predict
