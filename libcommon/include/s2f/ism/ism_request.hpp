// An s2f-ism run: what it is asked (the fields its options fill) and the
// driver that checks the request, sets up the output (statistics, Selene
// files, attribution target, track plan) once the model's heads are known,
// and runs the native or --exec ISM driver into it.
#pragma once
#include <string>

#include "s2f/defaults.hpp"
#include "s2f/ism/ism_run.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/run.hpp"

namespace s2f::ism {

struct IsmRequest {
  IsmRequest() { model.batch_size = defaults::ism_chunk; }  // mutants per model call
  std::string input = "-";
  predict::ModelOptions model;
  IsmOptions options;                // --start, --end, --mutate-n-bases
  std::string save = "predictions";  // comma-separated statistics
  std::string logit = "clipped";     // logits rule (score::parse_logit_rule)
  std::string tsv, hdf5;             // Selene file prefixes
  std::string file_names = "name";   // name | index | prefix (selene_ism_files.hpp)
  bool attr = false, project = false;
  std::string target;  // --attr: HEAD[:TRACK|sum]; "" = the last head, sum
  bool naive = false;
  predict::TrackPlanOptions plan;
  predict::EncodeInputs encode;
};

void run_ism(const IsmRequest& request, Run& run);

}  // namespace s2f::ism
