// s2f-score: per-track scores of predictions. Variant pairs get Selene's
// statistics and windowed effects (log2fc, logfc, sad, profile distances);
// --emit turns the run into a value stream for s2f-reservoir; --cdf adds
// genome-wide percentiles; --tsv/--hdf5 write Selene-compatible files.
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "s2f/background/percentile_table.hpp"
#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/error.hpp"
#include "s2f/score/selene_files.hpp"
#include "s2f/score/variant_scorer.hpp"
#include "s2f/shard.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/defaults.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::score;

namespace {

struct ScoreOptions {
  std::string input = "-";
  std::vector<std::string> stats;
  ScoringOptions scoring;
  catalog::TrackFilterOptions select;
  std::string emit, cdf, tsv_prefix, hdf5_prefix;
  std::vector<std::string> save;
  int64_t perbin_k = defaults::perbin_k;
};

// Deterministic per-record random bins: seeded by (seed, record id), so the
// same record draws the same bins in any shard and at any thread count.
class BinSampler {
 public:
  explicit BinSampler(uint64_t seed) : seed_(seed) {}
  void draw(std::string_view id, int64_t bins, int64_t k, std::vector<int64_t>& out) const {
    uint64_t state = seed_;
    for (char c : id) state = mix_seed(state ^ static_cast<uint8_t>(c));
    out.resize(static_cast<size_t>(k));
    // Without replacement when the head has enough bins (partial Fisher-Yates).
    std::vector<int64_t> pool;
    if (bins >= k) {
      pool.resize(static_cast<size_t>(bins));
      for (int64_t i = 0; i < bins; ++i) pool[static_cast<size_t>(i)] = i;
    }
    for (int64_t i = 0; i < k; ++i) {
      state = mix_seed(state);
      if (bins >= k) {
        int64_t j = i + static_cast<int64_t>(state % static_cast<uint64_t>(bins - i));
        std::swap(pool[static_cast<size_t>(i)], pool[static_cast<size_t>(j)]);
        out[static_cast<size_t>(i)] = pool[static_cast<size_t>(i)];
      } else {
        out[static_cast<size_t>(i)] = static_cast<int64_t>(state % static_cast<uint64_t>(bins));
      }
    }
  }

 private:
  uint64_t seed_;
};

}  // namespace

