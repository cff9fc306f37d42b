// s2f-ism: in silico mutagenesis. For each input window, the model's
// prediction for every substitution in [--start, --end) (or every
// combination of --mutate-n-bases positions), written as an ism stream and
// Selene-compatible files, or turned into hypothetical contribution scores
// (--attr) for s2f-call-hits. Native models use fast ISM, which recomputes
// each layer only where a mutation can reach; --naive and --exec models run
// every mutant through the whole network.
#include <memory>
#include <string>
#include <vector>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/error.hpp"
#include "s2f/ism/ism_output.hpp"
#include "s2f/ism/ism_run.hpp"
#include "s2f/ism/mutant_predictor.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"

using namespace s2f;

int main(int argc, char** argv) {
  Tool tool("ism", "In silico mutagenesis: predictions for every substitution, or ISM contribution scores",
            "s2f-ism --model demo --fasta-records seqs.fa --save predictions,diffs --tsv out/ -o ism.s2f\n"
            "  s2f-encode -g ref.fa --narrowpeak peaks.narrowPeak -L 2114 \\\n"
            "    | s2f-ism -m bpnet.s2fm --start 557 --end 1557 --attr --target counts -t 2 -o contrib.s2f\n"
            "  s2f-call-hits -r contrib.s2f -m modisco.h5 -p peaks.narrowPeak -o hits/\n"
            "  s2f-ism --exec 'python3 my_adapter.py' -L 1000 --fasta-records seqs.fa --start 450 --end 550 > ism.s2f");
  tool.use(Opt::Output | Opt::Threads | Opt::Compress | Opt::Shard);
  std::string input = "-", save = "predictions", target = "", tsv, hdf5;
  predict::ModelOptions model;
  model.batch_size = defaults::ism_chunk;
  bool naive = false, attr = false, project = false;
  predict::TrackPlanOptions plan_options;
  predict::EncodeInputs encode;
  ism::IsmOptions options;
  auto& app = tool.app();
  app.add_option("input", input, "Sequences stream from s2f-encode (- = stdin)")->capture_default_str();
  cli::add_model_options(app, model, true, "Mutants per model call");
  app.add_option("--start", options.start, "First position mutated (0-based, in the window)")->capture_default_str();
  app.add_option("--end", options.end, "End of the mutated range, exclusive (default: the window's length)");
  app.add_option("--mutate-n-bases", options.mutate_n_bases,
                 "Mutate every combination of this many positions (C(W,k) x 3^k mutants)")
      ->capture_default_str();
  app.add_option("--save", save, "Statistics to write, comma-separated: predictions, diffs, abs_diffs, logits")
      ->capture_default_str();
  app.add_option("--tsv", tsv, "Selene TSV files per sequence: PREFIX_<id>_<stat>.tsv, or DIR/<id>_<stat>.tsv");
  app.add_option("--hdf5", hdf5, "Selene HDF5 files per sequence (+ _row_labels.txt, _ref_predictions.h5)");
  app.add_flag("--attr", attr,
               "Write ISM contribution scores (a contributions stream for s2f-call-hits) instead of the ism stream");
  app.add_option("--target", target, "What --attr explains: HEAD[:TRACK|sum] (default: the last head, sum)");
  app.add_flag("--project", project, "--attr: multiply the hypothetical contributions by the one-hot sequence");
  app.add_flag("--naive", naive, "Run every mutant through the whole network (the reference fast ISM is tested against)");
  cli::add_track_plan_options(app, plan_options);
  cli::add_encode_inputs(app, encode);

  return tool.run(argc, argv, [&](Run& run) {
    predict::check_model_options(model, true);
    options.chunk = static_cast<size_t>(model.batch_size);
    options.n_value = model.n_value;
    if (naive && !model.exec_command.empty()) fail_usage("--naive is for native models; --exec models always run naive ISM");
    if (options.start < 0) fail_usage("--start must be >= 0");
    if (options.end >= 0 && options.end <= options.start) fail_usage("--end must be greater than --start");
    if (attr && options.mutate_n_bases != 1)
      fail_usage("--attr needs single-base mutants", "drop --mutate-n-bases or set it to 1");
    if (!attr && (!target.empty() || project)) fail_usage("--target and --project go with --attr");
    if (!tsv.empty() && !hdf5.empty()) fail_usage("give --tsv or --hdf5, not both");
    encode.validate(input);
    ism::IsmOutputOptions out_options;
    out_options.save.clear();
    for (const auto& s : split_option_list({save})) out_options.save.push_back(ism::parse_ism_stat(s));
    if (out_options.save.empty()) fail_usage("--save needs at least one of predictions, diffs, abs_diffs, logits");
    out_options.tsv_prefix = tsv;
    out_options.hdf5_prefix = hdf5;
    out_options.attributions = attr;
    out_options.project = project;
    out_options.start = options.start;
    out_options.end = options.end;
    plan_options.heads = split_option_list({model.heads});
    const std::string model_path = predict::resolve_model_path(model.model);

    std::unique_ptr<engine::ModelGraph> graph;
    if (!model_path.empty()) graph = std::make_unique<engine::ModelGraph>(engine::load_model(model_path));
    predict::EncodeChild encoder;
    std::unique_ptr<stream::Reader> in;
    if (encode.wanted()) {
      encoder = predict::start_encode(encode, encode.length ? encode.length : (graph ? graph->input_length : 0));
      in = std::move(encoder.reader);
    } else {
      in = stream::Reader::open(input);
    }
    // The plan, target and output, once the model's heads are known.
    std::unique_ptr<ism::IsmOutput> out;
    auto make_output = [&](const std::vector<predict::ModelHeadInfo>& model_heads, const catalog::TrackCatalog* embedded,
                           const nlohmann::json& model_meta) -> ism::IsmOutput& {
      auto catalog = predict::choose_catalog(model.catalog, model_heads, embedded);
      if (attr)
        out_options.target = ism::parse_target(target.empty() ? model_heads.back().name : target, model_heads, catalog);
      auto plan = predict::plan_tracks(model_heads, catalog, plan_options);
      out = std::make_unique<ism::IsmOutput>(in->header(), std::move(plan), out_options, run, model_meta);
      return *out;
    };
    if (!model.exec_command.empty()) {
      ism::ism_exec(*in, model.exec_command, model.exec_timeout, options,
                    [&](const std::vector<predict::ModelHeadInfo>& h, const catalog::TrackCatalog* c) -> ism::IsmSink& {
                      return make_output(h, c, nlohmann::json{{"format", "exec"}, {"command", model.exec_command}});
                    },
                    run);
    } else {
      auto embedded = predict::embedded_catalog(*graph);
      auto& sink = make_output(predict::heads_of_model(*graph), embedded.get(), predict::model_identity(model.model, *graph));
      auto compiled = std::make_shared<engine::CompiledModel>(*graph);
      std::vector<bool> read(graph->heads.size(), false);
      for (const auto& name : sink.heads_read())
        for (size_t h = 0; h < graph->heads.size(); ++h) read[h] = read[h] || graph->heads[h].name == name;
      ism::MutantPredictor predictor(compiled, naive, options.n_value, read);
      ism::ism_native(*in, predictor, options, sink, run);
    }
    encoder.wait_success();
    if (!out) fail_input("the --exec command wrote no header", model.exec_command);
    out->finish();
    return 0;
  });
}
