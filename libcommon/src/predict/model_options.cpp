#include "s2f/predict/model_options.hpp"

#include <cmath>
#include <filesystem>

#include "s2f/engine/model_file.hpp"
#include "s2f/error.hpp"
#include "s2f/paths.hpp"
#include "s2f/predict/ensemble_members.hpp"

namespace s2f::predict {

void check_model_options(const ModelOptions& o, bool exec_allowed) {
  if (o.models.empty() && o.exec_command.empty())
    fail_usage(exec_allowed ? "give a model with --model FILE (or --model demo) or --exec CMD"
                            : "give a model with --model FILE (or --model demo)");
  if (!o.models.empty() && !o.exec_command.empty())
    fail_usage(o.models.size() > 1 ? "--exec runs one plug-in model; it does not combine with --model (an ensemble "
                                     "runs native models only)"
                                   : "--model and --exec are alternatives; give one");
  if (!o.exec_command.empty() && (!o.weights.empty() || o.input_length))
    fail_usage("--weights and --input-length describe a --model file; an --exec model reads its own");
  if (o.models.size() > 1 && !o.weights.empty())
    fail_usage("--weights belongs to one Keras architecture JSON, not to an ensemble",
               "save each member whole (s2f-model-info --weights W --save member.s2fm model.json) and give those");
  if (o.batch_size < 1) fail_usage("--batch-size must be at least 1");
  if (!(o.exec_timeout > 0)) fail_usage("--exec-timeout must be positive");
  if (o.n_value && !std::isfinite(*o.n_value)) fail_usage("--n-value must be a number");
}

std::string resolve_model_path(const std::string& model) {
  if (model != "demo") {
    // Said before any reader guesses at the format of a file that is not there.
    std::error_code ec;
    if (!std::filesystem::exists(model, ec))
      fail_io("model file not found: " + model, model,
              "check the path (an s2f model file, Keras .h5 or architecture JSON), or use --model demo");
    return model;
  }
  auto path = bundled_data("models/demo.s2fm");
  if (path.empty())
    fail_input("the bundled demo model is missing", "share/s2f/models/demo.s2fm",
               "reinstall s2f (cmake --install), or give the model file's path");
  return path;
}

std::vector<StageModel> load_stage_models(const ModelOptions& o, const std::function<int64_t()>& window_length) {
  const auto paths = ensemble_member_paths(o.models);
  if (paths.size() > 1 && !o.weights.empty())
    fail_usage("--weights belongs to one Keras architecture JSON, not to a fold directory's models",
               "give the model files that hold their weights");
  int64_t windows = -1;  // asked once, for the first free-length member
  std::vector<StageModel> members;
  for (const auto& path : paths) {
    engine::ModelSource source{resolve_model_path(path), o.weights, o.input_length};
    if (!source.input_length && engine::declared_input_length(source) == 0) {
      if (windows < 0) windows = window_length();
      source.input_length = windows;
      if (source.input_length <= 0)
        fail_input("the model's input length is free and the windows' length is not known", source.path,
                   "give --input-length N, or windows of one length (s2f-encode -L N)");
    }
    members.push_back({path, engine::load_model(source)});
  }
  check_members_agree(members);
  return members;
}

}  // namespace s2f::predict
