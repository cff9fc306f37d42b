#include "s2f/predict/predict_request.hpp"

#include <cstdio>
#include <optional>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/model_input.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/runners.hpp"

namespace s2f::predict {

namespace {

// One stderr line before the first prediction: how much output to expect.
void announce_size(const TensorOutput& out, std::optional<uint64_t> total, const Run& run) {
  if (run.opt.quiet) return;
  const uint64_t per = out.bytes_per_record();
  std::string what;
  for (const auto& s : out.plan().head_shapes())
    what += (what.empty() ? "" : " + ") + s.name + " " + std::to_string(s.tracks) + "x" + std::to_string(s.bins);
  if (total)
    std::fprintf(stderr, "s2f-predict: %llu records x (%s) x %zu bytes = %s of predictions\n",
                 static_cast<unsigned long long>(*total), what.c_str(), stream::dtype_size(out.plan().dtype),
                 human_bytes(static_cast<double>(per) * static_cast<double>(*total)).c_str());
  else
    std::fprintf(stderr, "s2f-predict: %s of predictions per record (%s); 1 M records = %s\n",
                 human_bytes(static_cast<double>(per)).c_str(), what.c_str(),
                 human_bytes(static_cast<double>(per) * 1e6).c_str());
}

}  // namespace

void run_predict(const PredictRequest& o, Run& run) {
  check_model_options(o.model, true);
  if (o.plan.crop < 0) fail_usage("--crop must be >= 0");
  TrackPlanOptions plan_options = o.plan;
  plan_options.heads = split_option_list({o.model.heads});
  plan_options.dtype = o.dtype == "f16" ? stream::DType::f16 : stream::DType::f32;
  RunnerOptions runner;
  runner.batch_size = o.model.batch_size;
  runner.rc = parse_rc_mode(o.strand.rc);
  parse_strand_pairs(o.strand.strand_pairs);  // usage errors before the model loads

  predict::EncodeInputs encode = o.encode;
  encode.seed = run.opt.seed;  // the null shuffles' seed travels to the encode child
  ModelInput source = open_model_input(o.model, encode, o.input);
  stream::Reader& in = *source.in;
  const std::optional<uint64_t> total = in.peek_total();
  if (total) run.progress.set_total(*total);

  if (!o.model.exec_command.empty()) {
    runner.n_encoding.value = o.model.n_value;  // asked of the plug-in
    auto make_output = [&](const std::vector<ModelHeadInfo>& heads, const catalog::TrackCatalog* child,
                           const NEncoding& n_encoding) {
      auto catalog = choose_catalog(o.model.catalog, heads, child);
      auto plan = plan_tracks(heads, catalog, plan_options);
      auto rc = apply_strand_pairing(plan, catalog, o.strand, runner.rc);
      nlohmann::json model{{"format", "exec"}, {"command", o.model.exec_command}};
      n_encoding.describe(model);
      auto out = std::make_unique<TensorOutput>(in.header(), std::move(plan), run, model, rc);
      announce_size(*out, total, run);
      return out;
    };
    predict_exec(in, o.model.exec_command, o.model.exec_timeout, make_output, runner, run);
    source.encoder.wait_success(run);
    return;
  }

  // Heads and catalog are the first model's (an ensemble's members agree).
  const engine::ModelGraph& graph = source.members.front().graph;
  auto heads = heads_of_model(graph);
  auto embedded = embedded_catalog(graph);
  auto catalog = choose_catalog(o.model.catalog, heads, embedded.get());
  auto plan = plan_tracks(heads, catalog, plan_options);
  auto rc = apply_strand_pairing(plan, catalog, o.strand, runner.rc);
  runner.n_encoding = n_encoding_of_models(o.model.n_value, source.members);
  auto identity = ensemble_identity(o.model.models, source.members);
  runner.n_encoding.describe(identity);
  announce_ensemble(source.members, run);
  // The compiled models take the weights over: one copy in memory.
  EnsemblePredictor predictor(std::move(source.members));
  TensorOutput out(in.header(), std::move(plan), run, identity, rc);
  announce_size(out, total, run);
  predict_native(in, predictor, out, runner, run);
  source.encoder.wait_success(run);
  out.finish();
}

}  // namespace s2f::predict
