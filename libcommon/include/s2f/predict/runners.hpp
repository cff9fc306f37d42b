// The two ways s2f-predict gets predictions for a sequence stream: the
// native engine in-process, or an --exec plug-in (any program that reads a
// sequences stream on stdin and writes one tensors record per input record,
// in order, on stdout — formats/EXEC.md), driven by predict::ExecSession.
#pragma once
#include "s2f/run.hpp"
#include "s2f/defaults.hpp"
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/predict/ensemble_predictor.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/tensor_output.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::predict {

struct RunnerOptions {
  int64_t batch_size = defaults::batch_size;
  // A native model's encoding of N; for an --exec model only its `value`,
  // --n-value, is used: asked of the plug-in, whose reply decides.
  NEncoding n_encoding;
  RcMode rc = RcMode::none;
};

// Checks that the stream holds sequences of the model's length; returns
// the `seq` field index.
size_t require_sequences(const stream::Reader& in, int64_t model_length, const std::string& model_name);

void predict_native(stream::Reader& in, const EnsemblePredictor& predictor, TensorOutput& out,
                    const RunnerOptions& options, Run& run);

// Builds the output once the plug-in's header (its heads, its catalog if it
// sends one, how it encodes N) is known.
using OutputFactory = std::function<std::unique_ptr<TensorOutput>(
    const std::vector<ModelHeadInfo>& heads, const catalog::TrackCatalog* child_catalog, const NEncoding& n)>;

// Records [lo, hi) of the input that this --shard takes (all of them when
// the run is not sharded: hi is then the record count, or UINT64_MAX when a
// pipe cannot tell). Sharding needs the count: a pipe is a usage error.
std::pair<uint64_t, uint64_t> shard_records(stream::Reader& in, Run& run);

// "'<id>' (record K of <input>)": a window in messages.
std::string window_label(const stream::Batch& batch, size_t rec, uint64_t index, const std::string& input);

void predict_exec(stream::Reader& in, const std::string& command, double timeout_seconds,
                  const OutputFactory& make_output, const RunnerOptions& options, Run& run);

}  // namespace s2f::predict
