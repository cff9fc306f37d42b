#include "s2f/score/value_emitter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "s2f/error.hpp"

namespace s2f::score {

using background::ValueKind;

std::vector<ValueKind> parse_emit_kinds(const std::vector<std::string>& emit) {
  std::vector<ValueKind> kinds;
  for (const auto& name : split_option_list(emit)) {
    ValueKind k{};
    if (name == "effect") k = ValueKind::effect;
    else if (name == "summary") k = ValueKind::summary;
    else if (name == "perbin") k = ValueKind::perbin;
    else fail_usage("--emit '" + name + "' is not one of effect, summary, perbin");
    if (std::find(kinds.begin(), kinds.end(), k) != kinds.end())
      fail_usage("--emit names '" + name + "' twice", "give each kind once");
    kinds.push_back(k);
  }
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

std::string emit_output_path(const std::string& output, ValueKind kind, size_t n_kinds) {
  static const std::string placeholder = "{kind}";
  const auto at = output.find(placeholder);
  if (at == std::string::npos) {
    if (n_kinds > 1)
      fail_usage("--emit with " + std::to_string(n_kinds) + " kinds writes one stream per kind, but -o '" + output +
                     "' has no {kind}",
                 "name the outputs with a placeholder, e.g. -o 'shard1.{kind}.values.s2f'");
    return output;
  }
  if (output == "-" || output.find(placeholder, at + 1) != std::string::npos)
    fail_usage("-o '" + output + "' must hold {kind} once");
  return output.substr(0, at) + background::kind_name(kind) + output.substr(at + placeholder.size());
}

bool all_tracks_scalar(const ScoringPlan& plan) {
  return std::all_of(plan.tracks().begin(), plan.tracks().end(), [](const ScoredTrack& t) { return t.bins <= 1; });
}

ValueEmitter::ValueEmitter(const std::vector<ValueKind>& kinds, const ScoringPlan& plan, const stream::Header& input,
                           const std::string& output, int64_t perbin_k, uint64_t perbin_seed, ValueRouting* routing,
                           Run& run)
    : plan_(plan), sampler_(perbin_seed), routing_(routing) {
  const size_t n_tracks = plan.tracks().size();
  for (auto kind : kinds) {
    Out out;
    out.kind = kind;
    const int64_t k = kind == ValueKind::perbin ? perbin_k : 1;
    out.per_track = static_cast<size_t>(k);
    auto header = stream::make_header(stream::kind::values, stream::values_schema(static_cast<int64_t>(n_tracks), k),
                                      run.provenance(), &input);
    auto geometry = plan.geometry();
    if (kind == ValueKind::perbin) geometry["perbin_k"] = k;
    header.meta["value_kind"] = background::kind_name(kind);
    header.meta["tracks"] = plan.track_ids();
    header.meta["signed_flags"] = plan.signed_flags();
    header.meta["geometry"] = geometry;
    // Outside geometry: scoring against the background compares geometry,
    // and a routed background scores windows as any other.
    if (routing_ && ((kind == ValueKind::summary && routing_->routes_summary()) ||
                     (kind == ValueKind::perbin && routing_->routes_perbin())))
      header.meta["value_routing"] = routing_->describe();
    out.writer = stream::open_writer(emit_output_path(run.opt.output, kind, kinds.size()), run.opt.zstd_level,
                                     std::move(header));
    out.values = std::make_unique<stream::ValuesRecordWriter>(*out.writer);
    out.buf.resize(n_tracks * out.per_track);
    outs_.push_back(std::move(out));
  }
}

void ValueEmitter::fill(Out& out, std::string_view id, const HeadValues& ref, const HeadValues* alt,
                        const RecordPlace& where) {
  const auto& tracks = plan_.tracks();
  switch (out.kind) {
    case ValueKind::effect:
      effect_tracks(plan_, ref, *alt, out.buf.data());
      for (size_t t = 0; t < tracks.size(); ++t)
        if (!tracks[t].spec.is_signed) out.buf[t] = std::fabs(out.buf[t]);  // unsigned layers rank |effect|
      return;
    case ValueKind::summary:
      score_tracks(plan_, Statistic::ref, 0, ref, nullptr, out.buf.data());
      if (routing_ && routing_->routes_summary() && routing_->skips_category(where.category)) {
        uint64_t left_out = 0;
        for (size_t t = 0; t < tracks.size(); ++t)
          if (routing_->skips_summary(t, where)) {
            out.buf[t] = std::numeric_limits<float>::quiet_NaN();
            ++left_out;
          }
        routing_->count_summary_skip(left_out);
      }
      return;
    case ValueKind::perbin:
      fill_perbin(out, id, ref);
      return;
  }
}

void ValueEmitter::fill_perbin(Out& out, std::string_view id, const HeadValues& ref) {
  const auto& tracks = plan_.tracks();
  const size_t k = out.per_track;
  size_t drawn = SIZE_MAX;  // the head field bins_ was drawn for
  exon_draw_field_ = SIZE_MAX;
  for (size_t t = 0; t < tracks.size(); ++t) {
    float* dst = out.buf.data() + t * k;
    auto all = ref.all_bins(tracks[t]);
    if (all.size() <= 1) {
      std::fill(dst, dst + k, std::numeric_limits<float>::quiet_NaN());
      continue;
    }
    if (routing_ && routing_->exon_track(t)) {
      fill_exon_bins(id, ref, t, k, dst);
      continue;
    }
    // Tracks of one head share the draw.
    if (tracks[t].field != drawn) {
      sampler_.draw(id, static_cast<int64_t>(all.size()), static_cast<int64_t>(k), bins_);
      drawn = tracks[t].field;
    }
    for (size_t j = 0; j < k; ++j) dst[j] = all[static_cast<size_t>(bins_[j])];
  }
}

// An exon track's k values: a draw without replacement among the head's
// bins that overlap an exon (all of them when fewer than k; NaN fills the
// rest). The exon tracks of one head share the draw.
void ValueEmitter::fill_exon_bins(std::string_view id, const HeadValues& ref, size_t t, size_t k, float* dst) {
  const auto& track = plan_.tracks()[t];
  if (exon_draw_field_ != track.field) {
    const auto& eligible = routing_->exon_bins(track.field, track.bins, track.bin_size);
    const int64_t n = static_cast<int64_t>(eligible.size());
    const int64_t m = std::min(static_cast<int64_t>(k), n);
    exon_draw_.clear();
    if (m > 0) {
      std::vector<int64_t> picks;
      sampler_.draw(id, n, m, picks);
      for (auto i : picks) exon_draw_.push_back(eligible[static_cast<size_t>(i)]);
    }
    exon_draw_field_ = track.field;
    routing_->count_exon_draw(n, static_cast<int64_t>(k));
  }
  auto all = ref.all_bins(track);
  std::fill(dst, dst + k, std::numeric_limits<float>::quiet_NaN());
  for (size_t j = 0; j < exon_draw_.size(); ++j) dst[j] = all[static_cast<size_t>(exon_draw_[j])];
  routing_->count_exon_values_missing(k - exon_draw_.size());
}

bool ValueEmitter::add(std::string_view id, const HeadValues& ref, const HeadValues* alt, const RecordPlace& where) {
  if (routing_) routing_->begin_record(where);
  bool taken = false;
  for (auto& out : outs_) {
    if (out.kind == ValueKind::effect && !alt) continue;
    fill(out, id, ref, alt, where);
    out.values->add(id, out.buf);
    taken = true;
  }
  return taken;
}

void ValueEmitter::finish() {
  for (auto& out : outs_) out.writer->finish();
}

}  // namespace s2f::score
