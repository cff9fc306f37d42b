// Which records and bins feed each track's background in s2f-score --emit,
// chosen by catalog predicates so any model's tracks can use them (chorus's
// routing, seed 003):
//   summary routing  tracks matching --summary-skip-tracks (default
//                    output_type~cage) leave out the summary values of
//                    records whose sampling category is in --summary-skip
//                    (`ccre` = the eight SCREEN cCRE categories): CAGE
//                    signal lives at TSSs, not at regulatory elements;
//   exon-precise     tracks matching --exon-tracks (default output_type~rna)
//   per-bin draws    draw their --emit perbin bins only among the bins of
//                    the record's output window that overlap a merged
//                    protein-coding exon of --exons (genome/exon_intervals.hpp).
// A value left out is NaN in the values stream, which reservoirs do not
// count, so such tracks end with smaller summary/perbin counts; every value
// left out is counted and reported at the end of the run.
//
// Records carry their sampling category in the `category` field, which
// s2f-sample-positions writes and s2f-encode and s2f-predict carry along
// (formats/SPEC.md). A bin's genomic interval comes from the record's
// `chrom`, `start` (the window's first base), `strand` and the window length
// (meta.geometry.sequence_length): a head of B bins of r bp sits centred in
// the L-bp window at offset floor((L - B*r)/2) (genome/WINDOWS.md, "Tracks");
// on the `-` strand the window was reverse-complemented, so bin k covers
// [start + L - offset - (k+1)*r, start + L - offset - k*r).
#pragma once
#include <cstdint>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "s2f/background/value_meta.hpp"
#include "s2f/score/scoring_plan.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::genome {
class ExonIntervals;
}

namespace s2f::score {

inline constexpr const char* kDefaultSummarySkipTracks = "output_type~cage";
inline constexpr const char* kDefaultExonTracks = "output_type~rna";

struct ValueRoutingOptions {
  std::vector<std::string> summary_skip;  // categories; `ccre` = the SCREEN categories (none: off)
  std::string summary_skip_tracks = kDefaultSummarySkipTracks;
  std::string exons;                      // GTF/GFF3 (empty: off)
  std::string exon_tracks = kDefaultExonTracks;
  bool active() const { return !summary_skip.empty() || !exons.empty(); }
};

// The option combinations (usage errors, one message each).
void check_routing_options(const ValueRoutingOptions& o, const std::vector<background::ValueKind>& kinds);

// Where a record's window lies and what sampled it.
struct RecordPlace {
  std::string_view chrom, category;
  int64_t start = -1;  // window's first base; -1 when not genomic
  uint8_t strand = '+';
};

class ValueRouting {
 public:
  ValueRouting(const ValueRoutingOptions& o, const ScoringPlan& plan, const stream::Header& tensors,
               const std::string& input_name);
  ~ValueRouting();

  // The stream field that holds each record's category (-1: not needed).
  int category_field() const { return category_field_; }
  bool routes_summary() const { return !skip_categories_.empty(); }
  bool routes_perbin() const { return exons_ != nullptr; }

  // Summary routing: true when `track` leaves this record out.
  bool skips_summary(size_t track, const RecordPlace& where) const;
  // Counts one record's left-out summary values.
  void count_summary_skip(uint64_t values) {
    summary_values_skipped_ += values;
    ++summary_records_skipped_;
  }
  bool skips_category(std::string_view category) const;
  bool exon_track(size_t track) const { return exon_mask_.empty() ? false : exon_mask_[track]; }
  // The bins of head `field` (of `bins` bins of `bin_size` bp) overlapping
  // an exon, ascending. Cached per record: call begin_record first.
  void begin_record(const RecordPlace& where);
  const std::vector<int64_t>& exon_bins(size_t field, int64_t bins, int64_t bin_size);
  // Counts one head's draw of one record: k bins wanted, `available` found;
  // then, per exon track, the slots left NaN.
  void count_exon_draw(int64_t available, int64_t k);
  void count_exon_values_missing(uint64_t n) { exon_values_missing_ += n; }

  // meta.value_routing of the values streams.
  nlohmann::json describe() const;
  // The clauses for the run's summary line ("" when inactive).
  std::string report() const;
  // Warnings when routing changed nothing: no record of `records` had a
  // skipped category (misspelt names), or none found an exon bin (an
  // annotation of another genome or chromosome naming).
  void warn_if_idle(uint64_t records) const;

 private:
  const ScoringPlan& plan_;
  std::vector<std::string> skip_categories_;
  std::string skip_tracks_predicate_, exon_tracks_predicate_, exons_path_;
  std::vector<bool> skip_mask_, exon_mask_;
  size_t n_skip_tracks_ = 0, n_exon_tracks_ = 0;
  int category_field_ = -1;
  int64_t window_length_ = 0;
  std::unique_ptr<genome::ExonIntervals> exons_;

  RecordPlace place_;
  std::vector<std::pair<size_t, std::vector<int64_t>>> bins_cache_;  // per head field, this record

  uint64_t summary_values_skipped_ = 0, summary_records_skipped_ = 0;
  uint64_t exon_not_genomic_ = 0, exon_other_chromosome_ = 0;  // head windows, by why they found no exon
  uint64_t exon_draws_ = 0, exon_draws_short_ = 0, exon_draws_empty_ = 0, exon_values_missing_ = 0;
};

}  // namespace s2f::score
