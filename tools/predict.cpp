// s2f-predict: sequence windows in, named model outputs out. The model is
// an s2f model file, a Keras .h5 read directly, or any program run with
// --exec that speaks the stream format on stdin/stdout.
#include <cstdio>
#include <filesystem>
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
#include "s2f/predict/runners.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/tool.hpp"

#ifndef S2F_DEMO_MODEL
#define S2F_DEMO_MODEL ""
#endif

using namespace s2f;

namespace {

struct PredictOptions {
  std::string input = "-";
  // Convenience inputs, encoded by running s2f-encode (the same code) as a child.
  std::string genome, bed, vcf, narrowpeak, fasta_records, na;
  int64_t length = 0;
  std::optional<int64_t> variant_index;
  int strand_column = 0;
  std::string model, exec_command, catalog, dtype = "f32", rc = "none";
  double exec_timeout = 600;
  predict::TrackPlanOptions plan;
  std::string heads;
  predict::RunnerOptions runner;
};

std::vector<predict::ModelHeadInfo> heads_of_model(const engine::ModelGraph& g) {
  std::vector<predict::ModelHeadInfo> heads;
  for (const auto& h : g.heads) {
    const auto& shape = g.nodes[static_cast<size_t>(h.node)].shape;
    heads.push_back({h.name, h.kind == engine::HeadKind::profile, shape.channels, shape.length, h.bin_size});
  }
  return heads;
}

catalog::TrackCatalog choose_catalog(const PredictOptions& o, const std::vector<predict::ModelHeadInfo>& heads,
                                     const catalog::TrackCatalog* embedded) {
  catalog::LoadOptions lo;
  lo.keep_padding = true;  // the plan strips padding unless --include-padding
  if (!o.catalog.empty()) return catalog::TrackCatalog::load_tsv(o.catalog, lo);
  if (embedded) return *embedded;
  return predict::default_catalog(heads);
}

// s2f-encode lives next to s2f-predict (build tree or install prefix).
std::string sibling_tool(const std::string& name) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto candidate = self.parent_path() / name;
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return name;  // from PATH
}

bool wants_encoding(const PredictOptions& o) {
  return !o.bed.empty() || !o.vcf.empty() || !o.narrowpeak.empty() || !o.fasta_records.empty();
}

