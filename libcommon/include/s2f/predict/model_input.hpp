// What a model-running stage (s2f-predict, s2f-ism) reads: the native
// models' graphs (one, or an ensemble's members; none with --exec) and its sequences, either a stream or
// genomic inputs (--bed/--vcf/...) encoded by an s2f-encode child at the
// model's input length (-L for an --exec model). A model whose input length
// is free runs at --input-length, or at the windows' length (-L, or the
// input stream's).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "s2f/engine/graph.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::predict {

struct ModelInput {
  std::vector<StageModel> members;  // in their fixed order; empty for an --exec model
  EncodeChild encoder;                        // running when genomic inputs were given
  std::unique_ptr<stream::Reader> in;
};

// The length of a sequences stream's windows (its `seq` field); 0 when the
// stream has no fixed-length `seq`.
int64_t sequence_window_length(const stream::Header& header);

// Usage checks of `encode` against the `input` stream first, then the model
// is loaded and the input opened.
ModelInput open_model_input(const ModelOptions& model, const EncodeInputs& encode, const std::string& input);

}  // namespace s2f::predict
