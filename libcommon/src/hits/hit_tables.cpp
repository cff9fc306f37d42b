#include "s2f/hits/hit_tables.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <tuple>

#include "s2f/io.hpp"
#include "s2f/npz.hpp"
#include "s2f/stream/text.hpp"

namespace s2f::hits {

namespace {

void add_float(std::string& s, double v) { stream::append_float(s, v, true); }

}  // namespace

std::vector<HitRecord> collect_hits(const std::vector<RegionFit>& fits, const MotifSet& motifs,
                                    const PeakTable& peaks) {
  std::vector<HitRecord> out;
  const int width = motifs.width();
  for (size_t r = 0; r < fits.size(); ++r) {
    const RegionFit& fit = fits[r];
    const int64_t base = peaks.region_start[r];
    const float gs = fit.global_scale;
    for (const Hit& h : fit.hits) {
      const Motif& m = motifs[h.motif];
      HitRecord rec;
      rec.peak_id = static_cast<uint32_t>(r);
      rec.motif = h.motif;
      rec.start_untrimmed = base + h.position;
      rec.end_untrimmed = rec.start_untrimmed + width;
      rec.start = rec.start_untrimmed + m.trim_start;
      rec.end = rec.start_untrimmed + m.trim_end;
      rec.coefficient = h.coefficient;
      // Fi-NeMo's definition: coefficient times the squared global scale.
      rec.coefficient_global = h.coefficient * (gs * gs);
      rec.similarity = h.similarity;
      rec.importance = h.importance * gs;
      rec.importance_sq = h.importance_sq * (gs * gs);
      out.push_back(rec);
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](const HitRecord& a, const HitRecord& b) {
    return std::tie(peaks.chrom_rank[a.peak_id], a.start) < std::tie(peaks.chrom_rank[b.peak_id], b.start);
  });
  return out;
}

std::vector<size_t> unique_hits(const std::vector<HitRecord>& hits, const MotifSet& motifs, const PeakTable& peaks) {
  std::vector<size_t> keep;
  // Overlapping peaks call the same instance twice; keep its first row.
  std::set<std::tuple<std::string_view, int64_t, std::string_view, char, uint32_t>> seen;
  for (size_t i = 0; i < hits.size(); ++i) {
    const HitRecord& h = hits[i];
    const Motif& m = motifs[h.motif];
    uint32_t region = peaks.has_coordinates ? 0 : h.peak_id;
    if (seen.emplace(peaks.chrom[h.peak_id], h.start, m.name, m.strand, region).second) keep.push_back(i);
  }
  return keep;
}

void write_hits_tsv(const std::string& path, const std::vector<HitRecord>& hits, const std::vector<size_t>* subset,
                    const MotifSet& motifs, const PeakTable& peaks) {
  TextOutput out(path);
  std::string line =
      "chr\tstart\tend\tstart_untrimmed\tend_untrimmed\tmotif_name\thit_coefficient\thit_coefficient_global\t"
      "hit_similarity\thit_correlation\thit_importance\thit_importance_sq\tstrand\tpeak_name\tpeak_id\n";
  out.write(line);
  const size_t n = subset ? subset->size() : hits.size();
  for (size_t k = 0; k < n; ++k) {
    const HitRecord& h = hits[subset ? (*subset)[k] : k];
    const Motif& m = motifs[h.motif];
    line.clear();
    line += peaks.chrom[h.peak_id];
    for (int64_t v : {h.start, h.end, h.start_untrimmed, h.end_untrimmed}) line += "\t" + std::to_string(v);
    line += "\t" + m.name;
    for (float v : {h.coefficient, h.coefficient_global, h.similarity,
                    h.similarity /* hit_correlation: the older name Fi-NeMo still writes */, h.importance,
                    h.importance_sq}) {
      line += '\t';
      add_float(line, v);
    }
    line += '\t';
    line += m.strand;
    line += "\t" + peaks.name[h.peak_id] + "\t" + std::to_string(h.peak_id) + "\n";
    out.write(line);
  }
  out.commit();
}

void write_hits_bed(const std::string& path, const std::vector<HitRecord>& hits, const std::vector<size_t>& subset,
                    const MotifSet& motifs, const PeakTable& peaks) {
  TextOutput out(path);
  std::string line;
  for (size_t k : subset) {
    const HitRecord& h = hits[k];
    const Motif& m = motifs[h.motif];
    line = peaks.chrom[h.peak_id] + "\t" + std::to_string(h.start) + "\t" + std::to_string(h.end) + "\t" + m.name +
           "\t0\t" + m.strand + "\n";
    out.write(line);
  }
  out.commit();
}

void write_peaks_qc(const std::string& path, const std::vector<RegionFit>& fits, const PeakTable& peaks) {
  std::vector<size_t> order(fits.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(peaks.chrom_rank[a], peaks.region_start[a]) < std::tie(peaks.chrom_rank[b], peaks.region_start[b]);
  });
  TextOutput out(path);
  out.write("nll\tdual_gap\tnum_steps\tstep_size\tglobal_scale\tpeak_id\tchr\tpeak_region_start\tpeak_name\tconverged\n");
  std::string line;
  for (size_t r : order) {
    const RegionFit& f = fits[r];
    line.clear();
    add_float(line, f.nll);
    line += '\t';
    add_float(line, f.dual_gap);
    line += "\t" + std::to_string(f.num_steps) + "\t";
    add_float(line, f.step_size);
    line += '\t';
    add_float(line, f.global_scale);
    line += "\t" + std::to_string(r) + "\t" + peaks.chrom[r] + "\t" + std::to_string(peaks.region_start[r]) + "\t" +
            peaks.name[r] + "\t" + (f.status == FitStatus::converged ? "1" : "0") + "\n";
    out.write(line);
  }
  out.commit();
}

