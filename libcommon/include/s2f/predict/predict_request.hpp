// An s2f-predict run: what it is asked (the fields its options fill) and
// the driver that checks the request, opens the model and the input, plans
// the tracks, says how large the output will be, and writes predictions.
#pragma once
#include <string>

#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/predict/strand_pairs.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/run.hpp"

namespace s2f::predict {

struct PredictRequest {
  std::string input = "-";
  EncodeInputs encode;  // --bed/--vcf/... encoded by an s2f-encode child
  ModelOptions model;
  std::string dtype = "f32";  // f32 or f16
  StrandOptions strand;       // --rc, --strand-pairs
  TrackPlanOptions plan;
};

void run_predict(const PredictRequest& request, Run& run);

}  // namespace s2f::predict
