#include "s2f/score/profile_count_scorer.hpp"

#include <algorithm>
#include <cmath>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/record_sinks.hpp"

namespace s2f::score {

namespace {

bool is_head(const stream::Field& f) {
  return (f.dtype == stream::DType::f32 || f.dtype == stream::DType::f16) && f.shape.size() == 2;
}

size_t find_counts_head(const stream::Header& h, const std::string& name, const std::string& source) {
  std::vector<size_t> scalar;
  std::string all;
  for (size_t i = 0; i < h.schema.size(); ++i) {
    const auto& f = h.schema[i];
    if (!is_head(f)) continue;
    all += (all.empty() ? "" : ", ") + f.name;
    if (!name.empty() ? f.name == name : f.shape[1] == 1) scalar.push_back(i);
  }
  if (!name.empty() && scalar.empty())
    fail_usage("--counts-head '" + name + "' is not a head of the stream (heads: " + all + ")");
  if (scalar.size() != 1)
    fail_input("--scorer chrombpnet needs one log-count head (one bin), and the stream has " +
                   std::to_string(scalar.size()) + " (heads: " + all + ")",
               source, "name it with --counts-head");
  if (h.schema[scalar[0]].shape[1] != 1)
    fail_usage("--counts-head '" + name + "' has " + std::to_string(h.schema[scalar[0]].shape[1]) +
               " bins; a log-count head has one");
  return scalar[0];
}

}  // namespace

ProfileCountScorer::ProfileCountScorer(const stream::Header& h, const ScoringPlan& plan, const std::string& counts_head,
                                       std::vector<AlleleScore> scores, std::string source)
    : plan_(plan), scores_(std::move(scores)), source_(std::move(source)) {
  counts_field_ = find_counts_head(h, counts_head, source_);
  const int64_t channels = counts_channels_ = h.schema[counts_field_].shape[0];
  counts_name_ = h.schema[counts_field_].name;
  window_length_ = stream::window_length(h);
  for (const auto& t : plan.tracks()) {
    const int64_t tracks_of_head = h.schema[t.field].shape[0];
    if (channels != 1 && channels != tracks_of_head)
      fail_input("the log-count head '" + h.schema[counts_field_].name + "' has " + std::to_string(channels) +
                     " channels and the profile head '" + h.schema[t.field].name + "' " +
                     std::to_string(tracks_of_head) + ": they do not pair",
                 source_, "a log-count head pairs channel by channel, or with one channel for every track");
    ScoredTrack c;
    c.field = counts_field_;
    c.channel = channels == 1 ? 0 : t.channel;
    c.bins = 1;
    counts_.push_back(c);
    bin_offset_.push_back((window_length_ - t.bins * t.bin_size) / 2);
  }
  for (auto [field, name] : {std::pair{&start_, "start"}, {&pos_, "pos"}, {&strand_, "strand"}, {&ref_, "ref"},
                             {&alt_, "alt"}}) {
    if (h.schema.find(name) < 0)
      fail_input(std::string("the tensors stream has no '") + name + "' field to place variants with", source_,
                 "score the output of s2f-predict on s2f-encode --vcf windows");
    *field = h.schema.index(name);
  }
  row_.resize(scores_.size());
}

void ProfileCountScorer::load_peaks(const std::string& path, const nlohmann::json& model_hash) {
  auto in = stream::Reader::open(path);
  in->expect_kind({stream::kind::tensors});
  const auto& h = in->header();
  if (!model_hash.is_null()) {
    const auto& m = h.meta;
    if (!m.contains("model") || !m["model"].contains("hash") || m["model"]["hash"] != model_hash)
      fail_input("the peak predictions were not made by the model of the variants (" + model_hash.dump() + ")", path,
                 "predict the peaks with the same model: s2f-predict --model M --narrowpeak peaks.bed");
  }
  const size_t field = find_counts_head(h, counts_name_, path);
  if (h.schema[field].shape[0] != counts_channels_)
    fail_input("the peak predictions' log-count head '" + counts_name_ + "' has " +
                   std::to_string(h.schema[field].shape[0]) + " channels, the variants' " +
                   std::to_string(counts_channels_),
               path, "predict the peaks with the same model and track selection");
  peak_counts_.assign(plan_.tracks().size(), {});
  stream::Batch b;
  std::vector<float> v;
  while (in->next(b)) {
    for (size_t r = 0; r < b.size(); ++r) {
      const auto& f = b.schema()[field];
      v.resize(f.elements());
      if (f.dtype == stream::DType::f16) {
        auto src = b.fixed<uint16_t>(field, r);
        for (size_t i = 0; i < v.size(); ++i) v[i] = stream::half_to_float(src[i]);
      } else {
        auto src = b.fixed<float>(field, r);
        std::copy(src.begin(), src.end(), v.begin());
      }
      for (size_t t = 0; t < counts_.size(); ++t)
        peak_counts_[t].push_back(std::exp(static_cast<double>(v[static_cast<size_t>(counts_[t].channel)])));
    }
  }
  if (peak_counts_.empty() || peak_counts_[0].empty())
    fail_input("the peak predictions hold no record", path, "predict a non-empty peak set");
  for (auto& p : peak_counts_) std::sort(p.begin(), p.end());
}

genome::WindowPlacement ProfileCountScorer::placement(const stream::Batch& b, size_t rec) const {
  genome::WindowPlacement w;
  w.start = b.scalar<int64_t>(start_, rec);
  w.length = window_length_;
  w.minus = b.scalar<uint8_t>(strand_, rec) == '-';
  const uint8_t allele = b.scalar<uint8_t>(b.schema().index("allele"), rec);
  w.alt_window = allele == stream::kAlleleAlt || allele == stream::kAlleleNullAlt;
  w.variant_pos = b.scalar<int64_t>(pos_, rec);
  w.ref_length = static_cast<int64_t>(b.str(ref_, rec).size());
  w.alt_length = static_cast<int64_t>(b.str(alt_, rec).size());
  return w;
}

void ProfileCountScorer::score(const stream::Batch& held, size_t ref_rec, size_t alt_rec, const HeadValues& ref,
                               const HeadValues& alt, std::span<float> out) {
  const auto& tracks = plan_.tracks();
  const size_t n = tracks.size();
  const auto wr = placement(held, ref_rec), wa = placement(held, alt_rec);
  const bool indel = wa.ref_length != wa.alt_length && window_length_ > 0 && wr.start >= 0;
  AlignedBins aligned;
  for (size_t t = 0; t < n; ++t) {
    AlleleInputs in;
    in.log_count1 = ref.all_bins(counts_[t])[0];
    in.log_count2 = alt.all_bins(counts_[t])[0];
    in.logits1 = ref.all_bins(tracks[t]);
    in.logits2 = alt.all_bins(tracks[t]);
    if (indel && tracks[t].bin_size == 1) {
      if (t == 0 || tracks[t].field != tracks[t - 1].field)
        aligned = align_profile_bins(wr, wa, tracks[t].bins, bin_offset_[t]);
      in.keep1 = &aligned.ref;
      in.keep2 = &aligned.alt;
    }
    if (!peak_counts_.empty()) in.peak_counts = peak_counts_[t];
    compute_allele_scores(in, scores_, row_);
    for (size_t s = 0; s < scores_.size(); ++s) out[s * n + t] = row_[s];
  }
}

}  // namespace s2f::score
