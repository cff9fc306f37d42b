// s2f-call-hits: where are the motif instances the model uses? Fi-NeMo's
// hit caller on CPU: motifs from a tfmodisco-lite file, contribution scores
// from a regions .npz, ChromBPNet/BPNet attribution HDF5, an s2f
// contribution stream or contribution bigWigs with their peaks and genome;
// Fi-NeMo's output files in -o DIR.
#include "s2f/hits/call_hits_run.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::hits;

int main(int argc, char** argv) {
  Tool tool("call-hits", "Call motif instances in contribution scores (Fi-NeMo's algorithm, on CPU)",
            "s2f-call-hits -r regions.npz -m modisco.h5 -p peaks.narrowPeak -o hits/ -t 8\n"
            "  s2f-ism --attr ... | s2f-call-hits -r - -m modisco.h5 -o hits/ --hits-stream hits.s2f\n"
            "  s2f-call-hits -r contrib.bw -p peaks.narrowPeak -g hg38.fa --region-width 1000 -m modisco.h5 -o hits/\n"
            "bigWig contributions (Fi-NeMo's extract-regions-bw): regions of --region-width bp centred on each peak's\n"
            "summit (BED: midpoint), projected contributions from the bigWig(s), averaged, no data = 0; the one-hot\n"
            "sequence from --genome; modes pp and hp (a bigWig holds no hypothetical contributions).\n"
            "Memory is not flat: all regions are held at once, ~N x L x 4 x 4 B of float32 contributions (half for float16) plus their hits: 36k regions of 1 kb ~ 0.6 GB; split --regions to bound it.");
  tool.use(Opt::Threads | Opt::Compress);
  CallHitsRequest o;
  auto& app = tool.app();
  app.add_option("-r,--regions", o.regions, "Regions: Fi-NeMo .npz, s2f contribution stream (- = stdin), "
                                            "ChromBPNet/BPNet attribution .h5 or contribution bigWigs (.bw; several are averaged)")
      ->required();
  app.add_option("--format", o.format, "Layout of --regions: auto (by extension), npz, stream, chrombpnet, bpnet, bigwig")
      ->check(CLI::IsMember({"auto", "npz", "stream", "chrombpnet", "bpnet", "bigwig"}))
      ->capture_default_str();
  app.add_option("-m,--modisco-h5", o.modisco, "tfmodisco-lite results (.h5) with the motifs; a pattern with a NaN/inf value is refused, "
                 "one whose CWM is all zero is left out with a warning")->required();
  app.add_option("-p,--peaks", o.peaks, "narrowPeak file giving the regions' coordinates (one peak per region, "
                                        "regions centred on summits); with bigWigs, the regions (narrowPeak or BED)");
  app.add_option("-g,--genome", o.genome, "Genome FASTA: the sequence of bigWig regions");
  app.add_option("--chrom-order", o.chrom_order, "Chromosome order for sorting outputs (one name per line)");
  app.add_option("-o,--out-dir", o.out_dir, "Output directory")->required();
  app.add_option("-M,--mode", o.mode, "Motif and contribution types: pp, ph, hp, hh (p = projected/CWM, "
                                      "h = hypothetical/hCWM; first letter motifs, second contributions)")
      ->check(CLI::IsMember({"pp", "ph", "hp", "hh"}))
      ->capture_default_str();
  app.add_option("-l,--global-lambda", o.lambda, "L1 penalty and similarity threshold of every motif")
      ->capture_default_str();
  app.add_option("-L,--motif-lambdas", o.motif_lambdas, "TSV: pattern name, lambda (overrides --global-lambda); every name must be a pattern of -m, once");
  app.add_option("-I,--motifs-include", o.motifs_include, "Only these patterns (one name per line, e.g. "
                                                          "pos_patterns.pattern_0)");
  app.add_option("-N,--motif-names", o.motif_names, "TSV: pattern name, new name; every name must be a pattern of -m, once");
  app.add_option("--cwm-trim-threshold", o.trim_threshold, "Trim motif columns below this fraction of the "
                                                           "largest column's sum |cwm|")
      ->capture_default_str();
  app.add_option("--cwm-trim-thresholds", o.trim_thresholds, "TSV: motif name, trim threshold");
  app.add_option("--region-width", o.region_width, "Central bases kept from attribution HDF5 inputs; width of bigWig regions")
      ->capture_default_str();
  app.add_option("--step-size-max", o.fit.step_size_max, "Initial step size")->capture_default_str();
  app.add_option("--step-size-min", o.fit.step_size_min, "A region fails when its step size falls below this")
      ->capture_default_str();
  app.add_option("--step-adjust", o.fit.step_adjust, "Step size factor after a region diverges")
      ->capture_default_str();
  app.add_option("--convergence-tol", o.fit.convergence_tol, "Duality gap per base at which a region is done")
      ->capture_default_str();
  app.add_option("--max-steps", o.fit.max_steps, "Steps before a region times out")->capture_default_str();
  app.add_option("--eps", o.fit.eps, "Added to the sum of squared contributions under a motif before the importance "
                                     "scale (sum + eps)^-1/2 is taken (capped at 10): keeps low-signal stretches from "
                                     "being scaled up; Fi-NeMo's fit_contribs eps")
      ->capture_default_str();
  app.add_flag("--sqrt-transform", o.fit.sqrt_transform, "Signed square root of contributions and CWMs");
  app.add_flag("--no-post-filter", o.no_post_filter, "Keep hits whose similarity is below lambda");
  app.add_option("--hits-stream", o.hits_stream, "Also write the hits as an s2f stream here (- = stdout)");

  return tool.run(argc, argv, [&](Run& run) {
    o.check();
    run_call_hits(o, run);
    return 0;
  });
}
