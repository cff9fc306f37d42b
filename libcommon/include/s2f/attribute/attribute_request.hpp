// An s2f-attribute run: what it is asked (the fields its options fill) and
// the driver: load the model(s), choose the target, make each record's
// references, explain it (attributor.hpp) and write the outputs
// (attribution_output.hpp).
#pragma once
#include <cstdint>
#include <string>

#include "s2f/defaults.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/run.hpp"

namespace s2f::attribute {

struct AttributeRequest {
  std::string input = "-";
  predict::ModelOptions model;
  predict::EncodeInputs encode;
  std::string method = "deepshap";
  int64_t references = defaults::attribute_references;  // dinucleotide shuffles per sequence
  std::string reference_file;  // .npy (N, L, 4): the same references for every sequence
  std::string background;      // zero | uniform: one fixed reference
  std::string target;          // HEAD[:TRACK|sum]; "" = the last head, all channels
  std::string objective = "softmax";
  bool project = false;
  std::string modisco_prefix;  // PREFIX.ohe.npz, PREFIX.shap.npz
  std::string h5;              // raw/seq, shap/seq, projected_shap/seq
  double gap_warning = defaults::attribute_gap_warning;
};

void run_attribute(const AttributeRequest& request, Run& run);

}  // namespace s2f::attribute
