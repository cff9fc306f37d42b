// Regions from contribution bigWigs, as Fi-NeMo's extract-regions-bw builds
// them: a bigWig holds projected contributions (one value per base; the
// hypothetical ones are not in it), so a region is the peak's summit (BED:
// midpoint) +- width/2, its contributions the mean over the bigWigs (no
// data = 0) and its one-hot sequence read from the genome FASTA. Bases of a
// region beyond its chromosome's ends get no base and no contribution, as
// in Fi-NeMo; the run warns how many regions reach past an end.
#include <cmath>

#include "s2f/error.hpp"
#include "s2f/genome/bed.hpp"
#include "s2f/genome/chrom_names.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/tracks/bigwig_reader.hpp"

namespace s2f::hits {

RegionSet load_regions_bigwig(const std::vector<std::string>& paths, const std::string& peaks,
                              const std::string& genome_path, size_t width, const std::vector<std::string>& order) {
  if (peaks.empty() || genome_path.empty())
    fail_usage("contribution bigWigs need the regions (--peaks narrowPeak or BED) and the genome (--genome FASTA)",
               "bigWigs hold per-base scores only: the regions say where to look, the genome gives the bases");
  auto genome = genome::ReferenceGenome::open(genome_path);
  genome::ChromosomeNames names(genome->contigs());
  std::vector<std::unique_ptr<tracks::BigWigReader>> bigwigs;
  for (const auto& p : paths) bigwigs.push_back(tracks::BigWigReader::open(p));

  struct Region {
    int contig;
    std::vector<int> in_bigwig;
    std::string where;
  };
  std::vector<Region> regions;
  PeakTable t;
  t.has_coordinates = true;
  const auto half = static_cast<int64_t>(width / 2);
  genome::BadLines bad(nullptr, false);
  const auto flavor = genome::looks_like_narrowpeak(peaks) ? genome::BedFlavor::narrowpeak : genome::BedFlavor::bed;
  genome::BedReader reader(peaks, flavor, 0, bad);
  genome::BedRecord rec;
  while (reader.next(rec)) {
    const std::string chrom(rec.chrom);
    const int contig = names.resolve(chrom);
    if (contig < 0)
      fail_input("chromosome '" + chrom + "' is not in the genome", reader.where(),
                 "give the genome the peaks were called on");
    Region r{contig, {}, reader.where()};
    for (const auto& bw : bigwigs) {
      int c = bw->find(chrom);
      if (c < 0) c = bw->find(genome->contigs()[static_cast<size_t>(contig)].name);
      if (c < 0)
        fail_input("chromosome '" + chrom + "' is not in " + bw->path(), reader.where(),
                   "give contribution bigWigs written for this genome");
      r.in_bigwig.push_back(c);
    }
    const int64_t centre = rec.summit >= 0 ? rec.start + rec.summit : rec.start + (rec.end - rec.start) / 2;
    t.chrom.push_back(chrom);
    t.name.push_back(rec.name.empty() ? std::string("NA") : std::string(rec.name));
    t.region_start.push_back(centre - half);
    regions.push_back(std::move(r));
  }

  RegionSet set(regions.size(), width, 1, false);
  set.source = paths[0];
  std::vector<float> values(width), sum(width);
  size_t clipped = 0;
  std::string first_clipped;
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& r = regions[i];
    const int64_t length = genome->contigs()[static_cast<size_t>(r.contig)].length;
    const int64_t start = t.region_start[i], lo = std::max<int64_t>(start, 0);
    const int64_t hi = std::min<int64_t>(start + static_cast<int64_t>(width), length);
    if (lo > start || hi < start + static_cast<int64_t>(width)) {
      if (!clipped++) first_clipped = r.where;
      if (hi <= lo) continue;
    }
    const auto offset = static_cast<size_t>(lo - start), n = static_cast<size_t>(hi - lo);
    std::fill(sum.begin(), sum.end(), 0.0f);
    for (size_t b = 0; b < bigwigs.size(); ++b) {
      const int c = r.in_bigwig[b];
      if (hi > bigwigs[b]->chromosomes()[static_cast<size_t>(c)].length)
        fail_input("region " + r.where + " ends past the end of " + t.chrom[i] + " in " + bigwigs[b]->path(),
                   bigwigs[b]->path(), "the bigWig was written for another genome");
      bigwigs[b]->values(c, lo, hi, values.data());
      for (size_t k = 0; k < n; ++k) sum[k] += std::isnan(values[k]) ? 0.0f : values[k];
    }
    float* contrib = set.full().data() + i * width;
    for (size_t k = 0; k < n; ++k)
      contrib[offset + k] = bigwigs.size() == 1 ? sum[k] : sum[k] / static_cast<float>(bigwigs.size());
    const std::string bases = genome->fetch(static_cast<size_t>(r.contig), lo, hi);
    uint8_t* mask = set.bases().data() + i * width + offset;
    for (size_t k = 0; k < n; ++k) {
      switch (bases[k]) {
        case 'A': mask[k] = 1; break;
        case 'C': mask[k] = 2; break;
        case 'G': mask[k] = 4; break;
        case 'T': mask[k] = 8; break;
        default: mask[k] = 0;
      }
    }
  }
  if (clipped)
    warn(std::to_string(clipped) + " region(s) reach past a chromosome end (first: " + first_clipped +
         "); the bases beyond it have no sequence and zero contribution, as in Fi-NeMo");
  t.rank_chromosomes(order);
  set.attach(std::move(t), peaks);
  return set;
}

}  // namespace s2f::hits
