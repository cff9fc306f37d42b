// s2f-merge-cdfs: merge reservoir shards (any number per kind: effect,
// summary, perbin) into per-track percentile CDFs, written as
// NAME_pertrack.npz in the layout the chorus normaliser reads (and as HDF5
// with --hdf5). The algorithm is documented in background/reservoir_merge.hpp
// and background/cdf.hpp.
#include <string>
#include <vector>

#include "s2f/background/cdf_builder.hpp"
#include "s2f/error.hpp"
#include "s2f/defaults.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::background;

int main(int argc, char** argv) {
  Tool tool("merge-cdfs", "Merge reservoir shards into per-track percentile CDFs (.npz)",
            "s2f-merge-cdfs --name enformer --out-dir backgrounds effect.*.res.s2f summary.*.res.s2f perbin.*.res.s2f\n"
            "  (--seed, default " + std::to_string(defaults::reservoir_seed) + ", only matters for shards that were full; the merge is then a\n"
            "  uniform sample of their union, see background/reservoir_merge.hpp)");
  tool.use(Opt::Seed);
  std::vector<std::string> inputs;
  std::string name, out_dir = ".";
  bool hdf5 = false;
  size_t points = kCdfPoints;
  auto& app = tool.app();
  app.add_option("inputs", inputs, "Reservoir files from s2f-reservoir (any kinds, any number of shards)")->required();
  app.add_option("--name", name, "Output name: writes NAME_pertrack.npz")->required();
  app.add_option("--out-dir", out_dir,
                 "Directory for the outputs (s2f-score --cdf NAME looks in $S2F_BACKGROUNDS, else ~/.s2f/backgrounds)")->capture_default_str();
  app.add_flag("--hdf5", hdf5, "Also write NAME_pertrack.h5 with the same arrays");
  app.add_option("--points", points, "Percentile points per track")->capture_default_str();
  int64_t min_samples = defaults::min_background_samples;
  app.add_option("--min-samples", min_samples,
                 "Tracks with fewer values get an all-NaN row (no percentiles), named on stderr and in build_config")
      ->capture_default_str();
  tool.validate([&](const CommonOptions&) {
    if (points < 2) fail_usage("--points must be at least 2");
    if (min_samples < 1) fail_usage("--min-samples must be at least 1");
    if (name.empty() || name.find('/') != std::string::npos)
      fail_usage("--name must be a plain name (no '/'); use --out-dir for the directory");
  });

  return tool.run(argc, argv, [&](Run& run) {
    if (!run.opt.seed) run.opt.seed = defaults::reservoir_seed;
    CdfBuildOptions options;
    options.points = points;
    options.min_samples = min_samples;
    options.seed = *run.opt.seed;
    options.provenance = run.provenance();
    CdfBuilder builder(options);
    for (const auto& path : inputs) builder.add_input(path);
    run.records_in = inputs.size();

    const std::string base = (out_dir.empty() ? std::string(".") : out_dir) + "/" + name + "_pertrack";
    CdfArchives archives;
    archives.add(CdfArchive::npz(base + ".npz"));
    if (hdf5) archives.add(CdfArchive::hdf5(base + ".h5"));
    run.progress.set_total(builder.tracks() * builder.kinds());
    auto summary = builder.build(archives, [&](uint64_t done) { run.progress.tick(done); });
    run.records_out = builder.tracks();
    for (const auto& [kind, s] : summary)
      run.summary_extra += std::string(run.summary_extra.empty() ? "" : "; ") + kind_name(kind) + ": " +
                           std::to_string(s.files) + " files, " + std::to_string(s.exact_tracks) + " exact, " +
                           std::to_string(s.empty_tracks) + " empty";
    return 0;
  });
}
