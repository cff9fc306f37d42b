// An s2f-attribute run: what it is asked (the fields its options fill) and
// the driver: load the model(s), set up the attribution
// (attribution_setup.hpp), explain every record of the shard and write the
// outputs (attribution_output.hpp).
#pragma once
#include <string>

#include "s2f/attribute/attribution_setup.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/run.hpp"

namespace s2f::attribute {

struct AttributeRequest {
  std::string input = "-";
  predict::ModelOptions model;
  predict::EncodeInputs encode;
  AttributionOptions attribution;
  bool project = false;
  std::string modisco_prefix;  // PREFIX.ohe.npz, PREFIX.shap.npz
  std::string h5;              // raw/seq, shap/seq, projected_shap/seq
};

void run_attribute(const AttributeRequest& request, Run& run);

}  // namespace s2f::attribute