void write_motif_data(const std::string& path, const MotifSet& motifs) {
  TextOutput out(path);
  out.write("motif_id\tmotif_name\tmotif_name_orig\tstrand\tmotif_start\tmotif_end\tmotif_scale\tlambda\n");
  std::string line;
  for (size_t k = 0; k < motifs.size(); ++k) {
    const Motif& m = motifs[k];
    line = std::to_string(k) + "\t" + m.name + "\t" + m.name_orig + "\t" + m.strand + "\t" +
           std::to_string(m.trim_start) + "\t" + std::to_string(m.trim_end) + "\t";
    stream::append_float(line, m.scale, false);
    line += '\t';
    add_float(line, m.lambda);
    line += '\n';
    out.write(line);
  }
  out.commit();
}

void write_motif_cwms(const std::string& path, const MotifSet& motifs) {
  auto sink = ByteSink::open(path);
  std::string header = npz::npy_header(
      npz::kF32, {motifs.size(), 4, static_cast<uint64_t>(motifs.width())});
  sink->write(header.data(), header.size());
  sink->write(motifs.values().data(), motifs.values().size() * sizeof(float));
  sink->commit();
}

void write_hits_stream(stream::Writer& writer, const std::vector<HitRecord>& hits, const MotifSet& motifs,
                       const PeakTable& peaks) {
  const auto& schema = writer.header().schema;
  const size_t f_chrom = schema.index("chrom"), f_start = schema.index("start"), f_end = schema.index("end"),
               f_su = schema.index("start_untrimmed"), f_eu = schema.index("end_untrimmed"),
               f_name = schema.index("motif_name"), f_coef = schema.index("hit_coefficient"),
               f_coefg = schema.index("hit_coefficient_global"), f_sim = schema.index("hit_similarity"),
               f_cor = schema.index("hit_correlation"), f_imp = schema.index("hit_importance"),
               f_imp2 = schema.index("hit_importance_sq"), f_strand = schema.index("strand"),
               f_peak = schema.index("peak_name"), f_pid = schema.index("peak_id");
  for (const HitRecord& h : hits) {
    auto& b = writer.batch();
    size_t r = b.add_record();
    const Motif& m = motifs[h.motif];
    b.set_str(f_chrom, r, peaks.chrom[h.peak_id]);
    b.set_scalar<int64_t>(f_start, r, h.start);
    b.set_scalar<int64_t>(f_end, r, h.end);
    b.set_scalar<int64_t>(f_su, r, h.start_untrimmed);
    b.set_scalar<int64_t>(f_eu, r, h.end_untrimmed);
    b.set_str(f_name, r, m.name);
    b.set_scalar<float>(f_coef, r, h.coefficient);
    b.set_scalar<float>(f_coefg, r, h.coefficient_global);
    b.set_scalar<float>(f_sim, r, h.similarity);
    b.set_scalar<float>(f_cor, r, h.similarity);
    b.set_scalar<float>(f_imp, r, h.importance);
    b.set_scalar<float>(f_imp2, r, h.importance_sq);
    b.set_scalar<uint8_t>(f_strand, r, static_cast<uint8_t>(m.strand));
    b.set_str(f_peak, r, peaks.name[h.peak_id]);
    b.set_scalar<int64_t>(f_pid, r, h.peak_id);
    writer.end_record();
  }
}

}  // namespace s2f::hits
