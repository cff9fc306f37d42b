// What s2f-attribute writes for each sequence:
//  - a `contributions` stream (formats/SPEC.md), the one s2f-ism --attr
//    writes and s2f-call-hits reads: the window's identity, its bases and
//    `contrib` [L, 4], hypothetical contributions or (--project) projected;
//  - with --modisco PREFIX, tfmodisco-lite's inputs: PREFIX.ohe.npz (the
//    one-hot sequences) and PREFIX.shap.npz (hypothetical contributions),
//    each one array `arr_0` of float32 (sequences, 4, L), as numpy.savez
//    writes a single array and `modisco motifs -s/-a` reads it;
//  - with --h5 FILE, ChromBPNet's and variant-scorer's contribution layout:
//    datasets raw/seq (one-hot), shap/seq (hypothetical), projected_shap/seq
//    (projected), float32 (sequences, 4, L).
// The .npz shapes need the sequence count before the first array's data, so
// those rows are spooled to an unnamed temporary file ($TMPDIR) and copied
// at the end; memory stays one sequence.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "s2f/attribute/attributor.hpp"
#include "s2f/run.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::attribute {

struct OutputOptions {
  bool project = false;
  std::string modisco_prefix, h5;
  nlohmann::json attribution_meta;  // meta.attribution of the stream
};

class AttributionOutput {
 public:
  AttributionOutput(const stream::Header& input, int64_t length, OutputOptions options, Run& run,
                    const nlohmann::json& model_meta);
  ~AttributionOutput();
  // One sequence: input record `rec` of `in`, its one-hot `x` (L x 4).
  void write(const stream::Batch& in, size_t rec, std::span<const float> x, const Attribution& a);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s2f::attribute
