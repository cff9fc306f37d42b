#include "s2f/engine/model_summary.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "s2f/engine/activation_planner.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/receptive_field.hpp"

namespace s2f::engine {

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

nlohmann::json model_summary(const ModelGraph& graph) {
  auto model = std::make_shared<CompiledModel>(graph);
  const auto plan = ActivationPlanner::plan(*model);
  const auto rf = receptive_fields(model->graph());
  const auto& mg = model->graph();
  int64_t max_rf = 0;
  for (const auto& h : mg.heads) max_rf = std::max(max_rf, rf[static_cast<size_t>(h.node)].size);

  nlohmann::json j;
  j["name"] = mg.name;
  j["source_format"] = mg.metadata.value("source_format", "");
  j["content_hash"] = mg.metadata.value("content_hash", "");
  j["input"] = {{"length", mg.input_length}, {"channels", mg.input_channels},
                {"free", mg.metadata.value("input_length_free", false)},
                {"n_value", mg.n_value ? nlohmann::json(*mg.n_value) : nlohmann::json()}};
  j["parameters"] = graph.parameter_count();
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
    for (const auto& [key, w] : graph.nodes[i].weights) params += w.numel();
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
                     {"receptive_field", rf[static_cast<size_t>(h.node)].size},
                     {"strand_pairs", h.strand_pairs ? nlohmann::json(*h.strand_pairs) : nlohmann::json()}});
  }
  j["outputs"] = heads;
  return j;
}

nlohmann::json free_length_summary(const std::string& path, const std::string& model_args) {
  return {{"name", path},
          {"source_format", "keras"},
          {"input", {{"length", nullptr}, {"free", true}}},
          {"how_to_run",
           {"s2f-model-info --input-length N " + model_args + "  (layers, heads and receptive field at N bp)",
            "s2f-predict, s2f-ism and s2f-marginalize run it at their windows' length, or at --input-length N"}}};
}

ModelDescription describe_model(const ModelSource& source, const std::string& model_args) {
  ModelDescription d;
  if (!source.input_length && declared_input_length(source) == 0) {
    d.summary = free_length_summary(source.path, model_args);
  } else {
    d.graph = load_model(source);
    d.summary = model_summary(*d.graph);
  }
  return d;
}

std::string model_summary_text(const nlohmann::json& j) {
  auto text = [&](const nlohmann::json& v) { return v.get<std::string>(); };
  auto num = [&](const nlohmann::json& v) { return static_cast<long long>(v.get<int64_t>()); };
  std::string s;
  char line[512];
  if (j["input"]["length"].is_null()) {
    s = "model\t" + text(j["name"]) + " (" + text(j["source_format"]) +
        ")\ninput\tfree length: the model runs at any length its layers allow; give one to run it\n";
    for (const auto& h : j["how_to_run"]) s += "\t" + text(h) + "\n";
    return s;
  }
  const std::string free = j["input"].value("free", false) ? "; free length, shown at this length" : "";
  std::snprintf(line, sizeof line, "model\t%s (%s)\nhash\t%s\ninput\t%lld x %lld (one-hot ACGT%s)\nparameters\t%lld\n"
                "receptive_field\t%lld bp\ncompute\t%.3f GFLOP per sequence\nactivations\t%.1f MB per thread\nkernels\t%s\n",
                text(j["name"]).c_str(), text(j["source_format"]).c_str(), text(j["content_hash"]).c_str(),
                num(j["input"]["length"]), num(j["input"]["channels"]), free.c_str(), num(j["parameters"]),
                num(j["receptive_field"]),
                j["flops_per_sequence"].get<double>() / 1e9,
                static_cast<double>(j["activation_bytes_per_thread"].get<int64_t>()) / 1e6, text(j["kernels"]).c_str());
  s += line;
  const auto& n_value = j["input"]["n_value"];
  s += "n_value\t" + (n_value.is_null() ? std::string("not recorded: a window with an N needs --n-value")
                                         : n_value.dump() + " (each channel's one-hot value at an N, recorded by the model)") + "\n";
  for (const auto& h : j["outputs"]) {
    std::string strands = "not recorded";
    if (h["strand_pairs"].is_array()) {
      strands = h["strand_pairs"].empty() ? "none stranded" : "";
      for (const auto& p : h["strand_pairs"])
        strands += (strands.empty() ? "" : ",") + p[0].dump() + "-" + p[1].dump();
    }
    std::snprintf(line, sizeof line, "output\t%s\t%s\t%lld tracks x %lld bins (bin size %lld); strand pairs: %s\n",
                  text(h["name"]).c_str(), text(h["kind"]).c_str(), num(h["tracks"]), num(h["bins"]), num(h["bin_size"]),
                  strands.c_str());
    s += line;
  }
  s += "#layer\top\tinputs\tlength\tchannels\tparameters\treceptive_field\tdetails\n";
  for (const auto& l : j["layers"]) {
    std::string ins;
    for (const auto& in : l["inputs"]) ins += (ins.empty() ? "" : ",") + in.get<std::string>();
    std::snprintf(line, sizeof line, "%s\t%s\t%s\t%lld\t%lld\t%lld\t%lld\t%s\n", text(l["name"]).c_str(),
                  text(l["op"]).c_str(), ins.empty() ? "-" : ins.c_str(), num(l["length"]), num(l["channels"]),
                  num(l["parameters"]), num(l["receptive_field"]), text(l["details"]).c_str());
    s += line;
  }
  return s;
}

}  // namespace s2f::engine
