// s2f-model-info: what a model is before running it — layers with shapes and
// receptive fields, parameter count, input length, output heads, content
// hash. Reads s2f model files and Keras .h5 files alike.
#include <cstdio>
#include <memory>
#include <string>

#include "s2f/engine/activation_planner.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/receptive_field.hpp"
#include "s2f/io.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::engine;

namespace {

std::string layer_params(const Node& n) {
  char buf[160];
  switch (n.op) {
    case Op::conv1d:
      std::snprintf(buf, sizeof buf, "k=%lld d=%lld s=%lld pad=%lld,%lld %s", static_cast<long long>(n.kernel),
                    static_cast<long long>(n.dilation), static_cast<long long>(n.stride),
                    static_cast<long long>(n.pad_left), static_cast<long long>(n.pad_right), activation_name(n.activation));
      return buf;
    case Op::dense:
      return activation_name(n.activation);
    case Op::activation:
      return activation_name(n.activation);
    case Op::maxpool1d:
    case Op::avgpool1d:
      std::snprintf(buf, sizeof buf, "pool=%lld s=%lld", static_cast<long long>(n.kernel), static_cast<long long>(n.stride));
      return buf;
    case Op::crop:
      std::snprintf(buf, sizeof buf, "crop=%lld,%lld", static_cast<long long>(n.crop_left), static_cast<long long>(n.crop_right));
      return buf;
    case Op::flatten:
      return "order=" + n.flatten_order;
    default:
      return "";
  }
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("model-info", "Describe a sequence model: layers, parameters, receptive field, input, output heads",
            "s2f-model-info chrombpnet_bias.h5\n"
            "  s2f-model-info --json bpnet.s2fm          # machine-readable summary\n"
            "  s2f-model-info --save bias.s2fm model.h5  # Keras .h5 -> s2f model file");
  tool.use(Opt::Output);
  std::string path, save;
  bool as_json = false;
  auto& app = tool.app();
  app.add_option("model", path, "s2f model file or Keras .h5")->required();
  app.add_flag("--json", as_json, "Print the summary as JSON");
  app.add_option("--save", save, "Also write the model as an s2f model file");
  return tool.run(argc, argv, [&](Run& run) {
    ModelGraph g = load_model(path);
    auto model = std::make_shared<CompiledModel>(g);
    const auto plan = ActivationPlanner::plan(*model);
    const auto rf = receptive_fields(model->graph());
    const auto& mg = model->graph();
    int64_t max_rf = 0;
    for (const auto& h : mg.heads) max_rf = std::max(max_rf, rf[static_cast<size_t>(h.node)].size);

    nlohmann::json j;
    j["name"] = mg.name;
    j["source_format"] = mg.metadata.value("source_format", "");
    j["content_hash"] = mg.metadata.value("content_hash", "");
    j["input"] = {{"length", mg.input_length}, {"channels", mg.input_channels}};
    j["parameters"] = mg.parameter_count();
    j["receptive_field"] = max_rf;
    j["flops_per_sequence"] = plan.flops;
    j["activation_bytes_per_thread"] = plan.arena_floats * 4;
    j["kernels"] = model->isa();
    auto layers = nlohmann::json::array();
    for (size_t i = 0; i < mg.nodes.size(); ++i) {
      const Node& n = mg.nodes[i];
      nlohmann::json ins = nlohmann::json::array();
      for (int k : n.inputs) ins.push_back(mg.nodes[static_cast<size_t>(k)].name);
      int64_t params = 0;
      for (const auto& [key, w] : n.weights) params += w.numel();
      layers.push_back({{"name", n.name}, {"op", op_name(n.op)}, {"inputs", ins},
                        {"length", n.shape.length}, {"channels", n.shape.channels}, {"parameters", params},
                        {"receptive_field", rf[i].size}, {"details", layer_params(n)}});
    }
    j["layers"] = layers;
    auto heads = nlohmann::json::array();
    for (const auto& h : mg.heads) {
      const Shape s = mg.nodes[static_cast<size_t>(h.node)].shape;
      heads.push_back({{"name", h.name}, {"kind", h.kind == HeadKind::profile ? "profile" : "scalar"},
                       {"tracks", s.channels}, {"bins", s.length}, {"bin_size", h.bin_size},
                       {"receptive_field", rf[static_cast<size_t>(h.node)].size}});
    }
    j["outputs"] = heads;

    TextOutput out(run.opt.output);
    if (as_json) {
      out.write(j.dump(2) + "\n");
    } else {
      std::string s;
      char line[512];
      std::snprintf(line, sizeof line, "model\t%s (%s)\nhash\t%s\ninput\t%lld x %lld (one-hot ACGT)\nparameters\t%lld\n"
                    "receptive_field\t%lld bp\ncompute\t%.3f GFLOP per sequence\nactivations\t%.1f MB per thread\nkernels\t%s\n",
                    mg.name.c_str(), j["source_format"].get<std::string>().c_str(), j["content_hash"].get<std::string>().c_str(),
                    static_cast<long long>(mg.input_length), static_cast<long long>(mg.input_channels),
                    static_cast<long long>(mg.parameter_count()), static_cast<long long>(max_rf), plan.flops / 1e9,
                    static_cast<double>(plan.arena_floats) * 4 / 1e6, model->isa());
      s += line;
      for (const auto& h : heads) {
        std::snprintf(line, sizeof line, "output\t%s\t%s\t%lld tracks x %lld bins (bin size %lld)\n",
                      h["name"].get<std::string>().c_str(), h["kind"].get<std::string>().c_str(),
                      static_cast<long long>(h["tracks"].get<int64_t>()), static_cast<long long>(h["bins"].get<int64_t>()),
                      static_cast<long long>(h["bin_size"].get<int64_t>()));
        s += line;
      }
      s += "#layer\top\tinputs\tlength\tchannels\tparameters\treceptive_field\tdetails\n";
      for (const auto& l : layers) {
        std::string ins;
        for (const auto& in : l["inputs"]) ins += (ins.empty() ? "" : ",") + in.get<std::string>();
        std::snprintf(line, sizeof line, "%s\t%s\t%s\t%lld\t%lld\t%lld\t%lld\t%s\n", l["name"].get<std::string>().c_str(),
                      l["op"].get<std::string>().c_str(), ins.empty() ? "-" : ins.c_str(),
                      static_cast<long long>(l["length"].get<int64_t>()), static_cast<long long>(l["channels"].get<int64_t>()),
                      static_cast<long long>(l["parameters"].get<int64_t>()),
                      static_cast<long long>(l["receptive_field"].get<int64_t>()), l["details"].get<std::string>().c_str());
        s += line;
      }
      out.write(s);
    }
    out.commit();
    if (!save.empty()) save_model(g, save);
    return 0;
  });
}
