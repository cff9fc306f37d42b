#include "s2f/predict/model_options.hpp"

#include <cmath>

#include "s2f/engine/model_file.hpp"
#include "s2f/error.hpp"
#include "s2f/paths.hpp"

namespace s2f::predict {

void check_model_options(const ModelOptions& o, bool exec_allowed) {
  if (o.model.empty() && o.exec_command.empty())
    fail_usage(exec_allowed ? "give a model with --model FILE (or --model demo) or --exec CMD"
                            : "give a model with --model FILE (or --model demo)");
  if (!o.model.empty() && !o.exec_command.empty()) fail_usage("--model and --exec are alternatives; give one");
  if (!o.exec_command.empty() && (!o.weights.empty() || o.input_length))
    fail_usage("--weights and --input-length describe a --model file; an --exec model reads its own");
  if (o.batch_size < 1) fail_usage("--batch-size must be at least 1");
  if (!(o.exec_timeout > 0)) fail_usage("--exec-timeout must be positive");
  if (o.n_value && !std::isfinite(*o.n_value)) fail_usage("--n-value must be a number");
}

std::string resolve_model_path(const std::string& model) {
  if (model != "demo") return model;
  auto path = bundled_data("models/demo.s2fm");
  if (path.empty())
    fail_input("the bundled demo model is missing", "share/s2f/models/demo.s2fm",
               "reinstall s2f (cmake --install), or give the model file's path");
  return path;
}

engine::ModelGraph load_stage_model(const ModelOptions& o, const std::function<int64_t()>& window_length) {
  engine::ModelSource source{resolve_model_path(o.model), o.weights, o.input_length};
  if (!source.input_length && engine::declared_input_length(source) == 0) {
    source.input_length = window_length();
    if (source.input_length <= 0)
      fail_input("the model's input length is free and the windows' length is not known", source.path,
                 "give --input-length N, or windows of one length (s2f-encode -L N)");
  }
  return engine::load_model(source);
}

}  // namespace s2f::predict
