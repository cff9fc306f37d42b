// The values streams of s2f-score --emit, the inputs of s2f-reservoir. One
// prediction pass can feed every background kind at once (--emit
// effect,summary,perbin), so a background build never stores predictions:
//   effect   one value per variant and track: |effect| for unsigned
//            tracks, the signed effect otherwise; single windows are skipped
//   summary  the ref window value per track
//   perbin   k random bins of the ref head per track (BinSampler); a track
//            of a scalar head (one bin) has no per-bin values: it gets NaN,
//            which reservoirs do not count, as chorus omits perbin for
//            scalar models rather than storing k copies of one value
// With routing (score/value_routing.hpp), tracks it selects leave out the
// summary values of records of skipped categories, and draw their per-bin
// values among exon bins only (NaN in the slots left over).
// Memory is one record's values per kind, whatever the record count.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/background/value_meta.hpp"
#include "s2f/run.hpp"
#include "s2f/score/bin_sampler.hpp"
#include "s2f/score/scoring_plan.hpp"
#include "s2f/score/value_routing.hpp"
#include "s2f/score/variant_scorer.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/score_records.hpp"

namespace s2f::score {

// --emit as kinds, in effect, summary, perbin order whatever the order given;
// a usage error names an unknown or repeated kind.
std::vector<background::ValueKind> parse_emit_kinds(const std::vector<std::string>& emit);
// Where kind's stream goes: `output` with "{kind}" replaced by the kind's
// name. Several kinds need the placeholder (usage error otherwise), so no
// two streams share a file.
std::string emit_output_path(const std::string& output, background::ValueKind kind, size_t n_kinds);
// True when every track of the plan sits on a one-bin head.
bool all_tracks_scalar(const ScoringPlan& plan);

class ValueEmitter {
 public:
  // Opens one writer per kind (output paths from emit_output_path).
  // `routing` (may be null: every track takes every record and bin) is
  // described in the headers of the streams it shapes.
  ValueEmitter(const std::vector<background::ValueKind>& kinds, const ScoringPlan& plan, const stream::Header& input,
               const std::string& output, int64_t perbin_k, uint64_t perbin_seed, ValueRouting* routing, Run& run);
  // One record: ref (and alt for a variant), and where it lies (used by
  // routing only). Returns false when no kind took it (a single window
  // offered to --emit effect alone).
  bool add(std::string_view id, const HeadValues& ref, const HeadValues* alt, const RecordPlace& where);
  // Commits every stream (each appears under its name only now).
  void finish();

 private:
  struct Out {
    background::ValueKind kind;
    size_t per_track;
    std::unique_ptr<stream::Writer> writer;
    std::unique_ptr<stream::ValuesRecordWriter> values;
    std::vector<float> buf;
  };
  void fill(Out& out, std::string_view id, const HeadValues& ref, const HeadValues* alt, const RecordPlace& where);
  void fill_perbin(Out& out, std::string_view id, const HeadValues& ref);
  void fill_exon_bins(std::string_view id, const HeadValues& ref, size_t first, size_t k, float* dst);

  const ScoringPlan& plan_;
  std::vector<Out> outs_;
  BinSampler sampler_;
  std::vector<int64_t> bins_;
  ValueRouting* routing_ = nullptr;
  std::vector<int64_t> exon_draw_;  // this record's draw among a head's exon bins
  size_t exon_draw_field_ = SIZE_MAX;
};

}  // namespace s2f::score
