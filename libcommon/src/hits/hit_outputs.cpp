#include "s2f/hits/hit_outputs.hpp"

#include <filesystem>

#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/text.hpp"
#include "s2f/utf8.hpp"

namespace s2f::hits {
namespace {

// A float option as the number it was typed as (0.7, not 0.699999988).
double as_typed(float v) {
  std::string s;
  stream::append_float(s, v, true);
  return std::stod(s);
}

nlohmann::json optional_path(const std::string& p) { return p.empty() ? nlohmann::json() : nlohmann::json(p); }

// parameters.json: Fi-NeMo's record of the call, plus provenance.
nlohmann::json parameters(const CallHitsRequest& o, const CallResults& r, size_t n_hits, const Run& run) {
  return {
      {"regions", o.regions},
      {"regions_format", o.format},
      {"peaks", optional_path(o.peaks)},
      {"modisco_h5", o.modisco},
      {"chrom_order", optional_path(o.chrom_order)},
      {"motifs_include", optional_path(o.motifs_include)},
      {"motif_names", optional_path(o.motif_names)},
      {"motif_lambdas", optional_path(o.motif_lambdas)},
      {"cwm_trim_threshold_default", o.trim_threshold},
      {"lambda_default", as_typed(o.lambda)},
      {"mode", o.mode},
      {"step_size_max", as_typed(o.fit.step_size_max)},
      {"step_size_min", as_typed(o.fit.step_size_min)},
      {"step_adjust", as_typed(o.fit.step_adjust)},
      {"convergence_tol", as_typed(o.fit.convergence_tol)},
      {"max_steps", o.fit.max_steps},
      {"eps", as_typed(o.fit.eps)},
      {"sqrt_transform", o.fit.sqrt_transform},
      {"no_post_filter", o.no_post_filter},
      {"region_width", r.regions.length()},
      {"num_regions", r.regions.size()},
      {"untrimmed_motif_width", r.motifs.width()},
      {"num_motifs", r.motifs.size()},
      {"num_hits", n_hits},
      {"num_unconverged", r.unconverged},
      {"provenance", run.provenance()},
  };
}

void write_stream(const CallHitsRequest& o, const CallResults& r, const std::vector<HitRecord>& hits, const Run& run) {
  stream::Header h = stream::make_header(stream::kind::hits, stream::hits_schema(), run.provenance());
  h.meta["geometry"] = {
      {"region_width", r.regions.length()}, {"untrimmed_motif_width", r.motifs.width()}, {"mode", o.mode}};
  auto sink = ByteSink::open(o.hits_stream);
  stream::WriterOptions wo;
  wo.zstd_level = stream::zstd_level_for(run.opt.zstd_level, *sink);
  stream::Writer writer(std::move(sink), std::move(h), wo);
  write_hits_stream(writer, hits, r.motifs, r.regions.peaks);
  writer.finish();
}

}  // namespace

size_t write_hit_outputs(const CallHitsRequest& o, const CallResults& r, Run& run) {
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec || !std::filesystem::is_directory(o.out_dir))
    fail_io("cannot create the output directory: " + (ec ? ec.message() : std::string("not a directory")), o.out_dir,
            "give -o a directory you can write to");
  auto out = [&](const char* name) { return (std::filesystem::path(o.out_dir) / name).string(); };
  // parameters.json is the workflow's done marker: it appears after every
  // other output (the run's OutputSet renames them all at the end).
  if (auto* set = OutputSet::current()) set->rename_last(out("parameters.json"));
  const PeakTable& peaks = r.regions.peaks;
  auto hits = collect_hits(r.fits, r.motifs, peaks);
  auto unique = unique_hits(hits, r.motifs, peaks);
  write_hits_tsv(out("hits.tsv"), hits, nullptr, r.motifs, peaks);
  write_hits_tsv(out("hits_unique.tsv"), hits, &unique, r.motifs, peaks);
  write_hits_bed(out("hits.bed"), hits, unique, r.motifs, peaks);
  write_peaks_qc(out("peaks_qc.tsv"), r.fits, peaks);
  write_motif_data(out("motif_data.tsv"), r.motifs);
  write_motif_cwms(out("motif_cwms.npy"), r.motifs);
  if (!o.hits_stream.empty()) write_stream(o, r, hits, run);
  TextOutput pj(out("parameters.json"));
  pj.write(dump_json(parameters(o, r, hits.size(), run), 4) + "\n");
  pj.commit();
  return hits.size();
}

}  // namespace s2f::hits
