// Fi-NeMo's output files, written atomically: hits.tsv, hits_unique.tsv,
// hits.bed, peaks_qc.tsv, motif_data.tsv, motif_cwms.npy; and the same hits
// as an s2f stream.
#pragma once
#include <string>
#include <vector>

#include "s2f/hits/hit_caller.hpp"
#include "s2f/hits/motif_set.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::hits {

// One row of hits.tsv: a hit placed on the genome.
struct HitRecord {
  uint32_t peak_id = 0, motif = 0;
  int64_t start = 0, end = 0, start_untrimmed = 0, end_untrimmed = 0;
  float coefficient = 0, coefficient_global = 0, similarity = 0, importance = 0, importance_sq = 0;
};

// Every hit joined with its peak and motif, in Fi-NeMo's order: by
// chromosome (peak order) and trimmed start; ties keep region, motif and
// position order. Importances are given back in the input's units (times
// the global scale, squared for importance_sq), as Fi-NeMo reports them.
std::vector<HitRecord> collect_hits(const std::vector<RegionFit>& fits, const MotifSet& motifs,
                                    const PeakTable& peaks);

// Index of the first record of every (chr, start, motif, strand); without
// coordinates nothing is merged across regions.
std::vector<size_t> unique_hits(const std::vector<HitRecord>& hits, const MotifSet& motifs, const PeakTable& peaks);

void write_hits_tsv(const std::string& path, const std::vector<HitRecord>& hits, const std::vector<size_t>* subset,
                    const MotifSet& motifs, const PeakTable& peaks);
void write_hits_bed(const std::string& path, const std::vector<HitRecord>& hits, const std::vector<size_t>& subset,
                    const MotifSet& motifs, const PeakTable& peaks);
void write_peaks_qc(const std::string& path, const std::vector<RegionFit>& fits, const PeakTable& peaks);
void write_motif_data(const std::string& path, const MotifSet& motifs);
// The motif matrices as loaded (full width; the trimmed spans are in
// motif_data.tsv), (M, 4, W) float32, as Fi-NeMo writes them for its report.
void write_motif_cwms(const std::string& path, const MotifSet& motifs);
void write_hits_stream(stream::Writer& writer, const std::vector<HitRecord>& hits, const MotifSet& motifs,
                       const PeakTable& peaks);

}  // namespace s2f::hits
