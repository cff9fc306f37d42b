// s2f-model-info: what a model is before running it — layers with shapes and
// receptive fields, parameter count, input length, output heads, content
// hash. Reads s2f model files, Keras .h5 files and Keras architecture JSON
// with --weights alike (and "demo", the bundled demo model), named as every
// stage names a model: positionally or with -m/--model; a model whose input
// length is free is described at --input-length, or said to be free. The
// summary is engine::model_summary.
#include <string>

#include "s2f/cli/stage_options.hpp"
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
            "  s2f-model-info --save bias.s2fm model.h5  # Keras .h5 -> s2f model file\n"
            "  s2f-model-info --input-length 10000 spliceai.h5          # a free-length model at 10 kb\n"
            "  s2f-model-info --weights weights.h5 model.json           # Keras to_json() + save_weights()");
  tool.use(Opt::Output);
  predict::ModelOptions model;  // --weights and --input-length
  std::string model_path, positional, save;
  bool as_json = false;
  auto& app = tool.app();
  app.add_option("model", positional,
                 "s2f model file, Keras .h5 or architecture JSON (with --weights), or 'demo' (the same as -m/--model)");
  cli::add_model_path(app, model_path);
  cli::add_model_file_options(app, model);
  app.add_flag("--json", as_json, "Print the summary as JSON");
  app.add_option("--save", save, "Also write the model as an s2f model file (a free-length model at --input-length)");
  tool.validate([&](const CommonOptions&) {
    if (positional.empty() && model_path.empty()) fail_usage("give a model: s2f-model-info MODEL or -m MODEL");
    if (!positional.empty() && !model_path.empty()) fail_usage("give the model once: as MODEL or with -m/--model");
  });
  return tool.run(argc, argv, [&](Run& run) {
    if (model_path.empty()) model_path = positional;
    const engine::ModelSource source{predict::resolve_model_path(model_path), model.weights, model.input_length};
    auto d = engine::describe_model(source, model_path + (model.weights.empty() ? "" : " --weights " + model.weights));
    if (!save.empty() && !d.graph)
      fail_usage("the model's input length is free, and an s2f model file has one", "give --input-length N with --save");
    TextOutput out(run.opt.output);
    out.write(as_json ? dump_json(d.summary, 2) + "\n" : engine::model_summary_text(d.summary));
    out.commit();
    if (!save.empty()) engine::save_model(*d.graph, save);
    return 0;
  });
}
