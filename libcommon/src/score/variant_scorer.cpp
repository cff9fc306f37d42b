#include "s2f/score/variant_scorer.hpp"

#include <cmath>

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::score {

void HeadValues::load(const stream::Batch& b, size_t rec, const std::vector<size_t>& fields) {
  const auto& schema = b.schema();
  if (data_.size() != schema.size()) {
    data_.assign(schema.size(), {});
    bins_.assign(schema.size(), 0);
  }
  for (size_t f : fields) {
    const auto& field = schema[f];
    size_t n = field.elements();
    auto& d = data_[f];
    d.resize(n);
    bins_[f] = field.shape[1];
    if (field.dtype == stream::DType::f16) {
      auto src = b.fixed<uint16_t>(f, rec);
      for (size_t i = 0; i < n; ++i) d[i] = stream::half_to_float(src[i]);
    } else {
      auto src = b.fixed<float>(f, rec);
      std::copy(src.begin(), src.end(), d.begin());
    }
  }
}

std::span<const float> HeadValues::window(const ScoredTrack& t) const {
  const float* row = data_[t.field].data() + t.channel * bins_[t.field];
  return {row + t.window.first, static_cast<size_t>(t.window.size())};
}

std::span<const float> HeadValues::all_bins(const ScoredTrack& t) const {
  return {data_[t.field].data() + t.channel * bins_[t.field], static_cast<size_t>(bins_[t.field])};
}

RecordPairer::RecordPairer(const stream::Header& h, std::string source)
    : source_(std::move(source)), held_(h.schema) {
  allele_ = h.schema.index("allele");
  id_ = h.schema.index("id");
}

std::vector<RecordPairer::Pair> RecordPairer::feed(const stream::Batch& frame) {
  held_.clear();
  std::vector<Pair> pairs;
  constexpr size_t kNone = SIZE_MAX;
  size_t open = kNone;  // index in held_ of a ref awaiting its alt
  if (carry_) {
    held_.append_from(*carry_, 0);
    open = 0;
    carry_.reset();
  }
  for (size_t r = 0; r < frame.size(); ++r, ++seen_) {
    uint8_t allele = frame.scalar<uint8_t>(allele_, r);
    // A null pair pairs like a variant's: r is a ref record, a an alt one.
    const bool null = allele == stream::kAlleleNullRef || allele == stream::kAlleleNullAlt;
    if (allele == stream::kAlleleNullRef) allele = stream::kAlleleRef;
    if (allele == stream::kAlleleNullAlt) allele = stream::kAlleleAlt;
    auto id = frame.str(id_, r);
    if (open != kNone) {
      if (allele != stream::kAlleleAlt || null != open_null_ || held_.str(id_, open) != id)
        fail_input("record " + std::to_string(seen_ + 1) + " ('" + std::string(id) +
                       "') should be the alt record of variant '" + std::string(held_.str(id_, open)) + "'",
                   source_, "keep each variant's ref and alt records adjacent, ref first (as s2f-encode writes them)");
      held_.append_from(frame, r);
      pairs.push_back({open, held_.size() - 1, null});
      open = kNone;
    } else if (allele == stream::kAlleleRef) {
      held_.append_from(frame, r);
      open = held_.size() - 1;
      open_null_ = null;
    } else if (allele == stream::kAlleleAlt) {
      fail_input("record " + std::to_string(seen_ + 1) + " ('" + std::string(id) + "') is an alt record without its ref",
                 source_, "keep each variant's ref and alt records adjacent, ref first");
    } else {
      held_.append_from(frame, r);
      pairs.push_back({held_.size() - 1, std::nullopt});
    }
  }
  if (open != kNone) {
    carry_.emplace(held_.schema());
    carry_->append_from(held_, open);
  }
  return pairs;
}

void RecordPairer::finish() const {
  if (carry_)
    fail_input("the stream ends after the ref record of variant '" + std::string(carry_->str(id_, 0)) +
                   "' without its alt record",
               source_, "the stream was cut; rerun the stage that wrote it");
}

namespace {
double window_sum(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += x;
  return s;
}
}  // namespace

void score_tracks(const ScoringPlan& plan, Statistic s, double pc_override, const HeadValues& ref,
                  const HeadValues* alt, float* out) {
  const auto& tracks = plan.tracks();
  const size_t n = tracks.size();
  const double pc = pc_override >= 0 ? pc_override : default_pseudocount(s);
  if (needs_alt(s) && !alt) {
    std::fill(out, out + n, std::nanf(""));
    return;
  }
  // The sum statistics (most runs) share one pass of window sums and one
  // branch-free loop per statistic; profile distances go bin by bin.
  switch (s) {
    case Statistic::ref:
    case Statistic::alt: {
      const HeadValues& v = s == Statistic::ref ? ref : *alt;
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(window_sum(v.window(tracks[i])));
      return;
    }
    case Statistic::diff:
    case Statistic::sad:
    case Statistic::abs_diff:
    case Statistic::log2fc:
    case Statistic::logfc: {
      for (size_t i = 0; i < n; ++i) {
        double r = window_sum(ref.window(tracks[i])), a = window_sum(alt->window(tracks[i]));
        switch (s) {
          case Statistic::abs_diff: out[i] = static_cast<float>(std::fabs(a - r)); break;
          case Statistic::log2fc: out[i] = std::log2(static_cast<float>((a + pc) / (r + pc))); break;
          case Statistic::logfc: out[i] = std::log(static_cast<float>((a + pc) / (r + pc))); break;
          default: out[i] = static_cast<float>(a - r); break;
        }
      }
      return;
    }
    default:
      for (size_t i = 0; i < n; ++i)
        out[i] = static_cast<float>(compute(s, ref.window(tracks[i]), alt->window(tracks[i]), pc, plan.options().logit));
  }
}

void effect_tracks(const ScoringPlan& plan, const HeadValues& ref, const HeadValues& alt, float* out) {
  const auto& tracks = plan.tracks();
  for (size_t i = 0; i < tracks.size(); ++i) {
    const auto& sp = tracks[i].spec;
    out[i] = static_cast<float>(
        compute(sp.statistic, ref.window(tracks[i]), alt.window(tracks[i]), sp.pseudocount, plan.options().logit));
  }
}

}  // namespace s2f::score
