#include "s2f/score/value_routing.hpp"

#include <algorithm>

#include "s2f/catalog/track_selector.hpp"
#include "s2f/error.hpp"
#include "s2f/genome/exon_intervals.hpp"
#include "s2f/run.hpp"
#include "s2f/sampling/strategies.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::score {

using background::ValueKind;

namespace {

bool has_kind(const std::vector<ValueKind>& kinds, ValueKind k) {
  return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

// --summary-skip as category names; `ccre` stands for the SCREEN categories
// s2f-sample-positions draws cCREs from.
std::vector<std::string> skip_categories(const std::vector<std::string>& option) {
  std::vector<std::string> out;
  for (const auto& c : split_option_list(option)) {
    if (c == "ccre") {
      const auto& all = sampling::ccre_categories();
      out.insert(out.end(), all.begin(), all.end());
    } else {
      out.push_back(c);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// One bool per scored track: does `predicate` (--select syntax) match it.
// Matching no track is an error: the option would change nothing.
std::vector<bool> track_mask(const ScoringPlan& plan, const std::string& predicate, const char* option,
                             const char* what, size_t& count) {
  auto mask = catalog::TrackSelector(plan.catalog()).where(predicate).allow_empty().mask();
  count = static_cast<size_t>(std::count(mask.begin(), mask.end(), true));
  if (count == 0) {
    const auto& col = plan.catalog();
    std::string fields;
    for (const auto& name : col.columns()) fields += (fields.empty() ? "" : ", ") + name;
    fail_usage(std::string(option) + " '" + predicate + "' matches none of the " + std::to_string(mask.size()) +
                   " scored tracks, so " + what + " would change nothing",
               std::string("select the tracks by a catalog field (") + fields + "), e.g. " + option +
                   " 'output_type~rna' or 'assay_title~RNA'");
  }
  return mask;
}

}  // namespace

void check_routing_options(const ValueRoutingOptions& o, const std::vector<ValueKind>& kinds) {
  if (!o.active()) return;
  if (kinds.empty())
    fail_usage("--summary-skip and --exons shape the background values of --emit; give --emit summary and/or perbin");
  if (!o.summary_skip.empty() && !has_kind(kinds, ValueKind::summary))
    fail_usage("--summary-skip leaves records out of the summary values; add summary to --emit");
  if (!o.exons.empty() && !has_kind(kinds, ValueKind::perbin))
    fail_usage("--exons restricts the per-bin draws; add perbin to --emit");
  if (!o.summary_skip.empty() && skip_categories(o.summary_skip).empty())
    fail_usage("--summary-skip names no category", "e.g. --summary-skip ccre (the SCREEN cCRE categories)");
}

ValueRouting::ValueRouting(const ValueRoutingOptions& o, const ScoringPlan& plan, const stream::Header& tensors,
                           const std::string& input_name)
    : plan_(plan) {
  if (!o.summary_skip.empty()) {
    skip_categories_ = skip_categories(o.summary_skip);
    skip_tracks_predicate_ = o.summary_skip_tracks;
    skip_mask_ = track_mask(plan, o.summary_skip_tracks, "--summary-skip-tracks", "--summary-skip", n_skip_tracks_);
    category_field_ = tensors.schema.find(stream::kCategoryField);
    if (category_field_ < 0)
      fail_input("--summary-skip needs each record's sampling category, and the stream has no 'category' field",
                 input_name,
                 "score predictions of s2f-sample-positions positions (s2f-encode and s2f-predict carry the field)");
  }
  if (!o.exons.empty()) {
    exon_tracks_predicate_ = o.exon_tracks;
    exon_mask_ = track_mask(plan, o.exon_tracks, "--exon-tracks", "--exons", n_exon_tracks_);
    for (size_t t = 0; t < exon_mask_.size(); ++t)
      if (exon_mask_[t] && plan.tracks()[t].bins <= 1) exon_mask_[t] = false;  // scalar heads have no per-bin values
    n_exon_tracks_ = static_cast<size_t>(std::count(exon_mask_.begin(), exon_mask_.end(), true));
    if (n_exon_tracks_ == 0)
      fail_usage("--exon-tracks '" + o.exon_tracks + "' matches only tracks of one-bin (scalar) heads, which have no "
                 "per-bin values", "select tracks of profile heads");
    const auto& g = tensors.meta.contains("geometry") ? tensors.meta["geometry"] : nlohmann::json::object();
    window_length_ = g.is_object() ? g.value("sequence_length", int64_t{0}) : 0;
    if (window_length_ < 1)
      fail_input("--exons places bins on the genome from the window length, and the stream has no "
                 "meta.geometry.sequence_length", input_name, "score the output of s2f-encode | s2f-predict");
    for (const auto& t : plan.tracks())
      if (exon_track(static_cast<size_t>(&t - plan.tracks().data())) && t.bins * t.bin_size > window_length_)
        fail_input("track '" + t.id + "' covers " + std::to_string(t.bins * t.bin_size) + " bp, more than the " +
                       std::to_string(window_length_) + "-bp window, so its bins cannot be placed on the genome",
                   input_name, "check the head geometry (meta.geometry.heads)");
    exons_path_ = o.exons;
    exons_ = std::make_unique<genome::ExonIntervals>(genome::ExonIntervals::read(o.exons));
    if (!exons_->typed())
      warn(o.exons + " gives no gene_type/transcript_type on its exons: all " + std::to_string(exons_->kept()) +
           " exon(s) are taken as protein-coding");
  }
}

ValueRouting::~ValueRouting() = default;

bool ValueRouting::skips_category(std::string_view category) const {
  return std::binary_search(skip_categories_.begin(), skip_categories_.end(), category);
}

bool ValueRouting::skips_summary(size_t track, const RecordPlace& where) const {
  return !skip_mask_.empty() && skip_mask_[track] && skips_category(where.category);
}

void ValueRouting::begin_record(const RecordPlace& where) {
  place_ = where;
  bins_cache_.clear();
}

const std::vector<int64_t>& ValueRouting::exon_bins(size_t field, int64_t bins, int64_t bin_size) {
  for (const auto& [f, v] : bins_cache_)
    if (f == field) return v;
  std::vector<int64_t> out;
  if (place_.start < 0) ++exon_not_genomic_;
  else if (!exons_->chromosome(place_.chrom)) ++exon_other_chromosome_;
  else {
    const int64_t L = window_length_, r = bin_size;
    const int64_t offset = (L - bins * r) / 2;
    for (int64_t k = 0; k < bins; ++k) {
      const int64_t begin =
          place_.strand == '-' ? place_.start + L - offset - (k + 1) * r : place_.start + offset + k * r;
      if (exons_->overlaps(place_.chrom, begin, begin + r)) out.push_back(k);
    }
  }
  bins_cache_.emplace_back(field, std::move(out));
  return bins_cache_.back().second;
}

void ValueRouting::warn_if_idle(uint64_t records) const {
  if (routes_summary() && records > 0 && summary_records_skipped_ == 0) {
    std::string cats;
    for (const auto& c : skip_categories_) cats += (cats.empty() ? "" : ",") + c;
    warn("--summary-skip: none of the " + std::to_string(records) + " record(s) has a category in " + cats +
         ", so no summary value was left out; check the names against the stream's `category` field "
         "(s2f-view) or use ccre for the SCREEN categories");
  }
  if (routes_perbin() && exon_draws_ > 0 && exon_draws_empty_ == exon_draws_)
    warn("--exons: no record's output window overlapped an exon of " + exons_path_ + " (" +
         std::to_string(exon_other_chromosome_) + " of " + std::to_string(exon_draws_) +
         " on chromosomes it lacks), so the tracks of --exon-tracks got no per-bin values; check that the "
         "annotation is of the stream's genome and its chromosome names");
}

void ValueRouting::count_exon_draw(int64_t available, int64_t k) {
  ++exon_draws_;
  if (available == 0) ++exon_draws_empty_;
  else if (available < k) ++exon_draws_short_;
}

nlohmann::json ValueRouting::describe() const {
  nlohmann::json j = nlohmann::json::object();
  if (routes_summary())
    j["summary_skip"] = {{"tracks", skip_tracks_predicate_}, {"n_tracks", n_skip_tracks_},
                         {"categories", skip_categories_}};
  if (routes_perbin())
    j["perbin_exons"] = {{"annotation", exons_path_},
                         {"tracks", exon_tracks_predicate_},
                         {"n_tracks", n_exon_tracks_},
                         {"rule", "protein_coding exons" + std::string(exons_->basic_only() ? " tagged basic" : "") +
                                      ", merged per chromosome; a bin counts when it overlaps one by >= 1 bp"},
                         {"exon_lines", exons_->exon_lines()},
                         {"exons_kept", exons_->kept()},
                         {"merged_intervals", exons_->merged()}};
  return j;
}

std::string ValueRouting::report() const {
  std::string s;
  if (routes_summary())
    s += "summary: " + std::to_string(summary_values_skipped_) + " value(s) of " + std::to_string(n_skip_tracks_) +
         " track(s) matching '" + skip_tracks_predicate_ + "' left out for " +
         std::to_string(summary_records_skipped_) + " record(s) of skipped categories";
  if (routes_perbin()) {
    s += std::string(s.empty() ? "" : "; ") + "perbin: " + std::to_string(n_exon_tracks_) + " track(s) matching '" +
         exon_tracks_predicate_ + "' drew in exons, " + std::to_string(exon_draws_empty_) + " of " +
         std::to_string(exon_draws_) + " head window(s) overlapped no exon (" +
         std::to_string(exon_other_chromosome_) + " on chromosomes the annotation lacks, " +
         std::to_string(exon_not_genomic_) + " not genomic) and " + std::to_string(exon_draws_short_) +
         " fewer than k bins (" + std::to_string(exon_values_missing_) + " value(s) left NaN)";
  }
  return s;
}

}  // namespace s2f::score
