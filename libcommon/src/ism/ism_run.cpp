// The two ISM drivers: native engine and --exec child.
#include "s2f/ism/ism_run.hpp"

#include <exception>
#include <thread>

#include "s2f/child_process.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/pending_records.hpp"
#include "s2f/predict/runners.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::ism {

namespace {

// Records [lo, hi) of the input that this --shard takes.
std::pair<uint64_t, uint64_t> shard_records(stream::Reader& in, Run& run) {
  auto total = in.peek_total();
  if (run.opt.shard.whole()) return {0, total ? *total : UINT64_MAX};
  if (!total)
    fail_usage("--shard needs the record count, which a pipe cannot give before it ends (" + in.name() + ")",
               "write the sequences stream to a file first");
  return run.opt.shard.range(*total);
}

// Progress counts mutants. The total assumes every sequence has as many as
// the first (exact unless the mutated ranges hold different numbers of N).
void progress_total(Run& run, std::pair<uint64_t, uint64_t> records, uint64_t mutants_per_sequence) {
  if (records.second != UINT64_MAX) run.progress.set_total((records.second - records.first) * mutants_per_sequence);
}

int64_t resolved_end(const IsmOptions& o, int64_t length) { return o.end < 0 ? length : o.end; }

}  // namespace

void ism_native(stream::Reader& in, MutantPredictor& model, const IsmOptions& options, IsmSink& sink, Run& run) {
  const size_t seq = predict::require_sequences(in, model.input_length(), "the model");
  const auto records = shard_records(in, run);
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
      model.set_reference(bases);
      sink.begin_sequence(batch, r, bases, model.reference());
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

namespace {

// One record at a time from the child's tensors stream.
class RecordCursor {
 public:
  explicit RecordCursor(stream::Reader& r) : reader_(r) {}
  bool next() {
    if (++at_ < batch_.size()) return true;
    at_ = 0;
    while (reader_.next(batch_))
      if (!batch_.empty()) return true;
    return false;
  }
  const stream::Batch& batch() const { return batch_; }
  size_t at() const { return at_; }

 private:
  stream::Reader& reader_;
  stream::Batch batch_;
  size_t at_ = SIZE_MAX;
};

}  // namespace

void ism_exec(stream::Reader& in, const std::string& command, double timeout_seconds, const IsmOptions& options,
              const SinkFactory& make_sink, Run& run) {
  const size_t seq = predict::require_sequences(in, 0, "the --exec model");
  const auto [lo, hi] = shard_records(in, run);
  ChildProcess child(command, timeout_seconds);
  predict::PendingRecords pending;
  std::exception_ptr feeder_error;

  // The feeder sends, for each input sequence, the reference and then every
  // mutant, each a copy of the input record with `seq` edited.
  std::thread feeder([&] {
    try {
      stream::Header h = in.header();
      h.append_provenance(run.provenance());
      stream::Writer w(child.take_stdin(), h);
      stream::Batch batch;
      std::vector<Mutation> mutants;
      uint64_t index = 0;
      while (in.next(batch)) {
        for (size_t r = 0; r < batch.size(); ++r, ++index) {
          if (index < lo || index >= hi) continue;
          auto bases = batch.fixed<uint8_t>(seq, r);
          MutationEnumerator enumerator(bases, options.start,
                                        resolved_end(options, static_cast<int64_t>(bases.size())),
                                        options.mutate_n_bases);
          pending.push(batch, r);
          w.batch().append_from(batch, r);
          w.end_record();
          mutants.clear();
          while (enumerator.next(options.chunk, mutants)) {
            for (const auto& m : mutants) {
              w.batch().append_from(batch, r);
              auto dst = w.batch().fixed_mut<uint8_t>(seq, w.batch().size() - 1);
              for (const auto& e : m) dst[static_cast<size_t>(e.pos)] = static_cast<uint8_t>(kBases[e.base]);
              w.end_record();
            }
            mutants.clear();
          }
        }
      }
      w.finish();
    } catch (...) {
      feeder_error = std::current_exception();
      child.kill();
    }
    pending.close();
  });

  std::unique_ptr<stream::Reader> reader;  // outlives a failure being examined (see predict_exec)
  try {
    reader = std::make_unique<stream::Reader>(child.take_stdout());
    reader->expect_kind({stream::kind::tensors});
    auto heads = predict::heads_of_tensor_stream(reader->header());
    if (heads.empty())
      fail_input("the --exec command's tensors stream has no [tracks, bins] float fields", command,
                 "write one f32 field per output head (formats/EXEC.md)");
    std::unique_ptr<catalog::TrackCatalog> child_catalog;
    if (reader->header().meta.contains("tracks"))
      child_catalog = std::make_unique<catalog::TrackCatalog>(
          catalog::TrackCatalog::from_json(reader->header().meta["tracks"]));
    IsmSink& sink = make_sink(heads, child_catalog.get());
    const auto& schema = reader->header().schema;
    std::vector<size_t> fields;
    for (const auto& h : heads) fields.push_back(schema.index(h.name));
    const int id_field = schema.find("id");

    auto sized = [&](size_t n) {
      std::vector<engine::HeadOutput> out(heads.size());
      for (size_t h = 0; h < heads.size(); ++h) {
        out[h].name = heads[h].name;
        out[h].kind = heads[h].profile ? engine::HeadKind::profile : engine::HeadKind::scalar;
        out[h].bin_size = heads[h].bin_size;
        out[h].tracks = heads[h].tracks;
        out[h].bins = heads[h].bins;
        out[h].values.resize(n * static_cast<size_t>(heads[h].tracks * heads[h].bins));
      }
      return out;
    };
    RecordCursor cursor(*reader);
    uint64_t received = 0;
    stream::Batch record;
    // The next child record, checked against the input it answers.
    auto take = [&](std::vector<engine::HeadOutput>& out, size_t slot) {
      if (!cursor.next())
        fail_input("the --exec command wrote fewer records than it was sent", command,
                   "write exactly one tensors record per input record");
      ++received;
      const auto& b = cursor.batch();
      const size_t r = cursor.at();
      if (id_field >= 0 && b.str(static_cast<size_t>(id_field), r) != record.str(0, 0))
        fail_input("the --exec command's record " + std::to_string(received) + " has id '" +
                       std::string(b.str(static_cast<size_t>(id_field), r)) + "' but '" +
                       std::string(record.str(0, 0)) + "' was expected",
                   command, "keep output records in input order");
      for (size_t h = 0; h < heads.size(); ++h) {
        const auto& f = schema[fields[h]];
        const size_t n = f.elements();
        float* dst = out[h].values.data() + slot * n;
        if (f.dtype == stream::DType::f16) {
          auto src = b.fixed<uint16_t>(fields[h], r);
          for (size_t i = 0; i < n; ++i) dst[i] = stream::half_to_float(src[i]);
        } else {
          auto src = b.fixed<float>(fields[h], r);
          std::copy(src.begin(), src.end(), dst);
        }
      }
    };
    std::vector<engine::HeadOutput> reference = sized(1), predictions;
    std::vector<Mutation> mutants;
    uint64_t done = 0;
    while (pending.pop(record)) {
      auto bases = record.fixed<uint8_t>(seq, 0);
      MutationEnumerator enumerator(bases, options.start, resolved_end(options, static_cast<int64_t>(bases.size())),
                                    options.mutate_n_bases);
      if (run.records_in == 0) progress_total(run, {lo, hi}, enumerator.total());
      take(reference, 0);
      sink.begin_sequence(record, 0, bases, reference);
      mutants.clear();
      while (enumerator.next(options.chunk, mutants)) {
        predictions = sized(mutants.size());
        for (size_t i = 0; i < mutants.size(); ++i) take(predictions, i);
        sink.add_mutants(mutants, predictions);
        run.progress.tick(done += mutants.size());
        mutants.clear();
      }
      sink.end_sequence();
      ++run.records_in;
    }
    if (cursor.next())
      fail_input("the --exec command wrote more records than it was sent", command,
                 "write exactly one tensors record per input record");
  } catch (...) {
    auto failure = child.failure_within(2.0);
    child.kill();
    feeder.join();
    if (failure) fail_input("the --exec command " + *failure, command, "its stderr: " + child.stderr_tail());
    if (feeder_error) std::rethrow_exception(feeder_error);
    throw;
  }
  feeder.join();
  if (feeder_error) std::rethrow_exception(feeder_error);
  child.wait_success();
}

}  // namespace s2f::ism
