// s2f-score --scorer chrombpnet: the variant scorer of ChromBPNet/BPNet
// models (allele_scores.hpp) over a tensors stream. Its tracks are the
// channels of the profile heads (heads of more than one bin); each is paired
// with the log-count head (the stream's only scalar head, or --counts-head):
// channel k with channel k when the count head has as many channels, with
// its single channel otherwise. Profiles are compared over the whole head,
// indels aligned (profile_alignment.hpp) from each record's identity fields
// (start, pos, strand, ref, alt) and the stream's window length.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "s2f/score/allele_scores.hpp"
#include "s2f/score/profile_alignment.hpp"
#include "s2f/score/scoring_plan.hpp"
#include "s2f/score/variant_scorer.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::score {

class ProfileCountScorer {
 public:
  ProfileCountScorer(const stream::Header& tensors, const ScoringPlan& plan, const std::string& counts_head,
                     std::vector<AlleleScore> scores, std::string source);
  size_t counts_field() const { return counts_field_; }
  const std::vector<AlleleScore>& scores() const { return scores_; }

  // The peak set for the quantile scores: s2f-predict's tensors stream of
  // the peaks (same model and --rc), one window per peak; per track the
  // sorted exp(log-count) of every peak.
  void load_peaks(const std::string& path, const nlohmann::json& model_hash);
  bool has_peaks() const { return !peak_counts_.empty(); }

  // Every score of every track for one variant: out[s * tracks + t].
  void score(const stream::Batch& held, size_t ref_rec, size_t alt_rec, const HeadValues& ref, const HeadValues& alt,
             std::span<float> out);

 private:
  genome::WindowPlacement placement(const stream::Batch& b, size_t rec) const;

  const ScoringPlan& plan_;
  std::vector<AlleleScore> scores_;
  std::string source_;
  size_t counts_field_ = 0;
  std::string counts_name_;
  int64_t counts_channels_ = 0;
  std::vector<ScoredTrack> counts_;   // per plan track: its log-count channel
  std::vector<int64_t> bin_offset_;   // per plan track: the head's first base in the window
  int64_t window_length_ = 0;
  size_t start_ = 0, pos_ = 0, strand_ = 0, ref_ = 0, alt_ = 0;
  std::vector<std::vector<double>> peak_counts_;  // per plan track, sorted
  std::vector<float> row_;
};

}  // namespace s2f::score
