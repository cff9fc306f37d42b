// s2f-predict: sequence windows in, named model outputs out. The model is
// an s2f model file, a Keras .h5 or architecture JSON + weights read
// directly (formats/MODELS.md), or any program run with --exec that speaks
// the stream format on stdin/stdout. The run itself is
// predict::run_predict (libcommon/src/predict/predict_request.cpp).
#include "s2f/cli/stage_options.hpp"
#include "s2f/predict/predict_request.hpp"
#include "s2f/tool.hpp"

using namespace s2f;

int main(int argc, char** argv) {
  Tool tool("predict", "Run a sequence model over a stream of sequence windows",
            "s2f-encode --genome ref.fa --bed peaks.bed -L 2114 \\\n"
            "    | s2f-predict --model chrombpnet.h5 --rc mean -t 2 -o preds.s2f\n"
            "  s2f-predict --model demo --select strand=+ windows.s2f | s2f-view --head 2\n"
            "  s2f-predict -m splice.h5 --fasta-records seqs.fa -L 15000 -o preds.s2f   # free-length Keras model\n"
            "  s2f-predict -m model.json --weights weights.h5 windows.s2f > preds.s2f    # Keras to_json + save_weights\n"
            "  s2f-predict --model demo --sequences seqs.txt -o preds.s2f   # one SEQ or ID<TAB>SEQ per line\n"
            "  s2f-predict -m fold_0.h5 -m fold_1.h5 -m fold_2.h5 windows.s2f -o preds.s2f  # an ensemble: the mean\n"
            "  s2f-predict -m chrombpnet_folds/ windows.s2f -o preds.s2f   # every model file of a fold directory\n"
            "  s2f-predict -m bpnet.h5 --rc mean --strand-pairs profile:0-1 windows.s2f > preds.s2f  # + and - tracks\n"
            "  s2f-predict -m old.s2fm --n-value 0 windows.s2f > preds.s2f   # a model that records no N value\n"
            "  s2f-predict --exec 'python3 my_adapter.py' windows.s2f > preds.s2f   # any model (formats/EXEC.md)");
  tool.use(Opt::Output | Opt::Threads | Opt::Compress | Opt::Seed);
  predict::PredictRequest o;
  auto& app = tool.app();
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin)")->capture_default_str();
  cli::add_model_options(app, o.model);
  cli::add_track_plan_options(app, o.plan);
  app.add_option("--dtype", o.dtype, "Output values: f32 or f16")->capture_default_str()->check(CLI::IsMember({"f32", "f16"}));
  cli::add_strand_options(app, o.strand);
  cli::add_encode_inputs(app, o.encode);  // genomic inputs, encoded on the way in (same code as s2f-encode)
  cli::add_null_option(app, o.encode.null);

  app.footer(
      "Ensembles: several -m (or a directory of one model's folds, name order) run as one model whose every\n"
      "head is the members' mean: the mean of profile logits, of log-counts, of scalar outputs, as each model\n"
      "outputs them (not the logit of the mean probability). Members must agree on input length and heads;\n"
      "k models cost k times the compute. meta.model lists each member's hash (formats/MODELS.md, Ensembles).\n\n" +
      app.get_footer());
  return tool.run(argc, argv, [&](Run& run) {
    predict::run_predict(o, run);
    return 0;
  });
}
