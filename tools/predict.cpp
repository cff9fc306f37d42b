// s2f-predict: sequence windows in, named model outputs out. The model is
// an s2f model file, a Keras .h5 read directly, or any program run with
// --exec that speaks the stream format on stdin/stdout.
#include <cstdio>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/child_process.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/runners.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"

using namespace s2f;

namespace {

struct PredictOptions {
  std::string input = "-";
  predict::EncodeInputs encode;  // --bed/--vcf/... encoded by an s2f-encode child
  predict::ModelOptions model;
  std::string dtype = "f32", rc = "none";
  predict::TrackPlanOptions plan;
  predict::RunnerOptions runner;
};

}  // namespace

int main(int argc, char** argv) {
  Tool tool("predict", "Run a sequence model over a stream of sequence windows",
            "s2f-encode --genome ref.fa --bed peaks.bed -L 2114 \\\n"
            "    | s2f-predict --model chrombpnet.h5 --rc mean -t 2 -o preds.s2f\n"
            "  s2f-predict --model demo --select strand=+ windows.s2f | s2f-view --head 2\n"
            "  s2f-predict --exec 'python3 my_adapter.py' windows.s2f > preds.s2f   # any model (formats/EXEC.md)");
  tool.use(Opt::Output | Opt::Threads | Opt::Compress);
  PredictOptions o;
  auto& app = tool.app();
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin)")->capture_default_str();
  cli::add_model_options(app, o.model);
  cli::add_track_plan_options(app, o.plan);
  app.add_option("--dtype", o.dtype, "Output values: f32 or f16")->capture_default_str()->check(CLI::IsMember({"f32", "f16"}));
  app.add_option("--rc", o.rc, "Also predict the reverse complement and combine: none, mean, max")
      ->capture_default_str()->check(CLI::IsMember({"none", "mean", "max"}));
  cli::add_encode_inputs(app, o.encode);  // genomic inputs, encoded on the way in (same code as s2f-encode)

  return tool.run(argc, argv, [&](Run& run) {
    predict::check_model_options(o.model, true);
    if (o.plan.crop < 0) fail_usage("--crop must be >= 0");
    o.plan.heads = split_option_list({o.model.heads});
    o.runner.batch_size = o.model.batch_size;
    o.runner.n_value = o.model.n_value;
    o.plan.dtype = o.dtype == "f16" ? stream::DType::f16 : stream::DType::f32;
    o.runner.rc = predict::parse_rc_mode(o.rc);
    const std::string model_path = predict::resolve_model_path(o.model.model);

    o.encode.validate(o.input);
    std::unique_ptr<engine::ModelGraph> graph;
    if (!model_path.empty()) graph = std::make_unique<engine::ModelGraph>(engine::load_model(model_path));
    predict::EncodeChild encoder;
    std::unique_ptr<stream::Reader> in;
    if (o.encode.wanted()) {
      encoder = predict::start_encode(o.encode, o.encode.length ? o.encode.length : (graph ? graph->input_length : 0));
      in = std::move(encoder.reader);
    } else {
      in = stream::Reader::open(o.input);
    }
    std::optional<uint64_t> total = in->peek_total();
    if (total) run.progress.set_total(*total);
    auto announce = [&](const predict::TensorOutput& out) {
      if (run.opt.quiet) return;
      uint64_t per = out.bytes_per_record();
      std::string what;
      for (const auto& s : out.plan().head_shapes())
        what += (what.empty() ? "" : " + ") + s.name + " " + std::to_string(s.tracks) + "x" + std::to_string(s.bins);
      if (total)
        std::fprintf(stderr, "s2f-predict: %llu records x (%s) x %zu bytes = %s of predictions\n",
                     static_cast<unsigned long long>(*total), what.c_str(), stream::dtype_size(o.plan.dtype),
                     predict::human_bytes(static_cast<double>(per) * static_cast<double>(*total)).c_str());
      else
        std::fprintf(stderr, "s2f-predict: %s of predictions per record (%s); 1 M records = %s\n",
                     predict::human_bytes(static_cast<double>(per)).c_str(), what.c_str(),
                     predict::human_bytes(static_cast<double>(per) * 1e6).c_str());
    };

    if (!o.model.exec_command.empty()) {
      auto make_output = [&](const std::vector<predict::ModelHeadInfo>& heads, const catalog::TrackCatalog* child) {
        auto plan = predict::plan_tracks(heads, predict::choose_catalog(o.model.catalog, heads, child), o.plan);
        auto out = std::make_unique<predict::TensorOutput>(
            in->header(), std::move(plan), run,
            nlohmann::json{{"format", "exec"}, {"command", o.model.exec_command}});
        announce(*out);
        return out;
      };
      predict::predict_exec(*in, o.model.exec_command, o.model.exec_timeout, make_output, o.runner, run);
      encoder.wait_success();
      return 0;
    }

    auto heads = predict::heads_of_model(*graph);
    auto embedded = predict::embedded_catalog(*graph);
    auto plan = predict::plan_tracks(heads, predict::choose_catalog(o.model.catalog, heads, embedded.get()), o.plan);
    const nlohmann::json model_meta = predict::model_identity(o.model.model, *graph);
    auto compiled = std::make_shared<engine::CompiledModel>(*graph);
    engine::Predictor predictor(compiled);
    predict::TensorOutput out(in->header(), std::move(plan), run, model_meta);
    announce(out);
    predict::predict_native(*in, predictor, out, o.runner, run);
    encoder.wait_success();
    out.finish();
    return 0;
  });
}
