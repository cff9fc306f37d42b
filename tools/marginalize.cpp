// s2f-marginalize: insert motifs (or annotated segments, or shuffles of a
// region) into background sequences and report the model's outputs before
// and after, per head and track (tangermeme marginalize,
// marginalize_annotations, space and ablate). The algorithms live in
// libcommon/src/marginalize; this file maps options to them.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/error.hpp"
#include "s2f/marginalize/backgrounds.hpp"
#include "s2f/marginalize/effect_summary.hpp"
#include "s2f/marginalize/experiments.hpp"
#include "s2f/marginalize/marginalize.hpp"
#include "s2f/marginalize/motif.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/runners.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
namespace mg = s2f::marginalize;

namespace {

struct Options {
  std::string input;  // empty: stdin when the mode reads sequences
  predict::ModelOptions model;
  predict::TrackPlanOptions plan;
  std::vector<std::string> motifs;
  std::string motif_file;
  bool sample = false;
  std::optional<int64_t> start;
  std::string spacing, annotations, background, ablate, shuffle;
  bool random = false;
  double gc = 0.41;
  std::optional<int64_t> count;
  std::optional<int64_t> length;
  std::string summary, save_backgrounds;
  mg::LoopOptions loop;
};

// Every record of a sequences stream of the model's length.
struct Sequences {
  std::unique_ptr<stream::Reader> reader;
  std::vector<std::string> seqs;
};
Sequences read_sequences(const std::string& path, int64_t length, Run& run) {
  Sequences s;
  s.reader = stream::Reader::open(path);
  size_t field = predict::require_sequences(*s.reader, length, "the model");
  stream::Batch batch;
  while (s.reader->next(batch))
    for (size_t r = 0; r < batch.size(); ++r) {
      auto bases = batch.fixed<uint8_t>(field, r);
      s.seqs.emplace_back(bases.begin(), bases.end());
    }
  run.records_in += s.seqs.size();
  if (s.seqs.empty()) fail_input("the sequences stream has no records", s.reader->name());
  return s;
}

// The motifs named on the command line: names of --motif-file motifs first,
// IUPAC strings otherwise.
std::vector<mg::Motif> resolve_motifs(const Options& o) {
  std::vector<mg::Motif> file, out;
  if (!o.motif_file.empty()) file = mg::read_motif_file(o.motif_file);
  for (const auto& text : o.motifs) {
    bool found = false;
    for (const auto& m : file) found |= m.name == text || m.alt_name == text;
    if (found) {
      mg::Motif m = mg::find_motif(file, text, o.motif_file);
      m.name = text;  // results are labelled as asked
      out.push_back(std::move(m));
      continue;
    }
    bool iupac = text.find_first_not_of("ACGTURYSWKMBDHVNacgturyswkmbdhvn") == std::string::npos;
    if (!file.empty() && !iupac) mg::find_motif(file, text, o.motif_file);  // fails listing the names
    out.push_back(mg::parse_iupac(text));
  }
  return out;
}

void save_backgrounds(const std::string& path, const std::vector<std::string>& backgrounds, int64_t length,
                      const Run& run) {
  auto header = stream::make_header(stream::kind::sequences, stream::sequences_schema(length), run.provenance());
  header.meta["geometry"] = {{"sequence_length", length}};
  auto sink = ByteSink::open(path);
  stream::WriterOptions wo;
  wo.zstd_level = stream::zstd_level_for(run.opt.zstd_level, *sink);
  stream::Writer w(std::move(sink), std::move(header), wo);
  const auto& schema = w.header().schema;
  const size_t id = schema.index("id"), strand = schema.index("strand"), start = schema.index("start"),
               allele = schema.index("allele"), seq = schema.index("seq");
  for (size_t i = 0; i < backgrounds.size(); ++i) {
    auto& b = w.batch();
    size_t r = b.add_record();
    b.set_str(id, r, "background_" + std::to_string(i));
    b.set_scalar<uint8_t>(strand, r, '.');
    b.set_scalar<int64_t>(start, r, -1);
    b.set_scalar<uint8_t>(allele, r, stream::kAlleleNone);
    auto out = b.fixed_mut<uint8_t>(seq, r);
    std::copy(backgrounds[i].begin(), backgrounds[i].end(), out.begin());
    w.end_record();
  }
  w.finish();
}

// One place for option combinations, one message each.
void check_combinations(const Options& o) {
  predict::check_model_options(o.model, false);
  const bool motif_mode = !o.motifs.empty(), ann_mode = !o.annotations.empty(), ablate_mode = !o.ablate.empty();
  if (motif_mode + ann_mode + ablate_mode != 1) fail_usage("give exactly one of --motif, --annotations or --ablate");
  if (!o.spacing.empty() && !motif_mode) fail_usage("--spacing goes with two or more --motif");
  if (!o.spacing.empty() && o.motifs.size() < 2) fail_usage("--spacing needs at least two --motif");
  if (!motif_mode && (o.sample || o.start || !o.motif_file.empty()))
    fail_usage("--sample, --start and --motif-file go with --motif");
  if (o.random + !o.shuffle.empty() + !o.background.empty() > 1)
    fail_usage("give at most one of --random, --shuffle and --background");
  if (ablate_mode && (o.random || !o.shuffle.empty() || !o.background.empty()))
    fail_usage("--ablate shuffles a region of the input sequences; --random, --shuffle and --background do not apply");
  if (!o.background.empty() && !ann_mode) fail_usage("--background goes with --annotations (otherwise give the backgrounds as the input)");
  if (ann_mode && !o.random && o.shuffle.empty() && o.background.empty())
    fail_usage("--annotations needs backgrounds: --background FILE, --shuffle dinucleotide or --random");
  if (o.random && motif_mode && !o.input.empty())
    fail_usage("--random generates the backgrounds; do not also give an input stream");
  if (o.random && !o.count) fail_usage("--random needs -n (how many backgrounds)");
  if (o.count && !o.random && o.shuffle.empty() && !ablate_mode)
    fail_usage("-n goes with --random, --shuffle or --ablate");
  if (o.count && *o.count < 1) fail_usage("-n must be at least 1");
  if (o.length && !o.random) fail_usage("-L goes with --random");
  if (o.start && *o.start < 0) fail_usage("--start must be >= 0");
  if (!(o.gc >= 0 && o.gc <= 1)) fail_usage("--gc must be between 0 and 1");
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("marginalize", "Insert motifs into background sequences and report the model's outputs before and after",
            "s2f-marginalize --model demo --random --gc 0.41 -n 64 --seed 1 \\\n"
            "      --motif ATGAGTCAT --motif GATTACGAT --summary effects.tsv -o marginal.s2f\n"
            "  # effects.tsv, counts rows: the AP-1 site adds 2.0 to the log counts, its scramble nothing\n"
            "  #   label      spacing  head    track_id                     ...  n   mean_effect  sd_effect ...\n"
            "  #   ATGAGTCAT  -1       counts  counts/demo planted grammar  ...  64  2.01187031   0.191303189 ...\n"
            "  #   GATTACGAT  -1       counts  counts/demo planted grammar  ...  64  -0.0142772458 0.0833103167 ...\n"
            "  # AP-1 then KLF4 at gaps 0..30 (gap = bases between AP-1's end and KLF4's start): best gap 12\n"
            "  s2f-marginalize --model demo --random -n 64 --seed 1 --motif-file jaspar.meme \\\n"
            "      --motif MA1141.2 --motif KLF4 --spacing 0:30:1 --summary spacing.tsv -o /dev/null\n"
            "  s2f-encode --fasta-records peaks.fa -L 500 | s2f-marginalize --model demo --ablate 240:260 -n 20 --seed 3\n"
            "  s2f-marginalize --model demo peaks.s2f --annotations sites.tsv --shuffle dinucleotide -n 10 --seed 2");
  tool.use(Opt::Output | Opt::Threads | Opt::Seed | Opt::Compress);
  Options o;
  auto& app = tool.app();
  app.footer(
      "Modes (one per run):\n"
      "  --motif M [--motif M2 ...]   each motif inserted on its own into every background; M is an IUPAC\n"
      "                               string (N keeps the background base; R, Y, ... insert the first of their\n"
      "                               bases in A,C,G,T order, or a random one with --sample) or the id or alt\n"
      "                               name of a --motif-file motif (MEME or JASPAR), inserted as its consensus\n"
      "                               (most probable base) or, with --sample, drawn from the PWM for each\n"
      "                               background. Start: L/2 - m/2 (integer division, as tangermeme), or --start.\n"
      "  --spacing A:B:STEP           with two or more motifs: motif 1 at its start, each next motif GAP bases\n"
      "                               after the end of the previous one (GAP = next start - previous end), for\n"
      "                               GAP = A, A+STEP, ... <= B; records and summary rows carry the gap.\n"
      "  --annotations FILE           TSV: example index (record of the input), start, end (0-based, half-open),\n"
      "                               optional name; each segment of its input sequence is written at the same\n"
      "                               place into every background, one annotation at a time.\n"
      "  --ablate START:END           [START, END) of each input sequence replaced by -n dinucleotide shuffles;\n"
      "                               before = the original, after = the ablated sequence.\n"
      "Backgrounds: the input sequences stream (from s2f-encode), or --shuffle dinucleotide (-n uniformly drawn\n"
      "dinucleotide-preserving shuffles of each input sequence), or --random (-n i.i.d. sequences, --gc), or for\n"
      "--annotations --background FILE. --seed seeds every random choice (default 1).\n"
      "Output: one 'marginal' record per (motif, background) with <head>.before, <head>.after and\n"
      "<head>.diff = after - before, f32 [tracks, bins] (formats/SPEC.md). --summary writes one row per\n"
      "motif x spacing x head x track: n, mean and sd (n-1) over backgrounds of the effect, where a profile\n"
      "head's effect on a track is its diff summed over bins, and the mean before and after (same sums).\n"
      "All inputs are held in memory (backgrounds are predicted once and reused for every motif).\n\n" +
      app.get_footer());
  app.add_option("input", o.input, "Sequences stream from s2f-encode (- = stdin): backgrounds, or the sources of --annotations/--ablate");
  cli::add_model_options(app, o.model, false);
  cli::add_track_plan_options(app, o.plan);
  app.add_option("--motif", o.motifs, "Motif: IUPAC string, or a --motif-file motif id/alt name; repeatable")
      ->allow_extra_args(false);
  app.add_option("--motif-file", o.motif_file, "MEME or JASPAR motif file the --motif names refer to");
  app.add_flag("--sample", o.sample, "Draw each inserted motif from its PWM (per background, seeded) instead of the consensus");
  app.add_option("--start", o.start, "Insert at this 0-based position instead of the centre");
  app.add_option("--spacing", o.spacing, "Gap sweep A:B:STEP between consecutive motifs (see Modes)");
  app.add_option("--annotations", o.annotations, "TSV of example index, start, end: marginalize each segment");
  app.add_option("--background", o.background, "Backgrounds stream for --annotations");
  app.add_option("--ablate", o.ablate, "Region START:END of each input to replace by -n dinucleotide shuffles");
  app.add_option("--shuffle", o.shuffle, "Backgrounds: 'dinucleotide' shuffles of the input sequences")
      ->check(CLI::IsMember({"dinucleotide"}));
  app.add_flag("--random", o.random, "Backgrounds: -n random i.i.d. sequences with --gc");
  app.add_option("--gc", o.gc, "GC content of --random backgrounds")->capture_default_str();
  app.add_option("-n", o.count, "Backgrounds for --random; shuffles per sequence for --shuffle and --ablate (default 20)");
  app.add_option("-L,--length", o.length, "Length of --random backgrounds (default and only choice: the model's input length)");
  app.add_option("--summary", o.summary, "Write the per motif x head x track effect table (TSV) here");
  app.add_option("--save-backgrounds", o.save_backgrounds, "Also write the background sequences as a sequences stream");

  tool.validate([&](const CommonOptions&) { check_combinations(o); });
  return tool.run(argc, argv, [&](Run& run) {
    const std::string model_path = predict::resolve_model_path(o.model.model);
    o.loop.batch_size = o.model.batch_size;
    o.loop.n_value = o.model.n_value;
    const bool motif_mode = !o.motifs.empty(), ann_mode = !o.annotations.empty(), ablate_mode = !o.ablate.empty();
    if (!run.opt.seed) run.opt.seed = defaults::marginalize_seed;  // recorded in provenance like a given one
    const uint64_t seed = *run.opt.seed;
    const int64_t count = o.count.value_or(20);
    const std::string input = o.input.empty() ? "-" : o.input;

    // Model, heads and tracks, as s2f-predict plans them.
    auto graph = engine::load_model(model_path);
    const int64_t L = graph.input_length;
    auto heads = predict::heads_of_model(graph);
    o.plan.heads = split_option_list({o.model.heads});
    o.plan.dtype = stream::DType::f32;
    auto plan = predict::plan_tracks(heads, predict::choose_catalog(o.model.catalog, heads, predict::embedded_catalog(graph).get()), o.plan);
    if (o.length && *o.length != L)
      fail_usage("-L " + std::to_string(*o.length) + ": the model takes " + std::to_string(L) + "-bp sequences",
                 "leave -L out, or give -L " + std::to_string(L));

    // Motifs are checked before any sequence is read or generated.
    std::vector<mg::Motif> motifs;
    std::optional<mg::SpacingSweep> sweep;
    mg::Insertion how{o.sample, mix_seed(seed ^ 0x5eedULL), o.start.value_or(-1)};
    if (motif_mode) {
      motifs = resolve_motifs(o);
      if (!o.spacing.empty()) sweep = mg::SpacingSweep::parse(o.spacing);
    }
    std::vector<mg::Annotation> annotations;
    if (ann_mode) annotations = mg::read_annotations(o.annotations);
    std::optional<mg::Region> region;
    if (ablate_mode) region = mg::Region::parse(o.ablate, L);

    // Sources and backgrounds.
    std::optional<Sequences> sources;
    std::vector<std::string> backgrounds;
    nlohmann::json bg_meta;
    if (!(motif_mode && o.random)) sources = read_sequences(input, L, run);
    if (o.random) {
      backgrounds = mg::random_backgrounds(count, L, o.gc, seed);
      bg_meta = {{"source", "random"}, {"n", count}, {"gc", o.gc}, {"length", L}, {"seed", seed}};
    } else if (!o.shuffle.empty()) {
      backgrounds = mg::shuffled_backgrounds(sources->seqs, count, seed);
      bg_meta = {{"source", "dinucleotide shuffles of the input"}, {"per_sequence", count}, {"seed", seed}};
    } else if (!o.background.empty()) {
      backgrounds = read_sequences(o.background, L, run).seqs;
      bg_meta = {{"source", o.background}};
    } else {
      backgrounds = sources->seqs;
      bg_meta = {{"source", ablate_mode ? "the input (ablated)" : "the input"}};
    }
    bg_meta["count"] = backgrounds.size();
    const auto nb = static_cast<int64_t>(backgrounds.size());

    std::vector<mg::Experiment> experiments;
    nlohmann::json mode;
    if (motif_mode) {
      auto listed = nlohmann::json::array();
      for (const auto& m : motifs)
        listed.push_back({{"name", m.name}, {"length", m.length()}, {"consensus", mg::consensus(m)}});
      mode = {{"mode", sweep ? "spacing" : "motif"}, {"motifs", listed}, {"sample", o.sample}};
      if (sweep) {
        experiments = mg::spacing_experiments(motifs, *sweep, nb, L, how);
        mode["spacing"] = {{"first", sweep->first}, {"last", sweep->last}, {"step", sweep->step},
                           {"gap", "bases between the end of one motif and the start of the next"}};
      } else {
        experiments = mg::motif_experiments(motifs, nb, L, how);
      }
    } else if (ann_mode) {
      mg::check_annotations(annotations, static_cast<int64_t>(sources->seqs.size()), L, o.annotations);
      experiments = mg::annotation_experiments(annotations, sources->seqs, nb);
      mode = {{"mode", "annotations"}, {"annotations", o.annotations}, {"count", annotations.size()}};
    } else {
      experiments = mg::ablation_experiments(sources->seqs, *region, count, mix_seed(seed ^ 0xab1a7eULL));
      mode = {{"mode", "ablate"}, {"start", region->start}, {"end", region->end}, {"shuffles", count}};
    }
    mode["backgrounds"] = bg_meta;
    mode["effect"] = "diff = after - before";

    // Output stream: input metadata carried over, tracks and heads as predict writes them.
    auto shapes = plan.head_shapes();
    auto header = stream::make_header(stream::kind::marginal, stream::marginal_schema(shapes), run.provenance(),
                                      sources ? &sources->reader->header() : nullptr);
    header.meta["tracks"] = plan.catalog.to_json();
    if (!header.meta.contains("geometry") || !header.meta["geometry"].is_object())
      header.meta["geometry"] = nlohmann::json::object();
    header.meta["geometry"]["sequence_length"] = L;
    header.meta["geometry"]["heads"] = plan.geometry();
    header.meta["model"] = predict::model_identity(o.model.model, graph);
    header.meta["marginalize"] = mode;
    auto writer = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));
    const auto& schema = writer->header().schema;
    const size_t f_motif = schema.index("motif"), f_bg = schema.index("background"), f_sp = schema.index("spacing"),
                 f_rep = schema.index("replicate"), f_start = schema.index("start"), f_ins = schema.index("inserted");
    std::vector<size_t> f_before, f_after, f_diff;
    for (const auto& s : shapes) {
      f_before.push_back(schema.index(s.name + ".before"));
      f_after.push_back(schema.index(s.name + ".after"));
      f_diff.push_back(schema.index(s.name + ".diff"));
    }

    auto compiled = std::make_shared<engine::CompiledModel>(graph);
    engine::Predictor predictor(compiled);
    mg::Marginalizer marginalizer(predictor, plan, o.loop);
    mg::EffectSummary summary(plan);
    run.progress.set_total(experiments.size());
    auto sink = [&](size_t k, const mg::HeadSlices& v) {
      const auto& e = experiments[k];
      auto& b = writer->batch();
      size_t r = b.add_record();
      b.set_str(f_motif, r, e.label);
      b.set_scalar<int64_t>(f_bg, r, e.background);
      b.set_scalar<int64_t>(f_sp, r, e.spacing);
      b.set_scalar<int64_t>(f_rep, r, e.replicate);
      b.set_scalar<int64_t>(f_start, r, e.segments.empty() ? -1 : e.segments[0].start);
      std::string inserted;
      for (const auto& s : e.segments) inserted += (inserted.empty() ? "" : "+") + s.bases;
      b.set_str(f_ins, r, inserted);
      for (size_t h = 0; h < shapes.size(); ++h) {
        auto before = b.fixed_mut<float>(f_before[h], r);
        auto after = b.fixed_mut<float>(f_after[h], r);
        auto diff = b.fixed_mut<float>(f_diff[h], r);
        for (size_t j = 0; j < before.size(); ++j) {
          before[j] = v.before[h][j];
          after[j] = v.after[h][j];
          diff[j] = v.after[h][j] - v.before[h][j];
        }
      }
      writer->end_record();
      summary.add(e, v);
      ++run.records_out;
    };
    marginalizer.run(backgrounds, experiments, sink, [&](uint64_t done) { run.progress.tick(done); });
    writer->finish();
    // Side outputs appear only once the stream is complete.
    if (!o.save_backgrounds.empty()) save_backgrounds(o.save_backgrounds, backgrounds, L, run);
    if (!o.summary.empty()) {
      TextOutput t(o.summary);
      t.write(summary.tsv());
      t.commit();
    }
    run.summary_extra = std::to_string(nb) + " backgrounds x " +
                        std::to_string(nb ? experiments.size() / static_cast<size_t>(nb) : 0) + " insertions";
    return 0;
  });
}
