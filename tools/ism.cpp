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
#include "s2f/tool.hpp"

#ifndef S2F_DEMO_MODEL
#define S2F_DEMO_MODEL ""
#endif

using namespace s2f;

int main(int argc, char** argv) {
  Tool tool("ism", "In silico mutagenesis: predictions for every substitution, or ISM contribution scores",
            "s2f-ism --model demo --fasta-records seqs.fa --save predictions,diffs --tsv out/ -o ism.s2f\n"
            "  s2f-encode -g ref.fa --narrowpeak peaks.narrowPeak -L 2114 \\\n"
            "    | s2f-ism -m bpnet.s2fm --start 557 --end 1557 --attr --target counts -t 2 -o contrib.s2f\n"
            "  s2f-call-hits -r contrib.s2f -m modisco.h5 -p peaks.narrowPeak -o hits/\n"
            "  s2f-ism --exec 'python3 my_adapter.py' -L 1000 --fasta-records seqs.fa --start 450 --end 550 > ism.s2f");
  tool.use(Opt::Output | Opt::Threads | Opt::Compress | Opt::Shard);
  std::string input = "-", model, exec_command, catalog_tsv, save = "predictions", heads, target = "", tsv, hdf5;
  double exec_timeout = 600;
  bool naive = false, attr = false, project = false;
  predict::TrackPlanOptions plan_options;
  predict::EncodeInputs encode;
  ism::IsmOptions options;
  auto& app = tool.app();
  app.add_option("input", input, "Sequences stream from s2f-encode (- = stdin)")->capture_default_str();
  auto* m = app.add_option("-m,--model", model, "s2f model file, Keras .h5, or 'demo' for the bundled demo model");
  auto* e = app.add_option("--exec", exec_command, "Run this command as the model (formats/EXEC.md); naive ISM");
  m->excludes(e);
  app.add_option("--exec-timeout", exec_timeout, "Kill an --exec model that writes nothing for this many seconds")
      ->capture_default_str();
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
  app.add_option("--catalog", catalog_tsv, "Track catalog TSV (default: the model's own)");
  app.add_option("--select", plan_options.selects, "Keep tracks with field=value (as s2f-predict)")->allow_extra_args(false);
  app.add_option("--heads", heads, "Comma-separated heads to write (default: all)");
  app.add_option("--crop", plan_options.crop, "Drop this many bins from each end of profile heads")->capture_default_str();
  app.add_option("-b,--batch-size", options.chunk, "Mutants per model call")->capture_default_str();
  app.add_option("--n-value", options.n_value, "One-hot value of every channel at an N")->capture_default_str();
  encode.add_options(app);

  return tool.run(argc, argv, [&](Run& run) {
    if (model.empty() && exec_command.empty()) fail_usage("give a model with --model FILE (or --model demo) or --exec CMD");
    if (naive && !exec_command.empty()) fail_usage("--naive is for native models; --exec models always run naive ISM");
    if (options.chunk < 1) fail_usage("--batch-size must be at least 1");
    if (options.start < 0) fail_usage("--start must be >= 0");
    if (options.end >= 0 && options.end <= options.start) fail_usage("--end must be greater than --start");
    if (attr && options.mutate_n_bases != 1)
      fail_usage("--attr needs single-base mutants", "drop --mutate-n-bases or set it to 1");
    if (!attr && (!target.empty() || project)) fail_usage("--target and --project go with --attr");
    if (!tsv.empty() && !hdf5.empty()) fail_usage("give --tsv or --hdf5, not both");
    if (exec_timeout <= 0) fail_usage("--exec-timeout must be positive");
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
    plan_options.heads = split_option_list({heads});
    if (model == "demo") model = S2F_DEMO_MODEL;

    std::unique_ptr<engine::ModelGraph> graph;
    if (!model.empty()) graph = std::make_unique<engine::ModelGraph>(engine::load_model(model));
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
      auto catalog = predict::choose_catalog(catalog_tsv, model_heads, embedded);
      if (attr)
        out_options.target = ism::parse_target(target.empty() ? model_heads.back().name : target, model_heads, catalog);
      auto plan = predict::plan_tracks(model_heads, catalog, plan_options);
      out = std::make_unique<ism::IsmOutput>(in->header(), std::move(plan), out_options, run, model_meta);
      return *out;
    };
    if (!exec_command.empty()) {
      ism::ism_exec(*in, exec_command, exec_timeout, options,
                    [&](const std::vector<predict::ModelHeadInfo>& h, const catalog::TrackCatalog* c) -> ism::IsmSink& {
                      return make_output(h, c, nlohmann::json{{"format", "exec"}, {"command", exec_command}});
                    },
                    run);
    } else {
      auto embedded = predict::embedded_catalog(*graph);
      auto& sink = make_output(predict::heads_of_model(*graph), embedded.get(), predict::model_identity(model, *graph));
      auto compiled = std::make_shared<engine::CompiledModel>(*graph);
      std::vector<bool> read(graph->heads.size(), false);
      for (const auto& name : sink.heads_read())
        for (size_t h = 0; h < graph->heads.size(); ++h) read[h] = read[h] || graph->heads[h].name == name;
      ism::MutantPredictor predictor(compiled, naive, options.n_value, read);
      ism::ism_native(*in, predictor, options, sink, run);
    }
    encoder.wait_success();
    if (!out) fail_input("the --exec command wrote no header", exec_command);
    out->finish();
    return 0;
  });
}
