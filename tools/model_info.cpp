// s2f-model-info: what a model is before running it — layers with shapes and
// receptive fields, parameter count, input length, output heads, content
// hash. Reads s2f model files and Keras .h5 files alike (and "demo", the
// bundled demo model), named as every stage names a model: positionally or
// with -m/--model. The summary is engine::model_summary.
#include <string>

#include "s2f/cli/stage_options.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/model_summary.hpp"
#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/tool.hpp"
#include "s2f/utf8.hpp"

using namespace s2f;

int main(int argc, char** argv) {
  Tool tool("model-info", "Describe a sequence model: layers, parameters, receptive field, input, output heads",
            "s2f-model-info chrombpnet_bias.h5\n"
            "  s2f-model-info -m demo                    # the bundled demo model, as predict -m demo runs it\n"
            "  s2f-model-info --json bpnet.s2fm          # machine-readable summary\n"
            "  s2f-model-info --save bias.s2fm model.h5  # Keras .h5 -> s2f model file");
  tool.use(Opt::Output);
  std::string path, flag_path, save;
  bool as_json = false;
  auto& app = tool.app();
  app.add_option("model", path, "s2f model file, Keras .h5, or 'demo' (the same as -m/--model)");
  cli::add_model_path(app, flag_path);
  app.add_flag("--json", as_json, "Print the summary as JSON");
  app.add_option("--save", save, "Also write the model as an s2f model file");
  tool.validate([&](const CommonOptions&) {
    if (path.empty() && flag_path.empty()) fail_usage("give a model: s2f-model-info MODEL or -m MODEL");
    if (!path.empty() && !flag_path.empty()) fail_usage("give the model once: as MODEL or with -m/--model");
  });
  return tool.run(argc, argv, [&](Run& run) {
    engine::ModelGraph g = engine::load_model(predict::resolve_model_path(path.empty() ? flag_path : path));
    const nlohmann::json summary = engine::model_summary(g);
    TextOutput out(run.opt.output);
    out.write(as_json ? dump_json(summary, 2) + "\n" : engine::model_summary_text(summary));
    out.commit();
    if (!save.empty()) engine::save_model(g, save);
    return 0;
  });
}
