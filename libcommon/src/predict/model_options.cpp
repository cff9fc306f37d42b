#include "s2f/predict/model_options.hpp"

#include <cmath>

#include "s2f/error.hpp"
#include "s2f/paths.hpp"

namespace s2f::predict {

void check_model_options(const ModelOptions& o, bool exec_allowed) {
  if (o.model.empty() && o.exec_command.empty())
    fail_usage(exec_allowed ? "give a model with --model FILE (or --model demo) or --exec CMD"
                            : "give a model with --model FILE (or --model demo)");
  if (!o.model.empty() && !o.exec_command.empty()) fail_usage("--model and --exec are alternatives; give one");
  if (o.batch_size < 1) fail_usage("--batch-size must be at least 1");
  if (!(o.exec_timeout > 0)) fail_usage("--exec-timeout must be positive");
  if (!std::isfinite(o.n_value)) fail_usage("--n-value must be a number");
}

std::string resolve_model_path(const std::string& model) {
  if (model != "demo") return model;
  auto path = bundled_data("models/demo.s2fm");
  if (path.empty())
    fail_input("the bundled demo model is missing", "share/s2f/models/demo.s2fm",
               "reinstall s2f (cmake --install), or give the model file's path");
  return path;
}

}  // namespace s2f::predict
