// s2f-sample-positions --strategy tile: the tile plan's --shard slice as a
// positions stream, and every requested base no tile covers (chromosome
// edges, regions off the genome) in the side file.
#include <cstdio>

#include "s2f/error.hpp"
#include "s2f/sampling/sampling_run.hpp"
#include "s2f/sampling/tiling.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/locus_records.hpp"

namespace s2f::sampling {

SamplingCounts write_tiles(const SamplingRequest& o, PositionSampler& sampler, const genome::ReferenceGenome& genome,
                           Run& run) {
  if (o.tile_length < 1) fail_usage("--strategy tile needs --tile-length (the model's output window in bp)",
                                    "s2f-model-info MODEL shows it: bins x bin size of the profile head");
  if (o.input_length < 1) fail_usage("--strategy tile needs --input-length (the model's input window in bp)",
                                     "s2f-model-info MODEL shows it");
  std::vector<RegionNote> notes;
  const TileGeometry geometry{o.tile_length, o.input_length};
  const TilePlan plan(sampler.tile_regions(notes), genome.contigs(), geometry);
  const auto& contigs = genome.contigs();
  auto [lo, hi] = run.opt.shard.range(plan.size());

  // Each note goes to one shard's side file: region lines to the first,
  // uncovered spans to the shard holding the next tile after them.
  const bool first = run.opt.shard.index == 0, last = run.opt.shard.index + 1 == run.opt.shard.count;
  if (first)
    for (const auto& n : notes) run.skips.skip(n.record, n.where, n.reason);
  for (const auto& u : plan.uncovered())
    if ((u.next_tile >= lo && u.next_tile < hi) || (last && u.next_tile == plan.size()))
      run.skips.skip(contigs[static_cast<size_t>(u.contig)].name + ":" + std::to_string(u.begin) + "-" +
                         std::to_string(u.end),
                     o.intervals.empty() ? genome.path() : o.intervals, u.reason);

  auto h = stream::make_header(stream::kind::positions, stream::positions_schema(), run.provenance());
  nlohmann::json sampling = {{"strategy", "tile"},
                             {"tile_length", o.tile_length},
                             {"input_length", o.input_length},
                             {"left_context", geometry.left_context()},
                             {"tiles", plan.size()}};
  if (!o.intervals.empty()) sampling.update({{"intervals", o.intervals}, {"flank", o.flank}});
  else if (!o.chromosomes.empty()) sampling["chromosomes"] = o.chromosomes;
  h.meta["sampling"] = sampling;
  h.meta["reference"] = genome.describe();
  auto w = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(h));
  stream::PositionAppender out(*w);
  plan.for_each(lo, hi, [&](int contig, int64_t start) {
    const std::string& chrom = contigs[static_cast<size_t>(contig)].name;
    out.append(chrom + ":" + std::to_string(start) + "-" + std::to_string(start + o.tile_length), chrom,
               geometry.anchor(start), '.', "tile", "");
  });
  w->finish();
  run.records_out = hi - lo;
  if (!run.opt.quiet)
    std::fprintf(stderr, "%s: tile %llu of %llu tiles of %lld bp (input %lld bp); %llu of %llu requested bp not coverable%s\n",
                 program_name().c_str(), static_cast<unsigned long long>(hi - lo),
                 static_cast<unsigned long long>(plan.size()), static_cast<long long>(o.tile_length),
                 static_cast<long long>(o.input_length), static_cast<unsigned long long>(plan.uncovered_bases()),
                 static_cast<unsigned long long>(plan.requested_bases()),
                 plan.uncovered().empty()   ? ""
                 : run.skips.path().empty() ? " (chromosome edges; --skipped FILE lists them)"
                                            : " (chromosome edges: listed in the side file)");
  SamplingCounts counts;
  counts.per_category["tile"] = hi - lo;
  return counts;
}

}  // namespace s2f::sampling
