// Scores records of a tensor stream: a variant's ref and alt records
// (allele R then A, same id) give one scored record; a position's single
// record (allele '.') gives its reference-only values; a variant's
// shuffled-flank null pairs (alleles r then a, after its R/A pair) are
// paired the same way and flagged `null`.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "s2f/score/scoring_plan.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::score {

// One record's head tensors as f32, whatever the stream's dtype.
class HeadValues {
 public:
  void load(const stream::Batch& b, size_t rec, const std::vector<size_t>& fields);
  std::span<const float> window(const ScoredTrack& t) const;  // the track's window bins
  std::span<const float> all_bins(const ScoredTrack& t) const;

 private:
  std::vector<std::vector<float>> data_;  // per schema field (empty when unused)
  std::vector<int64_t> bins_;
};

// Pairs ref/alt records as they stream past.
class RecordPairer {
 public:
  explicit RecordPairer(const stream::Header& h, std::string source);
  struct Pair {
    size_t ref = 0;
    std::optional<size_t> alt;  // record index in the batch holding both (see next)
    bool null = false;          // a shuffled-flank null pair (alleles r/a)
  };
  // Feeds one frame; returns the complete pairs/singles it closes, all with
  // indices into `held()` (a batch holding the records).
  std::vector<Pair> feed(const stream::Batch& frame);
  const stream::Batch& held() const { return held_; }
  // Throws when a ref record is left without its alt at the end.
  void finish() const;

 private:
  size_t allele_ = 0, id_ = 0;
  std::string source_;
  stream::Batch held_;
  std::optional<stream::Batch> carry_;  // a ref record waiting for its alt across frames
  uint64_t seen_ = 0;
  bool open_null_ = false;  // the ref record waiting for its alt is a null one
};

// Statistic values for every track of a pair.
void score_tracks(const ScoringPlan& plan, Statistic s, double pseudocount_override, const HeadValues& ref,
                  const HeadValues* alt, float* out);
// The plan's per-track effect (layer statistics, or the first --stat).
void effect_tracks(const ScoringPlan& plan, const HeadValues& ref, const HeadValues& alt, float* out);

}  // namespace s2f::score
