// The two ISM drivers: native engine and --exec child.
#include "s2f/ism/ism_run.hpp"

#include "s2f/error.hpp"
#include "s2f/predict/exec_session.hpp"
#include "s2f/predict/runners.hpp"

namespace s2f::ism {

namespace {

// Progress counts mutants. The total assumes every sequence has as many as
// the first (exact unless the mutated ranges hold different numbers of N).
void progress_total(Run& run, std::pair<uint64_t, uint64_t> records, uint64_t mutants_per_sequence) {
  if (records.second != UINT64_MAX) run.progress.set_total((records.second - records.first) * mutants_per_sequence);
}

int64_t resolved_end(const IsmOptions& o, int64_t length) { return o.end < 0 ? length : o.end; }

}  // namespace

void ism_native(stream::Reader& in, EnsembleMutants& model, const IsmOptions& options, IsmSink& sink, Run& run) {
  const size_t seq = predict::require_sequences(in, model.input_length(), "the model");
  const auto records = predict::shard_records(in, run);
  const auto [lo, hi] = records;
  stream::Batch batch;
  std::vector<Mutation> mutants;
  std::vector<engine::HeadOutput> predictions;
  uint64_t index = 0, done = 0;
  while (in.next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r, ++index) {
      if (index < lo || index >= hi) continue;
      auto bases = batch.fixed<uint8_t>(seq, r);
      MutationEnumerator enumerator(bases, options.start, resolved_end(options, static_cast<int64_t>(bases.size())),
                                    options.mutate_n_bases);
      if (run.records_in == 0) progress_total(run, records, enumerator.total());
      options.n_encoding.for_window(bases, [&] { return predict::window_label(batch, r, index, in.name()); });
      model.set_reference(bases);
      sink.begin_sequence(batch, r, index, bases, model.reference());
      mutants.clear();
      while (enumerator.next(options.chunk, mutants)) {
        model.predict(mutants, predictions);
        sink.add_mutants(mutants, predictions);
        run.progress.tick(done += mutants.size());
        mutants.clear();
      }
      sink.end_sequence();
      ++run.records_in;
    }
  }
}

void ism_exec(stream::Reader& in, const std::string& command, double timeout_seconds, const IsmOptions& options,
              const SinkFactory& make_sink, Run& run) {
  predict::ExecSession session(in, command, timeout_seconds, run.provenance(), options.n_encoding.value);
  const size_t seq = session.seq_field();
  const auto [lo, hi] = predict::shard_records(in, run);
  auto enumerate = [&](std::span<const uint8_t> bases) {
    return MutationEnumerator(bases, options.start, resolved_end(options, static_cast<int64_t>(bases.size())),
                              options.mutate_n_bases);
  };
  uint64_t index = 0;
  std::vector<Mutation> sent;
  session.run(
      // For each input sequence of the shard: the reference, then every
      // mutant, each a copy of the input record with `seq` edited.
      [&](const stream::Batch& batch, size_t r, predict::ExecSession::Feed& feed) {
        const uint64_t i = index++;
        if (i < lo || i >= hi) return;
        auto enumerator = enumerate(batch.fixed<uint8_t>(seq, r));
        feed.begin_input(batch, r);
        feed.send(batch, r);
        sent.clear();
        while (enumerator.next(options.chunk, sent)) {
          for (const auto& m : sent)
            feed.send(batch, r, [&](std::span<uint8_t> bases) {
              for (const auto& e : m) bases[static_cast<size_t>(e.pos)] = static_cast<uint8_t>(kBases[e.base]);
            });
          sent.clear();
        }
      },
      [&](predict::ExecSession::Replies& replies) {
        IsmSink& sink = make_sink(replies.heads(), replies.catalog(), replies.n_encoding());
        auto reference = replies.outputs(1), predictions = replies.outputs(0);
        size_t slots = 0;  // mutants `predictions` holds
        std::vector<Mutation> mutants;
        uint64_t done = 0;
        while (replies.next_input()) {
          const stream::Batch& record = replies.input();
          auto bases = record.fixed<uint8_t>(seq, 0);
          replies.n_encoding().for_window(
              bases, [&] { return predict::window_label(record, 0, lo + run.records_in, in.name()); });
          auto enumerator = enumerate(bases);
          if (run.records_in == 0) progress_total(run, {lo, hi}, enumerator.total());
          replies.take(reference, 0);
          sink.begin_sequence(record, 0, lo + run.records_in, bases, reference);
          mutants.clear();
          while (enumerator.next(options.chunk, mutants)) {
            if (mutants.size() != slots) predictions = replies.outputs(slots = mutants.size());
            for (size_t i = 0; i < mutants.size(); ++i) replies.take(predictions, i);
            sink.add_mutants(mutants, predictions);
            run.progress.tick(done += mutants.size());
            mutants.clear();
          }
          sink.end_sequence();
          ++run.records_in;
        }
      });
}

}  // namespace s2f::ism
