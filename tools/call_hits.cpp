// s2f-call-hits: where are the motif instances the model uses? Fi-NeMo's
// hit caller on CPU: motifs from a tfmodisco-lite file, contribution scores
// from a regions .npz, ChromBPNet/BPNet attribution HDF5 or an s2f
// contribution stream; Fi-NeMo's output files in -o DIR.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/hits/fit_regions.hpp"
#include "s2f/hits/hit_caller.hpp"
#include "s2f/hits/hit_tables.hpp"
#include "s2f/hits/motif_set.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/text.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::hits;

namespace {

struct CallHitsOptions {
  std::vector<std::string> regions;
  std::string format = "auto", modisco, peaks, chrom_order, out_dir, mode = "pp";
  std::string motifs_include, motif_names, motif_lambdas, trim_thresholds, hits_stream;
  double trim_threshold = 0.3;
  float lambda = 0.7f;
  size_t region_width = 1000;
  FitSettings fit;
  bool no_post_filter = false;
};

std::string detect_format(const std::string& path) {
  auto ends = [&](const char* s) {
    std::string e(s);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".npz")) return "npz";
  if (path == "-" || ends(".s2f")) return "stream";
  fail_usage("cannot tell the layout of " + path + " from its name",
             "say --format npz, stream, chrombpnet or bpnet");
}

RegionSet load_regions(const CallHitsOptions& o) {
  std::string format = o.format == "auto" ? detect_format(o.regions[0]) : o.format;
  if (format != "chrombpnet" && format != "bpnet" && o.regions.size() > 1)
    fail_usage("only attribution HDF5 inputs (chrombpnet, bpnet) may be several files (they are averaged)");
  if (format == "npz") return load_regions_npz(o.regions[0]);
  if (format == "stream") return load_regions_stream(o.regions[0]);
  if (format == "chrombpnet") return load_chrombpnet_h5(o.regions, o.region_width);
  return load_bpnet_h5(o.regions, o.region_width);
}

