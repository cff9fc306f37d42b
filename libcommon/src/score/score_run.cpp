#include "s2f/score/score_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>

#include "s2f/background/background_dir.hpp"
#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/genome/job_sources.hpp"
#include "s2f/genome/text_lines.hpp"
#include "s2f/score/profile_count_scorer.hpp"
#include "s2f/score/selene_files.hpp"
#include "s2f/score/track_percentiles.hpp"
#include "s2f/score/value_emitter.hpp"
#include "s2f/score/variant_scorer.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/score_records.hpp"

namespace s2f::score {

namespace {

bool wants_selene(const ScoreRunOptions& o) { return !o.tsv_prefix.empty() || !o.hdf5_prefix.empty(); }

// The statistic each Selene file holds.
Statistic selene_statistic(SeleneFile f) {
  switch (f) {
    case SeleneFile::diffs: return Statistic::diff;
    case SeleneFile::abs_diffs: return Statistic::abs_diff;
    case SeleneFile::logits: return Statistic::logit_diff;
    case SeleneFile::ref_predictions: return Statistic::ref;
    case SeleneFile::alt_predictions: return Statistic::alt;
    case SeleneFile::predictions: return Statistic::ref;
  }
  return Statistic::diff;
}

class ScoreRun {
 public:
  ScoreRun(const ScoreRunOptions& o, const ScoringOptions& scoring, Run& run);
  void score_all();

 private:
  void open_output();
  void open_selene_files();
  void score_pair(const stream::Batch& held, const RecordPairer::Pair& pair);
  void compute_fields(const stream::Batch& held, const RecordPairer::Pair& pair, float* out);
  bool two_sided(size_t field, size_t track) const;
  void add_null(const stream::Batch& held, const RecordPairer::Pair& pair);
  void close_variant();
  void check_variant_statistics() const;

  const ScoreRunOptions& o_;
  Run& run_;
  std::vector<background::ValueKind> emit_;  // empty: a scores stream
  std::unique_ptr<stream::Reader> in_;
  std::unique_ptr<catalog::StreamTrackFilter> filter_;
  const stream::Header* th_ = nullptr;  // the (sliced) tensors header
  std::optional<ScoringPlan> plan_;
  size_t n_tracks_ = 0;
  std::vector<size_t> head_fields_;
  size_t id_field_ = 0;
  std::string cdf_path_;  // --cdf as a path (a name is looked up in the background directory)
  std::unique_ptr<TrackPercentiles> percentiles_;
  std::unique_ptr<ProfileCountScorer> allele_scorer_;  // --scorer chrombpnet

  // Shuffled-flank nulls (s2f-encode --null): a variant's record stays open
  // while its null pairs stream past, then gets one p-value per field.
  int64_t null_count_ = 0;
  bool open_ = false;
  std::string open_id_;
  std::vector<float> observed_, nulls_, null_row_;
  int64_t nulls_seen_ = 0;
  std::vector<double> sorted_;
  std::string variant_stat_;  // a requested statistic that needs ref and alt ("" = none)
  uint64_t variants_ = 0, singles_ = 0;
  void copy_alongside(const std::string& from, const std::string& to);
  uint64_t nan_logits_ = 0;  // logit_diff values of variants that came out NaN (--logit selene, p < 0)
  void count_nan_logits(Statistic s, bool variant, std::span<const float> values);

  std::unique_ptr<stream::Writer> writer_;
  std::unique_ptr<stream::ScoresRecordWriter> scores_;
  std::unique_ptr<ValueRouting> routing_;  // --summary-skip / --exons
  std::unique_ptr<ValueEmitter> values_;
  size_t chrom_field_ = 0, start_field_ = 0, strand_field_ = 0;
  size_t n_fields_ = 0;  // statistic (or effect) fields before the percentiles

