#include "s2f/hits/call_hits_run.hpp"

#include <cmath>

#include "s2f/error.hpp"
#include "s2f/hits/fit_regions.hpp"
#include "s2f/hits/hit_outputs.hpp"
#include "s2f/hits/motif_set.hpp"
#include "s2f/hits/regions.hpp"

namespace s2f::hits {
namespace {

std::string detect_format(const std::string& path) {
  auto ends = [&](const char* s) {
    std::string e(s);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".npz")) return "npz";
  if (path == "-" || ends(".s2f")) return "stream";
  if (ends(".bw") || ends(".bigWig") || ends(".bigwig")) return "bigwig";
  fail_usage("cannot tell the layout of " + path + " from its name",
             "say --format npz, stream, chrombpnet, bpnet or bigwig");
}

std::string regions_format(const CallHitsRequest& o) {
  return o.format == "auto" ? detect_format(o.regions[0]) : o.format;
}

RegionSet load_regions(const CallHitsRequest& o) {
  const std::string format = regions_format(o);
  if (format != "chrombpnet" && format != "bpnet" && format != "bigwig" && o.regions.size() > 1)
    fail_usage("only attribution HDF5 inputs (chrombpnet, bpnet) and bigWigs may be several files (they are averaged)");
  if (format != "bigwig" && !o.genome.empty())
    fail_usage("--genome is for bigWig contributions (the one-hot sequence); the other layouts carry it");
  if (format == "bigwig") {
    std::vector<std::string> order;
    if (!o.chrom_order.empty()) order = read_chrom_order(o.chrom_order);
    return load_regions_bigwig(o.regions, o.peaks, o.genome, o.region_width, order);
  }
  if (format == "npz") return load_regions_npz(o.regions[0]);
  if (format == "stream") return load_regions_stream(o.regions[0]);
  if (format == "chrombpnet") return load_chrombpnet_h5(o.regions, o.region_width);
  return load_bpnet_h5(o.regions, o.region_width);
}

MotifSet load_motifs(const CallHitsRequest& o) {
  ModiscoOptions mo;
  mo.kind = o.mode[0] == 'h' ? MotifKind::hypothetical_cwm : MotifKind::cwm;
  mo.trim_threshold = o.trim_threshold;
  mo.lambda_default = o.lambda;
  if (!o.motifs_include.empty()) mo.include = read_name_list(o.motifs_include, &mo.include_lines);
  if (!o.motif_names.empty()) mo.rename = read_name_map(o.motif_names, &mo.rename_lines);
  if (!o.motif_lambdas.empty()) mo.lambdas = read_lambda_map(o.motif_lambdas, &mo.lambda_lines);
  if (!o.trim_thresholds.empty())
    for (auto& [k, v] : read_lambda_map(o.trim_thresholds, &mo.trim_lines)) mo.trim_thresholds[k] = v;
  return load_modisco_motifs(o.modisco, mo);
}

// Coordinates from --peaks, or the regions' own ranked by --chrom-order.
void place_regions(const CallHitsRequest& o, RegionSet& regions) {
  if (regions_format(o) == "bigwig") return;  // placed by their peaks when loaded
  if (!o.peaks.empty()) {
    std::vector<std::string> order;
    if (!o.chrom_order.empty()) order = read_chrom_order(o.chrom_order);
    regions.attach(read_narrowpeak(o.peaks, static_cast<int64_t>(regions.length() / 2), order), o.peaks);
  } else if (!o.chrom_order.empty() && regions.peaks.has_coordinates) {
    regions.peaks.rank_chromosomes(read_chrom_order(o.chrom_order));
  }
  if (!regions.peaks.has_coordinates)
    warn("no region coordinates (give --peaks, or regions with chr/start): hits are placed relative to each region");
}

size_t warn_unconverged(const std::vector<RegionFit>& fits, const RegionSet& regions, int max_steps) {
  size_t unconverged = 0;
  for (size_t r = 0; r < fits.size(); ++r) {
    if (fits[r].status == FitStatus::converged) continue;
    if (++unconverged <= 20)
      warn("region " + std::to_string(r) + " (" + regions.peaks.name[r] + ") " +
           (fits[r].status == FitStatus::timeout
                ? "has not converged within --max-steps " + std::to_string(max_steps)
                : "failed: its step size fell below --step-size-min") +
           "; it is flagged converged=0 in peaks_qc.tsv");
  }
  if (unconverged > 20) warn(std::to_string(unconverged) + " regions did not converge in all (see peaks_qc.tsv)");
  return unconverged;
}

}  // namespace

void CallHitsRequest::check() {
  if (!(lambda > 0)) fail_usage("--global-lambda must be positive");
  if (!(trim_threshold >= 0 && trim_threshold <= 1)) fail_usage("--cwm-trim-threshold must be in [0, 1]");
  if (!(fit.step_size_max > fit.step_size_min && fit.step_size_min > 0))
    fail_usage("need 0 < --step-size-min < --step-size-max");
  if (!(fit.step_adjust > 0 && fit.step_adjust < 1)) fail_usage("--step-adjust must be in (0, 1)");
  if (fit.max_steps < 1) fail_usage("--max-steps must be at least 1");
  if (!(fit.convergence_tol > 0)) fail_usage("--convergence-tol must be positive");
  // A negative eps makes (sum of squares + eps)^-1/2 NaN where a motif covers
  // little signal; 0 is allowed, as in Fi-NeMo (the scale is capped at 10).
  if (!(fit.eps >= 0) || !std::isfinite(fit.eps)) fail_usage("--eps must be a finite number >= 0");
  fit.post_filter = !no_post_filter;
  fit.hypothetical = mode[1] == 'h';
}

void run_call_hits(const CallHitsRequest& o, Run& run) {
  MotifSet motifs = load_motifs(o);
  RegionSet regions = load_regions(o);
  regions.validate();
  if (o.fit.hypothetical && regions.channels() == 1)
    fail_usage("mode " + o.mode + " needs hypothetical contributions, but " + regions.source +
                   " holds projected (N, L) scores",
               "use --mode pp or hp");
  place_regions(o, regions);

  HitCaller caller(motifs, static_cast<int>(regions.length()), o.fit);
  run.records_in = regions.size();
  run.progress.set_total(regions.size());
  auto fits = fit_regions(caller, regions, [&](size_t done) { run.progress.tick(done); });
  run.progress.finish();
  const size_t unconverged = warn_unconverged(fits, regions, o.fit.max_steps);

  const size_t hits = write_hit_outputs(o, CallResults{motifs, regions, fits, unconverged}, run);
  run.records_out = hits;
  run.summary_extra = " regions " + std::to_string(regions.size()) + " hits " + std::to_string(hits) +
                      " unconverged " + std::to_string(unconverged);
}

}  // namespace s2f::hits