int main(int argc, char** argv) {
  Tool tool("score", "Score predictions per track: variant effects, window sums, percentiles",
            "s2f-predict --model demo variants.s2f | s2f-score --stat log2fc,diff --window 101 --tsv vep\n"
            "  s2f-score --emit effect --stat log2fc --window 101 -o effects.s2f preds.s2f   # for s2f-reservoir\n"
            "  s2f-score --stat log2fc --window 101 --cdf demo_pertrack.npz preds.s2f | s2f-view\n\n"
            "Window: for a head of B bins of r bp, the centre bin is c = B/2 (integer division) and a window of\n"
            "w bp covers bins c - w/(2r) ... c + w/(2r) inclusive (integer division), clipped to the head;\n"
            "--window 0 scores the whole head. log2fc = log2((alt+pc)/(ref+pc)) on window sums (pc 1),\n"
            "logfc the same in natural log (pc 0.001); logit_diff clips to [1e-6, 1-1e-6]; jsd is in bits on\n"
            "softmax-normalised window profiles. Percentiles: |effect| in [0,1] for unsigned tracks, 2P-1 in\n"
            "[-1,1] for signed ones; activity = the ref window sum against the summary CDF.");
  tool.use(Opt::Output | Opt::Seed | Opt::Compress);
  ScoreOptions o;
  auto& app = tool.app();
  app.add_option("input", o.input, "Tensors stream from s2f-predict (- = stdin)")->capture_default_str();
  app.add_option("--stat", o.stats,
                 "Statistics, comma-separated: ref alt diff abs_diff logit_diff log2fc logfc sad l1 l2 jsd max_abs_diff "
                 "(default log2fc)")->allow_extra_args(false);
  app.add_option("--window", o.scoring.window_bp, "Window in bp around the centre bin (0 = whole head)")->capture_default_str();
  app.add_option("--pseudocount", o.scoring.pseudocount, "Pseudocount (default: log2fc 1, logfc 0.001)");
  app.add_flag("--signed", o.scoring.all_signed, "Treat every track as signed (percentiles in [-1, 1])");
  app.add_option("--layers", o.scoring.layer_table, "Layer table TSV: layer, statistic, window, pseudocount, signed");
  app.add_option("--layer-column", o.scoring.layer_column, "Catalog column naming each track's layer");
  cli::add_track_selection(app, o.select);
  app.add_option("--emit", o.emit, "Write a values stream for s2f-reservoir instead: effect, summary or perbin")
      ->check(CLI::IsMember({"effect", "summary", "perbin"}));
  app.add_option("--perbin-k", o.perbin_k, "Random bins per record per track for --emit perbin")->capture_default_str();
  app.add_option("--cdf", o.cdf, "Background *_pertrack.npz: add effect_pct and activity_pct per track");
  app.add_option("--tsv", o.tsv_prefix, "Also write Selene-compatible TSV files PREFIX_diffs.tsv, ...");
  app.add_option("--hdf5", o.hdf5_prefix, "Also write Selene-compatible HDF5 files PREFIX_diffs.h5, ... + PREFIX_row_labels.txt");
  app.add_option("--save", o.save, "Selene files to write: diffs, abs_diffs, logits, predictions (default all)")
      ->allow_extra_args(false);

  return tool.run(argc, argv, [&](Run& run) {
    for (const auto& s : split_option_list(o.stats)) o.scoring.statistics.push_back(parse_statistic(s));
    if (!o.tsv_prefix.empty() && !o.hdf5_prefix.empty()) fail_usage("--tsv and --hdf5 are alternatives; give one");
    if (!o.emit.empty() && (!o.cdf.empty() || !o.tsv_prefix.empty() || !o.hdf5_prefix.empty()))
      fail_usage("--emit writes a values stream; it does not combine with --cdf, --tsv or --hdf5");
    if (o.perbin_k < 1) fail_usage("--perbin-k must be at least 1");

    auto in = stream::Reader::open(o.input);
    in->expect_kind({stream::kind::tensors});
    if (auto t = in->peek_total()) run.progress.set_total(*t);
    std::unique_ptr<catalog::StreamTrackFilter> filter;
    if (!o.select.selects.empty() || !o.select.select_file.empty())
      filter = std::make_unique<catalog::StreamTrackFilter>(in->header(), o.select);
    const stream::Header& th = filter ? filter->header() : in->header();
    ScoringPlan plan(th, o.scoring);
    const auto& tracks = plan.tracks();
    const size_t n_tracks = tracks.size();
    std::vector<size_t> head_fields;
    for (const auto& t : tracks)
      if (std::find(head_fields.begin(), head_fields.end(), t.field) == head_fields.end()) head_fields.push_back(t.field);
    if (run.opt.output != "-") run.skips.set_path(run.opt.output + ".skipped.tsv");

    // Percentile tables, refused when built with another geometry.
    std::unique_ptr<background::PercentileTable> effect_cdf, summary_cdf;
    std::vector<int64_t> effect_row, summary_row;
    if (!o.cdf.empty()) {
      effect_cdf = std::make_unique<background::PercentileTable>(
          background::PercentileTable::load_npz(o.cdf, background::ValueKind::effect));
      summary_cdf = std::make_unique<background::PercentileTable>(
          background::PercentileTable::load_npz(o.cdf, background::ValueKind::summary));
      effect_cdf->require_geometry(plan.geometry(), o.cdf);
      for (const auto& t : tracks) {
        effect_row.push_back(effect_cdf->find(t.id));
        summary_row.push_back(summary_cdf->find(t.id));
        if (effect_row.back() < 0)
          fail_input("track '" + t.id + "' has no background in " + o.cdf, o.cdf,
                     "build the background with the same model and track selection");
      }
    }

    // The output: a scores stream, or a values stream for reservoirs.
    auto field_names = plan.field_names();
    stream::Header out_header;
    int64_t k = o.emit == "perbin" ? o.perbin_k : 1;
    if (o.emit.empty()) {
      auto names = field_names;
      if (effect_cdf) {
        names.push_back("effect_pct");
        names.push_back("activity_pct");
      }
      out_header = stream::make_header(stream::kind::scores, stream::scores_schema(names, static_cast<int64_t>(n_tracks)), run.provenance(), &th);
      out_header.meta["tracks"] = plan.catalog().to_json();
      out_header.meta["score"] = {{"geometry", plan.geometry()}, {"track_ids", plan.track_ids()},
                                  {"signed_flags", plan.signed_flags()}};
      if (effect_cdf) out_header.meta["score"]["cdf"] = o.cdf;
    } else {
      out_header = stream::make_header(stream::kind::values, stream::values_schema(static_cast<int64_t>(n_tracks), k), run.provenance(), &th);
      auto geometry = plan.geometry();
      if (o.emit == "perbin") geometry["perbin_k"] = k;
      out_header.meta["value_kind"] = o.emit;
      out_header.meta["tracks"] = plan.track_ids();
      out_header.meta["signed_flags"] = plan.signed_flags();
      out_header.meta["geometry"] = geometry;
    }
    auto writer = stream::open_writer(run.opt.output, run.opt.zstd_level, out_header);
    stream::FieldCopier copier(th.schema, out_header.schema);
    size_t values_field = o.emit.empty() ? 0 : out_header.schema.index("values");
    std::vector<size_t> stat_fields;
    for (const auto& n : field_names) stat_fields.push_back(out_header.schema.find(n) >= 0 ? out_header.schema.index(n) : 0);

    std::unique_ptr<SeleneFiles> selene;
    std::vector<Statistic> selene_stats;
    if (!o.tsv_prefix.empty() || !o.hdf5_prefix.empty()) {
      auto saves = split_option_list(o.save);
      if (saves.empty()) saves = {"diffs", "abs_diffs", "logits", "predictions"};
      std::vector<SeleneFile> files;
      for (const auto& s : saves) {
        if (s == "diffs") files.push_back(SeleneFile::diffs), selene_stats.push_back(Statistic::diff);
        else if (s == "abs_diffs") files.push_back(SeleneFile::abs_diffs), selene_stats.push_back(Statistic::abs_diff);
        else if (s == "logits") files.push_back(SeleneFile::logits), selene_stats.push_back(Statistic::logit_diff);
        else if (s == "predictions") {
          files.push_back(SeleneFile::ref_predictions), selene_stats.push_back(Statistic::ref);
          files.push_back(SeleneFile::alt_predictions), selene_stats.push_back(Statistic::alt);
        } else fail_usage("--save '" + s + "' is not one of diffs, abs_diffs, logits, predictions");
      }
      bool h5 = !o.hdf5_prefix.empty();
      std::string prefix = h5 ? o.hdf5_prefix : o.tsv_prefix;
      selene = std::make_unique<SeleneFiles>(prefix, h5, files, plan.track_ids());
      // The windows s2f-encode could not make travel with the results.
      if (th.meta.contains("na_file") && th.meta["na_file"].is_string() &&
          std::filesystem::exists(th.meta["na_file"].get<std::string>())) {  // absent: nothing was skipped
        std::error_code ec;
        std::filesystem::copy_file(th.meta["na_file"].get<std::string>(), prefix + ".NA",
                                   std::filesystem::copy_options::overwrite_existing, ec);
        if (ec) warn("could not copy the NA file " + th.meta["na_file"].get<std::string>() + ": " + ec.message());
      }
    }

    RecordPairer pairer(th, in->name());
    HeadValues ref, alt;
    std::vector<float> buf(n_tracks * static_cast<size_t>(std::max<int64_t>(k, 1))), effect(n_tracks);
    std::vector<std::vector<float>> selene_rows(selene_stats.size(), std::vector<float>(n_tracks));
    std::vector<const float*> selene_ptrs;
    for (auto& r : selene_rows) selene_ptrs.push_back(r.data());
    BinSampler sampler(run.opt.seed.value_or(defaults::perbin_seed));
    std::vector<int64_t> bins;
    stream::Batch frame, sliced;

    while (in->next(frame)) {
      run.records_in += frame.size();
      const stream::Batch* src = &frame;
      if (filter) {
        sliced.reset(th.schema);
        for (size_t r = 0; r < frame.size(); ++r) filter->copy(frame, r, sliced);
        src = &sliced;
      }
      for (const auto& pair : pairer.feed(*src)) {
        const auto& held = pairer.held();
        ref.load(held, pair.ref, head_fields);
        if (pair.alt) alt.load(held, *pair.alt, head_fields);
        const HeadValues* altp = pair.alt ? &alt : nullptr;
        auto id = held.str(held.schema().index("id"), pair.ref);

        if (o.emit == "effect") {
          if (!altp) {
            run.skips.skip(id, in->name(), "--emit effect needs a variant (ref and alt records); this is a single window");
            continue;
          }
          effect_tracks(plan, ref, alt, buf.data());
          for (size_t t = 0; t < n_tracks; ++t)
            if (!tracks[t].spec.is_signed) buf[t] = std::fabs(buf[t]);  // unsigned layers rank |effect|
        } else if (o.emit == "summary") {
          score_tracks(plan, Statistic::ref, 0, ref, nullptr, buf.data());
        } else if (o.emit == "perbin") {
          for (size_t t = 0; t < n_tracks; ++t) {
            auto all = ref.all_bins(tracks[t]);
            if (t == 0 || tracks[t].field != tracks[t - 1].field)
              sampler.draw(id, static_cast<int64_t>(all.size()), k, bins);
            for (int64_t j = 0; j < k; ++j) buf[t * static_cast<size_t>(k) + static_cast<size_t>(j)] = all[static_cast<size_t>(bins[static_cast<size_t>(j)])];
          }
        }
        auto& b = writer->batch();
        if (!o.emit.empty()) {
          size_t r = b.add_record();
          b.set_str(0, r, id);
          auto dst = b.fixed_mut<float>(values_field, r);
          std::copy(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(dst.size()), dst.begin());
          writer->end_record();
          ++run.records_out;
          continue;
        }

        size_t r = b.add_record();
        // The alt record carries the variant's alt identity; ref fields otherwise.
        copier.copy(held, pair.ref, b, r);
        for (size_t s = 0; s < field_names.size(); ++s) {
          auto dst = b.fixed_mut<float>(stat_fields[s], r);
          if (plan.per_track_layers()) {
            if (altp) effect_tracks(plan, ref, alt, dst.data());
            else std::fill(dst.begin(), dst.end(), std::nanf(""));
          } else {
            score_tracks(plan, plan.options().statistics[s], o.scoring.pseudocount, ref, altp, dst.data());
          }
        }
        if (effect_cdf) {
          if (altp) effect_tracks(plan, ref, alt, effect.data());
          else std::fill(effect.begin(), effect.end(), std::nanf(""));
          score_tracks(plan, Statistic::ref, 0, ref, nullptr, buf.data());
          auto epct = b.fixed_mut<float>(out_header.schema.index("effect_pct"), r);
          auto apct = b.fixed_mut<float>(out_header.schema.index("activity_pct"), r);
          for (size_t t = 0; t < n_tracks; ++t) {
            auto row = static_cast<size_t>(effect_row[t]);
            if (effect_cdf->is_signed(row) || tracks[t].spec.is_signed)
              epct[t] = static_cast<float>(2.0 * effect_cdf->percentile(row, effect[t]) - 1.0);  // [-1, 1]
            else
              epct[t] = static_cast<float>(effect_cdf->percentile(row, std::fabs(effect[t])));
            apct[t] = summary_row[t] < 0 ? std::nanf("")
                                         : static_cast<float>(summary_cdf->percentile(static_cast<size_t>(summary_row[t]), buf[t]));
          }
        }
        writer->end_record();
        ++run.records_out;
        if (selene) {
          for (size_t s = 0; s < selene_stats.size(); ++s)
            score_tracks(plan, selene_stats[s], -1, ref, altp, selene_rows[s].data());
          selene->add_row(held, pair.ref, selene_ptrs);
        }
      }
      run.progress.tick(run.records_in);
    }
    pairer.finish();
    writer->finish();
    if (selene) selene->finish();
    return 0;
  });
}