// A float option as the number it was typed as (0.7, not 0.699999988).
double as_typed(float v) {
  std::string s;
  stream::append_float(s, v, true);
  return std::stod(s);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("call-hits", "Call motif instances in contribution scores (Fi-NeMo's algorithm, on CPU)",
            "s2f-call-hits -r regions.npz -m modisco.h5 -p peaks.narrowPeak -o hits/ -t 8\n"
            "  s2f-ism --attr ... | s2f-call-hits -r - -m modisco.h5 -o hits/ --hits-stream hits.s2f");
  tool.use(Opt::Threads | Opt::Compress);
  CallHitsOptions o;
  auto& app = tool.app();
  app.add_option("-r,--regions", o.regions, "Regions: Fi-NeMo .npz, s2f contribution stream (- = stdin), or "
                                            "ChromBPNet/BPNet attribution .h5 (several are averaged)")
      ->required();
  app.add_option("--format", o.format, "Layout of --regions: auto (by extension), npz, stream, chrombpnet, bpnet")
      ->check(CLI::IsMember({"auto", "npz", "stream", "chrombpnet", "bpnet"}))
      ->capture_default_str();
  app.add_option("-m,--modisco-h5", o.modisco, "tfmodisco-lite results (.h5) with the motifs")->required();
  app.add_option("-p,--peaks", o.peaks, "narrowPeak file giving the regions' coordinates (one peak per region, "
                                        "regions centred on summits)");
  app.add_option("--chrom-order", o.chrom_order, "Chromosome order for sorting outputs (one name per line)");
  app.add_option("-o,--out-dir", o.out_dir, "Output directory")->required();
  app.add_option("-M,--mode", o.mode, "Motif and contribution types: pp, ph, hp, hh (p = projected/CWM, "
                                      "h = hypothetical/hCWM; first letter motifs, second contributions)")
      ->check(CLI::IsMember({"pp", "ph", "hp", "hh"}))
      ->capture_default_str();
  app.add_option("-l,--global-lambda", o.lambda, "L1 penalty and similarity threshold of every motif")
      ->capture_default_str();
  app.add_option("-L,--motif-lambdas", o.motif_lambdas, "TSV: pattern name, lambda (overrides --global-lambda)");
  app.add_option("-I,--motifs-include", o.motifs_include, "Only these patterns (one name per line, e.g. "
                                                          "pos_patterns.pattern_0)");
  app.add_option("-N,--motif-names", o.motif_names, "TSV: pattern name, new name");
  app.add_option("--cwm-trim-threshold", o.trim_threshold, "Trim motif columns below this fraction of the "
                                                           "largest column's sum |cwm|")
      ->capture_default_str();
  app.add_option("--cwm-trim-thresholds", o.trim_thresholds, "TSV: motif name, trim threshold");
  app.add_option("--region-width", o.region_width, "Central bases kept from attribution HDF5 inputs")
      ->capture_default_str();
  app.add_option("--step-size-max", o.fit.step_size_max, "Initial step size")->capture_default_str();
  app.add_option("--step-size-min", o.fit.step_size_min, "A region fails when its step size falls below this")
      ->capture_default_str();
  app.add_option("--step-adjust", o.fit.step_adjust, "Step size factor after a region diverges")
      ->capture_default_str();
  app.add_option("--convergence-tol", o.fit.convergence_tol, "Duality gap per base at which a region is done")
      ->capture_default_str();
  app.add_option("--max-steps", o.fit.max_steps, "Steps before a region times out")->capture_default_str();
  app.add_flag("--sqrt-transform", o.fit.sqrt_transform, "Signed square root of contributions and CWMs");
  app.add_flag("--no-post-filter", o.no_post_filter, "Keep hits whose similarity is below lambda");
  app.add_option("--hits-stream", o.hits_stream, "Also write the hits as an s2f stream here (- = stdout)");

  return tool.run(argc, argv, [&](Run& run) {
    if (!(o.lambda > 0)) fail_usage("--global-lambda must be positive");
    if (!(o.trim_threshold >= 0 && o.trim_threshold <= 1)) fail_usage("--cwm-trim-threshold must be in [0, 1]");
    if (!(o.fit.step_size_max > o.fit.step_size_min && o.fit.step_size_min > 0))
      fail_usage("need 0 < --step-size-min < --step-size-max");
    if (!(o.fit.step_adjust > 0 && o.fit.step_adjust < 1)) fail_usage("--step-adjust must be in (0, 1)");
    if (o.fit.max_steps < 1) fail_usage("--max-steps must be at least 1");
    if (!(o.fit.convergence_tol > 0)) fail_usage("--convergence-tol must be positive");
    o.fit.post_filter = !o.no_post_filter;
    o.fit.hypothetical = o.mode[1] == 'h';

    ModiscoOptions mo;
    mo.kind = o.mode[0] == 'h' ? MotifKind::hypothetical_cwm : MotifKind::cwm;
    mo.trim_threshold = o.trim_threshold;
    mo.lambda_default = o.lambda;
    if (!o.motifs_include.empty()) mo.include = read_name_list(o.motifs_include);
    if (!o.motif_names.empty()) mo.rename = read_name_map(o.motif_names);
    if (!o.motif_lambdas.empty()) mo.lambdas = read_lambda_map(o.motif_lambdas);
    if (!o.trim_thresholds.empty())
      for (auto& [k, v] : read_lambda_map(o.trim_thresholds)) mo.trim_thresholds[k] = v;
    MotifSet motifs = load_modisco_motifs(o.modisco, mo);

    RegionSet regions = load_regions(o);
    const size_t length = regions.length();
    regions.validate();
    if (o.fit.hypothetical && regions.channels() == 1)
      fail_usage("mode " + o.mode + " needs hypothetical contributions, but " + regions.source +
                     " holds projected (N, L) scores",
                 "use --mode pp or hp");
    if (!o.peaks.empty()) {
      std::vector<std::string> order;
      if (!o.chrom_order.empty()) order = read_chrom_order(o.chrom_order);
      regions.attach(read_narrowpeak(o.peaks, static_cast<int64_t>(length / 2), order), o.peaks);
    } else if (!o.chrom_order.empty() && regions.peaks.has_coordinates) {
      regions.peaks.rank_chromosomes(read_chrom_order(o.chrom_order));
    }
    if (!regions.peaks.has_coordinates)
      warn("no region coordinates (give --peaks, or regions with chr/start): hits are placed relative to each region");

    HitCaller caller(motifs, static_cast<int>(length), o.fit);
    run.records_in = regions.size();
    run.progress.set_total(regions.size());
    auto fits = fit_regions(caller, regions, [&](size_t done) { run.progress.tick(done); });
    run.progress.finish();

    size_t unconverged = 0;
    for (size_t r = 0; r < fits.size(); ++r) {
      if (fits[r].status == FitStatus::converged) continue;
      if (++unconverged <= 20)
        warn("region " + std::to_string(r) + " (" + regions.peaks.name[r] + ") " +
             (fits[r].status == FitStatus::timeout
                  ? "has not converged within --max-steps " + std::to_string(o.fit.max_steps)
                  : "failed: its step size fell below --step-size-min") +
             "; it is flagged converged=0 in peaks_qc.tsv");
    }
    if (unconverged > 20) warn(std::to_string(unconverged) + " regions did not converge in all (see peaks_qc.tsv)");

    std::filesystem::create_directories(o.out_dir);
    auto out = [&](const char* name) { return (std::filesystem::path(o.out_dir) / name).string(); };
    auto hits = collect_hits(fits, motifs, regions.peaks);
    auto unique = unique_hits(hits, motifs, regions.peaks);
    write_hits_tsv(out("hits.tsv"), hits, nullptr, motifs, regions.peaks);
    write_hits_tsv(out("hits_unique.tsv"), hits, &unique, motifs, regions.peaks);
    write_hits_bed(out("hits.bed"), hits, unique, motifs, regions.peaks);
    write_peaks_qc(out("peaks_qc.tsv"), fits, regions.peaks);
    write_motif_data(out("motif_data.tsv"), motifs);
    write_motif_cwms(out("motif_cwms.npy"), motifs);

    nlohmann::json params = {
        {"regions", o.regions},
        {"regions_format", o.format},
        {"peaks", o.peaks.empty() ? nlohmann::json() : nlohmann::json(o.peaks)},
        {"modisco_h5", o.modisco},
        {"chrom_order", o.chrom_order.empty() ? nlohmann::json() : nlohmann::json(o.chrom_order)},
        {"motifs_include", o.motifs_include.empty() ? nlohmann::json() : nlohmann::json(o.motifs_include)},
        {"motif_names", o.motif_names.empty() ? nlohmann::json() : nlohmann::json(o.motif_names)},
        {"motif_lambdas", o.motif_lambdas.empty() ? nlohmann::json() : nlohmann::json(o.motif_lambdas)},
        {"cwm_trim_threshold_default", o.trim_threshold},
        {"lambda_default", as_typed(o.lambda)},
        {"mode", o.mode},
        {"step_size_max", as_typed(o.fit.step_size_max)},
        {"step_size_min", as_typed(o.fit.step_size_min)},
        {"step_adjust", as_typed(o.fit.step_adjust)},
        {"convergence_tol", as_typed(o.fit.convergence_tol)},
        {"max_steps", o.fit.max_steps},
        {"sqrt_transform", o.fit.sqrt_transform},
        {"no_post_filter", o.no_post_filter},
        {"region_width", length},
        {"num_regions", regions.size()},
        {"untrimmed_motif_width", motifs.width()},
        {"num_motifs", motifs.size()},
        {"num_hits", hits.size()},
        {"num_unconverged", unconverged},
        {"provenance", run.provenance()},
    };
    TextOutput pj(out("parameters.json"));
    pj.write(params.dump(4) + "\n");
    pj.commit();

    if (!o.hits_stream.empty()) {
      stream::Header h = stream::make_header(stream::kind::hits, stream::hits_schema(), run.provenance());
      h.meta["geometry"] = {{"region_width", length}, {"untrimmed_motif_width", motifs.width()}, {"mode", o.mode}};
      auto sink = ByteSink::open(o.hits_stream);
      stream::WriterOptions wo;
      wo.zstd_level = stream::zstd_level_for(run.opt.zstd_level, *sink);
      stream::Writer writer(std::move(sink), std::move(h), wo);
      write_hits_stream(writer, hits, motifs, regions.peaks);
      writer.finish();
    }
    run.records_out = hits.size();
    run.summary_extra = " regions " + std::to_string(regions.size()) + " hits " + std::to_string(hits.size()) +
                        " unconverged " + std::to_string(unconverged);
    return 0;
  });
}