  // Selene's files: one set, or one per source file of a stream encoded from
  // several VCFs (rows routed by the record's `source` field).
  std::vector<std::unique_ptr<SeleneFiles>> selene_;
  std::map<std::string, size_t, std::less<>> selene_by_source_;
  int source_field_ = -1;
  bool selene_labels_ = false;  // single windows with Selene's row labels: PREFIX_predictions
  void split_side_file(const std::string& from, const std::vector<std::string>& paths,
                       const std::vector<std::string>& to);
  std::vector<Statistic> selene_stats_;
  std::vector<std::vector<float>> selene_rows_;
  std::vector<const float*> selene_ptrs_;

  HeadValues ref_, alt_;
  std::vector<float> buf_, effect_;
};

ScoreRun::ScoreRun(const ScoreRunOptions& o, const ScoringOptions& scoring, Run& run)
    : o_(o), run_(run), emit_(parse_emit_kinds(o.emit)) {
  in_ = stream::Reader::open(o.input);
  in_->expect_kind({stream::kind::tensors});
  if (auto t = in_->peek_total()) run.progress.set_total(*t);
  if (!o.select.selects.empty() || !o.select.select_file.empty())
    filter_ = std::make_unique<catalog::StreamTrackFilter>(in_->header(), o.select);
  th_ = filter_ ? &filter_->header() : &in_->header();
  plan_.emplace(*th_, scoring);
  n_tracks_ = plan_->tracks().size();
  for (const auto& t : plan_->tracks())
    if (std::find(head_fields_.begin(), head_fields_.end(), t.field) == head_fields_.end()) head_fields_.push_back(t.field);
  id_field_ = th_->schema.index("id");
  chrom_field_ = th_->schema.index("chrom");
  start_field_ = th_->schema.index("start");
  strand_field_ = th_->schema.index("strand");
  if (!scoring.allele_scores.empty()) {
    allele_scorer_ = std::make_unique<ProfileCountScorer>(*th_, *plan_, o.counts_head, scoring.allele_scores, in_->name());
    head_fields_.push_back(allele_scorer_->counts_field());
    if (!o.peaks.empty())
      allele_scorer_->load_peaks(o.peaks, plan_->geometry().value("model_hash", nlohmann::json()));
  }
  if (run.opt.output != "-") {
    // Only effect skips records; with several --emit kinds the side file is
    // named after the first kind's stream.
    auto out = run.opt.output;
    if (auto at = out.find("{kind}"); at != std::string::npos && !emit_.empty())
      out.replace(at, 6, background::kind_name(emit_.front()));
    run.skips.set_path(out + ".skipped.tsv");
  }

  if (th_->meta.contains("null") && th_->meta["null"].is_object()) {
    null_count_ = th_->meta["null"].value("count", int64_t{0});
    if (null_count_ < 1)
      fail_input("the stream's meta.null has no shuffle count", in_->name(), "rerun s2f-encode --null shuffled-flanks:N");
    if (!emit_.empty() || !o.cdf.empty() || wants_selene(o))
      fail_usage("the stream holds shuffled-flank nulls (s2f-encode --null), which give p-values in a scores stream; "
                 "--emit, --cdf, --tsv and --hdf5 do not use them: encode without --null for those");
  }
  if (!o.cdf.empty()) cdf_path_ = background::resolve_background(o.cdf);
  if (!cdf_path_.empty())
    percentiles_ = std::make_unique<TrackPercentiles>(cdf_path_, *plan_, parse_percentile_rule(o.percentile_rule),
                                                      o.min_samples);
  if (emit_.empty()) {
    if (plan_->per_track_layers()) variant_stat_ = "the layer table's effect";
    if (allele_scorer_) variant_stat_ = "--scorer chrombpnet";
    for (auto s : plan_->options().statistics)
      if (variant_stat_.empty() && needs_alt(s)) variant_stat_ = std::string("--stat ") + statistic_name(s);
    selene_labels_ = wants_selene(o) && th_->meta.contains("selene_labels");
    if (variant_stat_.empty() && wants_selene(o) && !selene_labels_)
      for (auto item : selene_items(o.save))
        for (auto f : selene_files_of(item))
          if (variant_stat_.empty() && needs_alt(selene_statistic(f)))
            variant_stat_ = std::string("the Selene file ") + statistic_name(selene_statistic(f));
  }
  check_variant_statistics();
  open_output();
  if (wants_selene(o)) open_selene_files();

  buf_.resize(n_tracks_);
  effect_.resize(n_tracks_);
}

// A scores stream, or a values stream for reservoirs.
void ScoreRun::open_output() {
  const auto& plan = *plan_;
  stream::Header header;
  if (emit_.empty()) {
    auto names = plan.field_names();
    n_fields_ = names.size();
    if (null_count_ > 0)
      for (size_t s = 0; s < n_fields_; ++s) names.push_back(names[s] + ".pval");
    if (percentiles_) {
      names.push_back("effect_pct");
      names.push_back("activity_pct");
    }
    header = stream::make_header(stream::kind::scores, stream::scores_schema(names, static_cast<int64_t>(n_tracks_)),
                                 run_.provenance(), th_);
    header.meta["tracks"] = plan.catalog().to_json();
    header.meta["score"] = {{"geometry", plan.geometry()}, {"track_ids", plan.track_ids()},
                            {"signed_flags", plan.signed_flags()}};
    if (percentiles_) {
      header.meta["score"]["cdf"] = cdf_path_;
      header.meta["score"]["cdf_flags"] = percentiles_->flags();
    }
    if (null_count_ > 0) {
      std::vector<std::string> tails;
      for (size_t s = 0; s < n_fields_; ++s) tails.push_back(two_sided(s, 0) ? "both" : "right");
      header.meta["score"]["null"] = th_->meta["null"];
      header.meta["score"]["null"]["pvalue"] =
          "right: (1 + #{null >= observed}) / (N + 1); both: twice the smaller tail (variant-scorer's get_pvals), "
          "against the variant's own N shuffles";
      header.meta["score"]["null"]["tails"] = tails;
    }
    writer_ = stream::open_writer(run_.opt.output, run_.opt.zstd_level, std::move(header));
    scores_ = std::make_unique<stream::ScoresRecordWriter>(*writer_, th_->schema, names);
    return;
  }
  // A scalar model has no per-bin values (chorus omits its perbin_cdfs).
  if (emit_.back() == background::ValueKind::perbin && all_tracks_scalar(plan))
    fail_input("--emit perbin: every scored track is on a one-bin (scalar) head, so there are no per-bin values",
               in_->name(), "leave perbin out of --emit for scalar models, as chorus does");
  if (o_.routing.active()) routing_ = std::make_unique<ValueRouting>(o_.routing, plan, *th_, in_->name());
  values_ = std::make_unique<ValueEmitter>(emit_, plan, *th_, run_.opt.output, o_.perbin_k,
                                           run_.opt.seed.value_or(defaults::perbin_seed), routing_.get(), run_);
}

// Selene's files. PREFIX as given, or with a directory DIR/ Selene's
// output_dir: DIR/<prefix> of the input file (its name without the last
// extension), one set per file when the stream was encoded from several.
void ScoreRun::open_selene_files() {
  const bool h5 = !o_.hdf5_prefix.empty();
  const std::string& given = h5 ? o_.hdf5_prefix : o_.tsv_prefix;
  const std::string option = h5 ? "--hdf5" : "--tsv";
  const bool in_dir = given.ends_with("/");
  const auto& meta = th_->meta;
  auto text = [](const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  const nlohmann::json input = meta.contains("encode_input") ? meta["encode_input"] : nlohmann::json();
  const nlohmann::json sources =
      input.is_object() && input.contains("sources") && input["sources"].is_array() ? input["sources"] : nlohmann::json();

  std::vector<SeleneFile> files;
  if (selene_labels_) {
    // Selene writes predictions only for BED and FASTA input.
    if (!o_.save.empty())
      for (auto item : selene_items(o_.save))
        if (item != SeleneItem::predictions)
          fail_usage(std::string("--save ") + selene_item_name(item) + ": the stream holds single windows with Selene's "
                     "row labels (s2f-encode --selene-labels), whose Selene file is predictions only",
                     "drop --save or give --save predictions");
    files.push_back(SeleneFile::predictions);
    selene_stats_.push_back(Statistic::ref);
  } else {
    for (auto item : selene_items(o_.save))
      for (auto f : selene_files_of(item)) {
        files.push_back(f);
        selene_stats_.push_back(selene_statistic(f));
      }
  }
  selene_rows_.assign(selene_stats_.size(), std::vector<float>(n_tracks_));
  for (auto& r : selene_rows_) selene_ptrs_.push_back(r.data());
  auto open_set = [&](const std::string& prefix) {
    if (selene_labels_) {
      std::vector<std::string> columns;
      for (const auto& c : meta["selene_labels"].value("columns", nlohmann::json::array()))
        if (c.is_string()) columns.push_back(c.get<std::string>());
      selene_.push_back(std::make_unique<SeleneFiles>(prefix, h5, files, plan_->track_ids(), columns));
    } else {
      selene_.push_back(std::make_unique<SeleneFiles>(prefix, h5, files, plan_->track_ids()));
    }
  };

  // The windows s2f-encode could not make travel with the results: its
  // side file as PREFIX.NA, or, when it listed them as Selene does
  // (--selene-na), that list as PREFIX.NA and the side file, which says why,
  // beside it as PREFIX.NA.skipped.tsv.
  const std::string na_file = text(meta, "na_file");
  if (sources.is_array() && sources.size() > 1) {
    if (!in_dir)
      fail_usage("the stream holds the records of " + std::to_string(sources.size()) + " VCFs (" + text(input, "path") +
                     "); " + option + " " + given + " would mix them",
                 "give a directory, " + option + " DIR/, for Selene's DIR/<prefix>_... per VCF");
    source_field_ = th_->schema.find(stream::kSourceField);
    if (source_field_ < 0)
      fail_input("meta.encode_input lists several VCFs but the records carry no 'source' field", in_->name(),
                 "rerun s2f-encode with the --vcf files");
    std::vector<std::string> paths, side_files;
    for (const auto& src : sources) {
      const std::string prefix = given + text(src, "prefix");
      selene_by_source_.emplace(text(src, "prefix"), selene_.size());
      open_set(prefix);
      const std::string selene_na = text(src, "selene_na_file");
      if (!selene_na.empty()) copy_alongside(selene_na, prefix + ".NA");
      paths.push_back(text(src, "path"));
      side_files.push_back(selene_na.empty() ? prefix + ".NA" : prefix + ".NA.skipped.tsv");
    }
    split_side_file(na_file, paths, side_files);
    return;
  }
  std::string prefix = given;
  if (in_dir) {
    const std::string path = text(input, "path");
    const std::string stem = selene_labels_ ? meta["selene_labels"].value("prefix", std::string())
                                            : path.empty() || path == "-" ? std::string() : genome::selene_prefix_of(path);
    if (stem.empty())
      fail_usage(option + " " + given + " names a directory, but the stream does not say which file it was encoded "
                     "from (meta.encode_input.path '" + path + "')",
                 "give " + option + " PREFIX instead");
    prefix += stem;
  }
  open_set(prefix);
  const std::string selene_na = text(meta, "selene_na_file");
  if (!selene_na.empty()) {
    copy_alongside(selene_na, prefix + ".NA");
    copy_alongside(na_file, prefix + ".NA.skipped.tsv");
  } else {
    copy_alongside(na_file, prefix + ".NA");
  }
}

// The side file of a run over several VCFs, one file per VCF: each row goes
// where its `where` (file:line) points, under the side file's header line.
void ScoreRun::split_side_file(const std::string& from, const std::vector<std::string>& paths,
                               const std::vector<std::string>& to) {
  if (from.empty() || !std::filesystem::exists(from)) return;  // absent: nothing was skipped
  genome::TextLines lines(from);
  std::string header;
  std::vector<std::string> rows(paths.size());
  std::string_view line;
  while (lines.next(line)) {
    if (line.starts_with("#")) {
      header = std::string(line) + "\n";
      continue;
    }
    const size_t tab = line.find('\t');
    const std::string_view where = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
    size_t k = 0;
    while (k < paths.size() && !(where.starts_with(paths[k]) && where.size() > paths[k].size() &&
                                 where[paths[k].size()] == ':'))
      ++k;
    if (k == paths.size())
      fail_input("side-file row '" + std::string(line.substr(0, 80)) + "' names none of the VCFs of the run",
                 lines.where(), "keep the side file s2f-encode wrote for this stream");
    rows[k] += std::string(line) + "\n";
  }
  for (size_t k = 0; k < paths.size(); ++k) {
    if (rows[k].empty()) continue;  // as a run over that VCF alone: no side file
    auto out = ByteSink::open(to[k]);
    out->write(header.data(), header.size());
    out->write(rows[k].data(), rows[k].size());
    out->commit();
  }
}

void ScoreRun::copy_alongside(const std::string& from, const std::string& to) {
  if (from.empty() || !std::filesystem::exists(from)) return;  // absent: nothing was skipped
  // Written like every other output: it appears with them at the end.
  std::unique_ptr<ByteSource> in;
  try {
    in = ByteSource::open(from);
  } catch (const Error& e) {
    warn("could not copy " + from + " to " + to + ": " + e.what());
  }
  if (!in) return;
  auto out = ByteSink::open(to);
  std::vector<char> buf(1 << 16);
  while (size_t n = in->read(buf.data(), buf.size())) out->write(buf.data(), n);
  out->commit();
}

// D12: a statistic of a variant (diff, log2fc, ...) has no value on a single
// window. A stream encoded from BED, narrowPeak or sequences holds no
// variants: refused before anything is written; any other stream that ends
// without one variant is refused at its end (so no output appears). Single
// windows in a stream that also holds variants get NaN, as before.
void ScoreRun::check_variant_statistics() const {
  if (variant_stat_.empty()) return;
  bool none = false;
  std::string why;
  const auto& meta = th_->meta;
  if (meta.contains("encode_input") && meta["encode_input"].is_object() &&
      meta["encode_input"].contains("format") && meta["encode_input"]["format"].is_string()) {
    auto f = meta["encode_input"]["format"].get<std::string>();
    if (f == "BED" || f == "narrowPeak" || f == "FASTA records" || f == "sequence lines") {
      none = true;
      why = "it was encoded from " + f + ", so it holds single windows only";
    }
  }
  if (!none && singles_ > 0 && variants_ == 0) {
    none = true;
    why = "all its " + std::to_string(singles_) + " record(s) are single windows (no ref/alt pair)";
  }
  if (none)
    fail_input(variant_stat_ + " needs variants (a ref and an alt record), but " + why + ": every value would be NaN",
               in_->name(), "score variants (s2f-encode --vcf), or use --stat ref for the window values of positions");
}

void ScoreRun::score_all() {
  RecordPairer pairer(*th_, in_->name());
  stream::Batch frame, sliced;
  while (in_->next(frame)) {
    run_.records_in += frame.size();
    const stream::Batch* src = &frame;
    if (filter_) {
      sliced.reset(th_->schema);
      for (size_t r = 0; r < frame.size(); ++r) filter_->copy(frame, r, sliced);
      src = &sliced;
    }
    for (const auto& pair : pairer.feed(*src)) score_pair(pairer.held(), pair);
    run_.progress.tick(run_.records_in);
  }
  pairer.finish();
  close_variant();
  check_variant_statistics();
  if (nan_logits_)
    warn(std::to_string(nan_logits_) + " logit_diff value(s) are NaN: a prediction below 0 (or NaN) is no "
         "probability, and Selene's logit (--logit selene) gives NaN there too; logit_diff suits sigmoid outputs");
  if (values_) values_->finish();
  else writer_->finish();
  if (routing_) {
    routing_->warn_if_idle(run_.records_out);
    run_.summary_extra += (run_.summary_extra.empty() ? "routing: " : "; routing: ") + routing_->report();
  }
  for (auto& files : selene_) files->finish();
}

void ScoreRun::count_nan_logits(Statistic s, bool variant, std::span<const float> values) {
  if (s != Statistic::logit_diff || !variant) return;
  for (float v : values) nan_logits_ += std::isnan(v);
}

// Signed scores (their sign is the direction) get two-sided p-values.
bool ScoreRun::two_sided(size_t field, size_t track) const {
  const auto& plan = *plan_;
  if (allele_scorer_) return is_signed_score(allele_scorer_->scores()[field]);
  if (plan.per_track_layers()) return plan.tracks()[track].spec.is_signed;
  switch (plan.options().statistics[field]) {
    case Statistic::diff:
    case Statistic::sad:
    case Statistic::log2fc:
    case Statistic::logfc:
    case Statistic::logit_diff: return true;
    default: return false;
  }
}

// Every output field (before p-values and percentiles) of one pair: n_fields_ x n_tracks_.
void ScoreRun::compute_fields(const stream::Batch& held, const RecordPairer::Pair& pair, float* out) {
  const auto& plan = *plan_;
  const HeadValues* altp = pair.alt ? &alt_ : nullptr;
  if (allele_scorer_) {
    if (altp) allele_scorer_->score(held, pair.ref, *pair.alt, ref_, alt_, {out, n_fields_ * n_tracks_});
    else std::fill(out, out + n_fields_ * n_tracks_, std::nanf(""));
    return;
  }
  for (size_t s = 0; s < n_fields_; ++s) {
    float* dst = out + s * n_tracks_;
    if (plan.per_track_layers()) {
      if (altp) effect_tracks(plan, ref_, alt_, dst);
      else std::fill(dst, dst + n_tracks_, std::nanf(""));
    } else {
      score_tracks(plan, plan.options().statistics[s], o_.scoring.pseudocount, ref_, altp, dst);
    }
  }
}

void ScoreRun::add_null(const stream::Batch& held, const RecordPairer::Pair& pair) {
  auto id = held.str(id_field_, pair.ref);
  if (!open_ || id != open_id_)
    fail_input("the shuffled-flank pair of '" + std::string(id) + "' does not follow its variant's REF/ALT records",
               in_->name(), "keep the stream in s2f-encode's order (each variant, then its nulls)");
  null_row_.resize(n_fields_ * n_tracks_);
  compute_fields(held, pair, null_row_.data());
  nulls_.insert(nulls_.end(), null_row_.begin(), null_row_.end());
  ++nulls_seen_;
}

// The open variant's p-values: each field and track against the same
// field and track of its own shuffles.
void ScoreRun::close_variant() {
  if (!open_) return;
  if (nulls_seen_ != null_count_)
    fail_input("variant '" + open_id_ + "' has " + std::to_string(nulls_seen_) + " shuffled-flank pairs, the stream's "
                   "header says " + std::to_string(null_count_),
               in_->name(), "the stream was cut or filtered; rerun s2f-encode --null");
  const size_t width = n_fields_ * n_tracks_;
  for (size_t s = 0; s < n_fields_; ++s) {
    auto dst = scores_->statistic(n_fields_ + s);
    for (size_t t = 0; t < n_tracks_; ++t) {
      const float obs = observed_[s * n_tracks_ + t];
      sorted_.clear();
      for (int64_t k = 0; k < null_count_; ++k) {
        const float v = nulls_[static_cast<size_t>(k) * width + s * n_tracks_ + t];
        if (!std::isnan(v)) sorted_.push_back(v);
      }
      std::sort(sorted_.begin(), sorted_.end());
      dst[t] = std::isnan(obs) || sorted_.empty()
                   ? std::nanf("")
                   : static_cast<float>(empirical_pvalue(sorted_, obs, two_sided(s, t)));
    }
  }
  scores_->end();
  ++run_.records_out;
  open_ = false;
  nulls_.clear();
  nulls_seen_ = 0;
}

void ScoreRun::score_pair(const stream::Batch& held, const RecordPairer::Pair& pair) {
  const auto& plan = *plan_;
  ref_.load(held, pair.ref, head_fields_);
  if (pair.alt) alt_.load(held, *pair.alt, head_fields_);
  if (pair.null) return add_null(held, pair);
  close_variant();
  const HeadValues* altp = pair.alt ? &alt_ : nullptr;
  ++(altp ? variants_ : singles_);
  auto id = held.str(id_field_, pair.ref);
  if (values_) {
    RecordPlace where;
    if (routing_) {
      where.chrom = held.str(chrom_field_, pair.ref);
      where.start = held.scalar<int64_t>(start_field_, pair.ref);
      where.strand = held.scalar<uint8_t>(strand_field_, pair.ref);
      if (routing_->category_field() >= 0) where.category = held.str(static_cast<size_t>(routing_->category_field()), pair.ref);
    }
    if (values_->add(id, ref_, altp, where)) ++run_.records_out;
    else run_.skips.skip(id, in_->name(), "--emit effect needs a variant (ref and alt records); this is a single window");
    return;
  }

  // The alt record carries the variant's alt identity; ref fields otherwise.
  scores_->begin(held, pair.ref);
  observed_.resize(n_fields_ * n_tracks_);
  compute_fields(held, pair, observed_.data());
  if (!allele_scorer_ && !plan.per_track_layers())
    for (size_t s = 0; s < n_fields_; ++s)
      count_nan_logits(plan.options().statistics[s], altp != nullptr,
                       std::span<const float>(observed_.data() + s * n_tracks_, n_tracks_));
  for (size_t s = 0; s < n_fields_; ++s)
    std::copy_n(observed_.begin() + static_cast<std::ptrdiff_t>(s * n_tracks_), n_tracks_,
                scores_->statistic(s).begin());
  if (null_count_ > 0) {
    if (altp) {  // p-values once its nulls have streamed past
      open_ = true;
      open_id_ = std::string(id);
      return;
    }
    for (size_t s = 0; s < n_fields_; ++s) {
      auto dst = scores_->statistic(n_fields_ + s);
      std::fill(dst.begin(), dst.end(), std::nanf(""));
    }
  }
  if (percentiles_) {
    if (altp) effect_tracks(plan, ref_, alt_, effect_.data());
    else std::fill(effect_.begin(), effect_.end(), std::nanf(""));
    score_tracks(plan, Statistic::ref, 0, ref_, nullptr, buf_.data());
    percentiles_->rank(plan, effect_.data(), buf_.data(), scores_->statistic(n_fields_), scores_->statistic(n_fields_ + 1));
  }
  scores_->end();
  ++run_.records_out;
  if (!selene_.empty()) {
    for (size_t s = 0; s < selene_stats_.size(); ++s)
      score_tracks(plan, selene_stats_[s], -1, ref_, altp, selene_rows_[s].data());
    size_t set = 0;
    if (source_field_ >= 0) {
      const auto source = held.str(static_cast<size_t>(source_field_), pair.ref);
      auto it = selene_by_source_.find(source);
      if (it == selene_by_source_.end())
        fail_input("record '" + std::string(id) + "' comes from '" + std::string(source) +
                       "', which meta.encode_input.sources does not list",
                   in_->name(), "score the stream s2f-encode wrote, unchanged");
      set = it->second;
    }
    selene_[set]->add_row(held, pair.ref, selene_ptrs_);
  }
}

}  // namespace

void check_score_options(const ScoreRunOptions& o) {
  if (!o.tsv_prefix.empty() && !o.hdf5_prefix.empty()) fail_usage("--tsv and --hdf5 are alternatives; give one");
  if (!o.emit.empty()) parse_emit_kinds(o.emit);
  if (!o.emit.empty() && (!o.cdf.empty() || wants_selene(o)))
    fail_usage("--emit writes a values stream; it does not combine with --cdf, --tsv or --hdf5");
  if (o.perbin_k < 1) fail_usage("--perbin-k must be at least 1");
  check_routing_options(o.routing, o.emit.empty() ? std::vector<background::ValueKind>{} : parse_emit_kinds(o.emit));
  parse_percentile_rule(o.percentile_rule);
  if (o.min_samples < 1) fail_usage("--min-samples must be at least 1");
  if (o.selene_files && !wants_selene(o))
    fail_usage("--selene-files lists the files of --tsv PREFIX or --hdf5 PREFIX; give one");
  if (o.selene_files && (o.tsv_prefix.ends_with("/") || o.hdf5_prefix.ends_with("/")))
    fail_usage("--selene-files lists the files of a PREFIX; under a directory DIR/ they are named after the encoded "
               "file(s), which only the stream says",
               "give --tsv/--hdf5 DIR/<prefix> (the VCF's name without its last extension)");
  if (wants_selene(o)) selene_items(o.save);
  if (o.scorer != "window" && o.scorer != "chrombpnet")
    fail_usage("--scorer '" + o.scorer + "' is not one of window, chrombpnet");
  if (o.scorer == "chrombpnet") {
    if (!o.emit.empty() || !o.cdf.empty() || wants_selene(o) || !o.scoring.layer_table.empty())
      fail_usage("--scorer chrombpnet writes the variant scorer's scores; it does not combine with --emit, --cdf, "
                 "--tsv, --hdf5 or --layers");
    if (o.scoring.window_bp != 0 || o.scoring.pseudocount >= 0)
      fail_usage("--scorer chrombpnet compares whole heads without pseudocounts; drop --window and --pseudocount");
  } else if (!o.counts_head.empty() || !o.peaks.empty()) {
    fail_usage("--counts-head and --peaks go with --scorer chrombpnet");
  }
}

std::vector<SeleneItem> selene_items(const std::vector<std::string>& save) {
  auto names = split_option_list(save);
  if (names.empty()) return {SeleneItem::diffs, SeleneItem::abs_diffs, SeleneItem::logits, SeleneItem::predictions};
  std::vector<SeleneItem> items;
  for (const auto& s : names) {
    auto item = find_selene_item(s);
    if (!item) fail_usage("--save '" + s + "' is not one of diffs, abs_diffs, logits, predictions");
    items.push_back(*item);
  }
  return items;
}

std::vector<std::string> selene_output_files(const ScoreRunOptions& o) {
  const bool h5 = !o.hdf5_prefix.empty();
  return selene_file_names(h5 ? o.hdf5_prefix : o.tsv_prefix, selene_items(o.save), h5);
}

void run_score(const ScoreRunOptions& options, Run& run) {
  // --stat names first: an unknown statistic is the first thing to hear about.
  ScoringOptions scoring = options.scoring;
  if (options.scorer == "chrombpnet") {
    for (const auto& s : split_option_list(options.stats)) scoring.allele_scores.push_back(parse_allele_score(s));
    if (scoring.allele_scores.empty()) scoring.allele_scores = default_allele_scores(!options.peaks.empty());
    for (auto s : scoring.allele_scores)
      if (needs_peaks(s) && options.peaks.empty())
        fail_usage(std::string("--stat ") + allele_score_name(s) + " needs a peak set's predictions: --peaks FILE");
  } else {
    for (const auto& s : split_option_list(options.stats)) scoring.statistics.push_back(parse_statistic(s));
  }
  check_score_options(options);
  if (options.selene_files) {
    for (const auto& name : selene_output_files(options)) std::printf("%s\n", name.c_str());
    std::fflush(stdout);
    return;
  }
  ScoreRun score(options, scoring, run);
  score.score_all();
}

}  // namespace s2f::score
