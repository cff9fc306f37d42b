// s2f-attribute: contribution scores from the native engine's reverse pass:
// DeepSHAP (DeepLIFT multipliers against dinucleotide-shuffled references),
// gradients, or input x gradient, for one scalar target of the model. The
// run itself is attribute::run_attribute (libcommon/src/attribute/).
#include "s2f/attribute/attribute_request.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"

using namespace s2f;

int main(int argc, char** argv) {
  Tool tool("attribute", "Contribution scores: DeepSHAP, gradient or input x gradient, from the native engine",
            "s2f-encode -g ref.fa --narrowpeak peaks.narrowPeak -L 2114 \\\n"
            "    | s2f-attribute -m chrombpnet.h5 --target counts -t 2 --modisco out/counts -o contrib.s2f\n"
            "  s2f-call-hits -r contrib.s2f -m modisco.h5 -p peaks.narrowPeak -o hits/\n"
            "  s2f-attribute -m bpnet.s2fm --target profile --h5 profile_scores.h5 peaks.s2f -o contrib.s2f\n"
            "  s2f-attribute -m demo --fasta-records seqs.fa --method grad --project -o saliency.s2f");
  tool.use(Opt::Output | Opt::Threads | Opt::Seed | Opt::Compress | Opt::Shard);
  attribute::AttributeRequest o;
  auto& app = tool.app();
  app.footer(
      "Methods: deepshap (default) averages DeepLIFT multipliers over N references: the Rescale rule\n"
      "(Shrikumar et al. 2017) on every elementwise nonlinearity, the cross-maximum rule of SHAP's\n"
      "DeepExplainer (Lundberg & Lee 2017) on max pooling, logsumexp as exp, sum and log; linear layers\n"
      "pass gradients (rules in libcommon/include/s2f/engine/reverse_pass.hpp). grad is the gradient at\n"
      "the sequence (saliency), input-x-grad gradient x sequence. ISM scores: s2f-ism --attr.\n"
      "Hypothetical contributions: hyp[l,b] = mean_i (m_i[l,b] - sum_c m_i[l,c] r_i[l,c]) for\n"
      "multipliers m_i against reference r_i; projected = hyp x one-hot (--project writes these).\n"
      "References: --references N dinucleotide shuffles of each sequence (seeded by --seed and the record's\n"
      "place in the input: the same for any -t and --shard), or --reference-file refs.npy (N, L, 4) for\n"
      "every sequence, or --background zero|uniform (one all-0 or all-0.25 reference).\n"
      "Targets (--target HEAD[:TRACK|sum], default: the last head, every track): a scalar head's tracks\n"
      "summed; a profile head with --objective softmax (BPNet/ChromBPNet profile attributions):\n"
      "  t = sum_j w_j (l_j - mean_k l_k), l = the head's logits over the chosen tracks x bins,\n"
      "  w = softmax(l) of the explained sequence, held constant (the same w for every reference);\n"
      "or with --objective sum, the sum over tracks and bins.\n"
      "Convergence: for each reference, sum of m_i (x - r_i) = t(x) - t(r_i); the largest gap relative to\n"
      "max(|t(x)|, |t(r_i)|) is in the summary line, and a gap above --gap-warning warns.\n"
      "Outputs: a contributions stream (as s2f-ism --attr; s2f-call-hits reads it); --modisco PREFIX\n"
      "writes PREFIX.ohe.npz and PREFIX.shap.npz (arr_0, float32 (N, 4, L): tfmodisco-lite's\n"
      "`modisco motifs -s PREFIX.ohe.npz -a PREFIX.shap.npz`); --h5 FILE ChromBPNet's layout: raw/seq,\n"
      "shap/seq, projected_shap/seq, float32 (N, 4, L). Ensembles (several -m, a fold directory): the\n"
      "members' contributions are averaged (same references). Cost: about two forward passes a reference.\n\n" +
      app.get_footer());
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin)")->capture_default_str();
  cli::add_model_options(app, o.model, false);
  cli::add_attribution_options(app, o.attribution);
  app.add_flag("--project", o.project, "Write projected contributions (hypothetical x one-hot) in the stream");
  app.add_option("--modisco", o.modisco_prefix, "Also write PREFIX.ohe.npz and PREFIX.shap.npz (tfmodisco-lite)");
  app.add_option("--h5", o.h5, "Also write the ChromBPNet contribution .h5 (raw, shap, projected_shap)");
  cli::add_encode_inputs(app, o.encode);

  return tool.run(argc, argv, [&](Run& run) {
    attribute::run_attribute(o, run);
    return 0;
  });
}
