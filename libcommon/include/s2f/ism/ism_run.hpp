// Driving in silico mutagenesis over a sequences stream: for each input
// sequence (of this run's --shard), the reference prediction, then its
// mutants in Selene's order in chunks, handed to a sink that writes them.
// Two drivers share the sink: the native engine (fast or naive) and an
// --exec model, which is sent the reference and every mutant as a
// sequences stream (formats/EXEC.md) and answers in order.
#pragma once
#include "s2f/defaults.hpp"
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/ism/ensemble_mutants.hpp"
#include "s2f/ism/mutations.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/stream/stream.hpp"
#include "s2f/run.hpp"

namespace s2f::ism {

struct IsmOptions {
  int64_t start = 0;
  int64_t end = -1;  // -1: the sequence's length
  int mutate_n_bases = 1;
  size_t chunk = defaults::ism_chunk;  // mutants predicted per call
  // A native model's encoding of N (checked on each reference sequence:
  // mutants only add A, C, G or T); for an --exec model only its `value`,
  // --n-value, is used: asked of the plug-in, whose reply decides.
  predict::NEncoding n_encoding;
};

class IsmSink {
 public:
  virtual ~IsmSink() = default;
  // `reference`: batch of one, model layout [tracks][bins]; `window`: the
  // input window's 0-based index in the whole (unsharded) input.
  virtual void begin_sequence(const stream::Batch& in, size_t rec, uint64_t window, std::span<const uint8_t> sequence,
                              const std::vector<engine::HeadOutput>& reference) = 0;
  // predictions[h].values: [mutants][tracks][bins], mutants in order.
  virtual void add_mutants(const std::vector<Mutation>& mutants,
                           const std::vector<engine::HeadOutput>& predictions) = 0;
  virtual void end_sequence() = 0;
};

// `model`: one model, or an ensemble whose predictions are its members' mean.
void ism_native(stream::Reader& in, EnsembleMutants& model, const IsmOptions& options, IsmSink& sink, Run& run);

// Builds the sink once the child's heads (its catalog, if it sends one, and
// how it encodes N) are known.
using SinkFactory = std::function<IsmSink&(const std::vector<predict::ModelHeadInfo>& heads,
                                           const catalog::TrackCatalog* catalog, const predict::NEncoding& n)>;
void ism_exec(stream::Reader& in, const std::string& command, double timeout_seconds, const IsmOptions& options,
              const SinkFactory& make_sink, Run& run);

}  // namespace s2f::ism
