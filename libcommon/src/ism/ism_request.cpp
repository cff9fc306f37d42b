#include "s2f/ism/ism_request.hpp"

#include <memory>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/error.hpp"
#include "s2f/ism/ism_output.hpp"
#include "s2f/ism/mutant_predictor.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/model_input.hpp"
#include "s2f/predict/model_tracks.hpp"

namespace s2f::ism {

namespace {

void check_request(const IsmRequest& o) {
  predict::check_model_options(o.model, true);
  if (o.naive && !o.model.exec_command.empty())
    fail_usage("--naive is for native models; --exec models always run naive ISM");
  if (o.options.start < 0) fail_usage("--start must be >= 0");
  if (o.options.end >= 0 && o.options.end <= o.options.start) fail_usage("--end must be greater than --start");
  if (o.attr && o.options.mutate_n_bases != 1)
    fail_usage("--attr needs single-base mutants", "drop --mutate-n-bases or set it to 1");
  if (!o.attr && (!o.target.empty() || o.project)) fail_usage("--target and --project go with --attr");
  if (!o.tsv.empty() && !o.hdf5.empty()) fail_usage("give --tsv or --hdf5, not both");
}

}  // namespace

void run_ism(const IsmRequest& o, Run& run) {
  check_request(o);
  IsmOptions options = o.options;
  options.chunk = static_cast<size_t>(o.model.batch_size);
  options.n_encoding.value = o.model.n_value;  // an --exec model's request; a native model's is resolved below
  IsmOutputOptions out_options;
  out_options.save.clear();
  for (const auto& s : split_option_list({o.save})) out_options.save.push_back(parse_ism_stat(s));
  if (out_options.save.empty()) fail_usage("--save needs at least one of predictions, diffs, abs_diffs, logits");
  out_options.logit = score::parse_logit_rule(o.logit);
  out_options.tsv_prefix = o.tsv;
  out_options.hdf5_prefix = o.hdf5;
  out_options.file_names = parse_ism_file_names(o.file_names);
  out_options.attributions = o.attr;
  out_options.project = o.project;
  out_options.start = options.start;
  out_options.end = options.end;
  predict::TrackPlanOptions plan_options = o.plan;
  plan_options.heads = split_option_list({o.model.heads});

  predict::ModelInput source = predict::open_model_input(o.model, o.encode, o.input);
  stream::Reader& in = *source.in;
  // The plan, target and output, once the model's heads are known.
  std::unique_ptr<IsmOutput> out;
  auto make_output = [&](const std::vector<predict::ModelHeadInfo>& heads, const catalog::TrackCatalog* embedded,
                         const nlohmann::json& model_meta) -> IsmOutput& {
    auto catalog = predict::choose_catalog(o.model.catalog, heads, embedded);
    if (o.attr) out_options.target = parse_target(o.target.empty() ? heads.back().name : o.target, heads, catalog);
    auto plan = predict::plan_tracks(heads, catalog, plan_options);
    out = std::make_unique<IsmOutput>(in.header(), std::move(plan), out_options, run, model_meta);
    return *out;
  };
  if (!o.model.exec_command.empty()) {
    ism_exec(in, o.model.exec_command, o.model.exec_timeout, options,
             [&](const std::vector<predict::ModelHeadInfo>& heads, const catalog::TrackCatalog* catalog,
                 const predict::NEncoding& n_encoding) -> IsmSink& {
               nlohmann::json model_meta = {{"format", "exec"}, {"command", o.model.exec_command}};
               n_encoding.describe(model_meta);
               return make_output(heads, catalog, model_meta);
             },
             run);
  } else {
    // Heads and catalog are the first model's (an ensemble's members agree).
    const engine::ModelGraph& graph = source.members.front().graph;
    auto embedded = predict::embedded_catalog(graph);
    options.n_encoding = predict::n_encoding_of_models(o.model.n_value, source.members);
    auto identity = predict::ensemble_identity(o.model.models, source.members);
    options.n_encoding.describe(identity);
    auto& sink = make_output(predict::heads_of_model(graph), embedded.get(), identity);
    predict::announce_ensemble(source.members, run);
    std::vector<bool> read(graph.heads.size(), false);
    for (const auto& name : sink.heads_read())
      for (size_t h = 0; h < graph.heads.size(); ++h) read[h] = read[h] || graph.heads[h].name == name;
    // With no value known, ism_native refuses every reference holding an N
    // before it is encoded, so the 0 is never read.
    EnsembleMutants predictor(std::move(source.members), o.naive, options.n_encoding.value.value_or(0.0f), read);
    ism_native(in, predictor, options, sink, run);
  }
  source.encoder.wait_success(run);
  if (!out) fail_input("the --exec command wrote no header", o.model.exec_command);
  out->finish();
}

}  // namespace s2f::ism
