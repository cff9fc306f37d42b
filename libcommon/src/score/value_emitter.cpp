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
                           const std::string& output, int64_t perbin_k, uint64_t perbin_seed, Run& run)
    : plan_(plan), sampler_(perbin_seed) {
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
    out.writer = stream::open_writer(emit_output_path(run.opt.output, kind, kinds.size()), run.opt.zstd_level,
                                     std::move(header));
    out.values = std::make_unique<stream::ValuesRecordWriter>(*out.writer);
    out.buf.resize(n_tracks * out.per_track);
    outs_.push_back(std::move(out));
  }
}

void ValueEmitter::fill(Out& out, std::string_view id, const HeadValues& ref, const HeadValues* alt) {
  const auto& tracks = plan_.tracks();
  switch (out.kind) {
    case ValueKind::effect:
      effect_tracks(plan_, ref, *alt, out.buf.data());
      for (size_t t = 0; t < tracks.size(); ++t)
        if (!tracks[t].spec.is_signed) out.buf[t] = std::fabs(out.buf[t]);  // unsigned layers rank |effect|
      return;
    case ValueKind::summary:
      score_tracks(plan_, Statistic::ref, 0, ref, nullptr, out.buf.data());
      return;
    case ValueKind::perbin: {
      const size_t k = out.per_track;
      for (size_t t = 0; t < tracks.size(); ++t) {
        float* dst = out.buf.data() + t * k;
        auto all = ref.all_bins(tracks[t]);
        if (all.size() <= 1) {
          std::fill(dst, dst + k, std::numeric_limits<float>::quiet_NaN());
          continue;
        }
        // Tracks of one head share the draw.
        if (t == 0 || tracks[t].field != tracks[t - 1].field)
          sampler_.draw(id, static_cast<int64_t>(all.size()), static_cast<int64_t>(k), bins_);
        for (size_t j = 0; j < k; ++j) dst[j] = all[static_cast<size_t>(bins_[j])];
      }
      return;
    }
  }
}

bool ValueEmitter::add(std::string_view id, const HeadValues& ref, const HeadValues* alt) {
  bool taken = false;
  for (auto& out : outs_) {
    if (out.kind == ValueKind::effect && !alt) continue;
    fill(out, id, ref, alt);
    out.values->add(id, out.buf);
    taken = true;
  }
  return taken;
}

void ValueEmitter::finish() {
  for (auto& out : outs_) out.writer->finish();
}

}  // namespace s2f::score