// The s2f-encode command line for the convenience inputs.
std::string encode_command(const PredictOptions& o, int64_t length) {
  std::vector<std::string> args = {sibling_tool("s2f-encode"), "-q", "-L", std::to_string(length), "--zstd", "0"};
  if (!o.genome.empty()) args.insert(args.end(), {"-g", o.genome});
  if (!o.bed.empty()) args.insert(args.end(), {"--bed", o.bed});
  if (!o.vcf.empty()) args.insert(args.end(), {"--vcf", o.vcf});
  if (!o.narrowpeak.empty()) args.insert(args.end(), {"--narrowpeak", o.narrowpeak});
  if (!o.fasta_records.empty()) args.insert(args.end(), {"--fasta-records", o.fasta_records});
  if (!o.na.empty()) args.insert(args.end(), {"--na", o.na});
  if (o.variant_index) args.insert(args.end(), {"--variant-index", std::to_string(*o.variant_index)});
  if (o.strand_column) args.insert(args.end(), {"--strand-column", std::to_string(o.strand_column)});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return quote_command_line(static_cast<int>(argv.size()), argv.data());
}

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
  auto* m = app.add_option("-m,--model", o.model, "s2f model file, Keras .h5, or 'demo' for the bundled demo model");
  auto* e = app.add_option("--exec", o.exec_command, "Run this command as the model (stream in on stdin, out on stdout)");
  m->excludes(e);
  app.add_option("--exec-timeout", o.exec_timeout, "Kill an --exec model that writes nothing for this many seconds")
      ->capture_default_str();
  app.add_option("--catalog", o.catalog, "Track catalog TSV (track_index, track_name, output_type, strand, ...)");
  app.add_option("--select", o.plan.selects, "Keep tracks with field=value (a,b = any of; field= = missing); repeatable, ANDed")
      ->allow_extra_args(false);
  app.add_option("--select-file", o.plan.select_file, "File of --select expressions, one per line");
  app.add_flag("--allow-empty", o.plan.allow_empty, "A selection matching nothing writes no tracks instead of failing");
  app.add_flag("--include-padding", o.plan.include_padding, "Keep padding tracks (track_name Padding)");
  app.add_option("--heads", o.heads, "Comma-separated heads to write (default: all)");
  app.add_option("--crop", o.plan.crop, "Drop this many bins from each end of profile heads")->capture_default_str();
  app.add_option("--dtype", o.dtype, "Output values: f32 or f16")->capture_default_str()->check(CLI::IsMember({"f32", "f16"}));
  app.add_option("--rc", o.rc, "Also predict the reverse complement and combine: none, mean, max")
      ->capture_default_str()->check(CLI::IsMember({"none", "mean", "max"}));
  app.add_option("-b,--batch-size", o.runner.batch_size, "Sequences per model call")->capture_default_str();
  app.add_option("--n-value", o.runner.n_value, "One-hot value of every channel at an N")->capture_default_str();
  // Convenience: encode genomic inputs on the way in (same code as s2f-encode).
  app.add_option("-g,--genome", o.genome, "Reference FASTA, for --bed/--vcf/--narrowpeak input");
  app.add_option("--bed", o.bed, "BED intervals, encoded as with s2f-encode --bed");
  app.add_option("--vcf", o.vcf, "VCF variants (ref and alt windows), as with s2f-encode --vcf");
  app.add_option("--narrowpeak", o.narrowpeak, "narrowPeak, windows centred on summits");
  app.add_option("--fasta-records", o.fasta_records, "FASTA records padded/cropped to the model's length");
  app.add_option("-L,--length", o.length, "Window length for encoded inputs (default: the model's input length)");
  app.add_option("--variant-index", o.variant_index, "As s2f-encode --variant-index");
  app.add_option("--strand-column", o.strand_column, "As s2f-encode --strand-column");
  app.add_option("--na", o.na, "Side file for records that cannot be encoded (as s2f-encode --na)");

  return tool.run(argc, argv, [&](Run& run) {
    if (o.model.empty() && o.exec_command.empty()) fail_usage("give a model with --model FILE (or --model demo) or --exec CMD");
    if (o.runner.batch_size < 1) fail_usage("--batch-size must be at least 1");
    if (o.plan.crop < 0) fail_usage("--crop must be >= 0");
    if (o.exec_timeout <= 0) fail_usage("--exec-timeout must be positive");
    o.plan.heads = split_option_list({o.heads});
    o.plan.dtype = o.dtype == "f16" ? stream::DType::f16 : stream::DType::f32;
    o.runner.rc = predict::parse_rc_mode(o.rc);
    if (o.model == "demo") o.model = S2F_DEMO_MODEL;

    if (wants_encoding(o) && o.input != "-") fail_usage("give either an input stream or --bed/--vcf/--narrowpeak/--fasta-records");
    if (!wants_encoding(o) && (!o.genome.empty() || !o.na.empty() || o.length))
      fail_usage("--genome, --na and -L go with --bed, --vcf, --narrowpeak or --fasta-records");
    std::unique_ptr<engine::ModelGraph> graph;
    if (!o.model.empty()) graph = std::make_unique<engine::ModelGraph>(engine::load_model(o.model));
    std::unique_ptr<ChildProcess> encoder;
    std::unique_ptr<stream::Reader> in;
    if (wants_encoding(o)) {
      int64_t length = o.length ? o.length : (graph ? graph->input_length : 0);
      if (length <= 0) fail_usage("-L/--length is needed to encode inputs for an --exec model");
      encoder = std::make_unique<ChildProcess>(encode_command(o, length), 0, "s2f-encode");
      encoder->take_stdin()->commit();  // s2f-encode reads its files, not stdin
      try {
        in = std::make_unique<stream::Reader>(encoder->take_stdout());
      } catch (const Error&) {
        encoder->wait_success();  // its own error message, when it failed
        throw;
      }
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

    if (!o.exec_command.empty()) {
      auto make_output = [&](const std::vector<predict::ModelHeadInfo>& heads, const catalog::TrackCatalog* child) {
        auto plan = predict::plan_tracks(heads, choose_catalog(o, heads, child), o.plan);
        auto out = std::make_unique<predict::TensorOutput>(
            in->header(), std::move(plan), run,
            nlohmann::json{{"format", "exec"}, {"command", o.exec_command}});
        announce(*out);
        return out;
      };
      predict::predict_exec(*in, o.exec_command, o.exec_timeout, make_output, o.runner, run);
      if (encoder) encoder->wait_success();
      return 0;
    }

    auto heads = heads_of_model(*graph);
    std::unique_ptr<catalog::TrackCatalog> embedded;
    if (graph->metadata.contains("tracks"))
      embedded = std::make_unique<catalog::TrackCatalog>(catalog::TrackCatalog::from_json(graph->metadata["tracks"]));
    auto plan = predict::plan_tracks(heads, choose_catalog(o, heads, embedded.get()), o.plan);
    nlohmann::json model_meta = {{"path", o.model},
                                 {"name", graph->name},
                                 {"format", graph->metadata.value("source_format", "s2f")},
                                 {"hash", graph->metadata.value("content_hash", "")},
                                 {"input_length", graph->input_length}};
    auto compiled = std::make_shared<engine::CompiledModel>(*graph);
    engine::Predictor predictor(compiled);
    predict::TensorOutput out(in->header(), std::move(plan), run, model_meta);
    announce(out);
    predict::predict_native(*in, predictor, out, o.runner, run);
    if (encoder) encoder->wait_success();
    out.finish();
    return 0;
  });
}
