#include "s2f/marginalize/marginalize_request.hpp"
#include "s2f/ism/ism_output.hpp"
#include "s2f/ism/ism_contributions.hpp"
#include "s2f/ism/ensemble_mutants.hpp"

#include <filesystem>
#include <functional>
#include <memory>

#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/marginalize/backgrounds.hpp"
#include "s2f/marginalize/effect_summary.hpp"
#include "s2f/marginalize/experiments.hpp"
#include "s2f/marginalize/marginalize.hpp"
#include "s2f/marginalize/motif.hpp"
#include "s2f/marginalize/motif_matrix.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/model_input.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/runners.hpp"
#include "s2f/rng.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/defaults.hpp"

namespace s2f::marginalize {

namespace {

// Which input window a background is, or was shuffled from: its id and
// allele (a variant's REF or ALT window). Random backgrounds are named
// background_<i>, as --save-backgrounds has always named them.
struct Origin {
  std::string id;
  uint8_t allele = stream::kAlleleNone;
};

// Every record of a sequences stream of the model's length.
struct Sequences {
  std::unique_ptr<stream::Reader> reader;
  std::vector<std::string> seqs;
  std::vector<Origin> origins;
};
// `opened`: the stream at `path` when it was already opened (for its length).
Sequences read_sequences(const std::string& path, int64_t length, Run& run,
                         std::unique_ptr<stream::Reader> opened = nullptr) {
  Sequences s;
  s.reader = opened ? std::move(opened) : stream::Reader::open(path);
  size_t field = predict::require_sequences(*s.reader, length, "the model");
  const auto& schema = s.reader->header().schema;
  const int f_id = schema.find("id"), f_allele = schema.find("allele");
  stream::Batch batch;
  while (s.reader->next(batch))
    for (size_t r = 0; r < batch.size(); ++r) {
      auto bases = batch.fixed<uint8_t>(field, r);
      s.seqs.emplace_back(bases.begin(), bases.end());
      Origin o;
      if (f_id >= 0) o.id = batch.str(static_cast<size_t>(f_id), r);
      if (f_allele >= 0) o.allele = batch.scalar<uint8_t>(static_cast<size_t>(f_allele), r);
      s.origins.push_back(std::move(o));
    }
  run.records_in += s.seqs.size();
  if (s.seqs.empty()) fail_input("the sequences stream has no records", s.reader->name());
  return s;
}

MotifLetters letters(const MarginalizeRequest& o) { return o.iupac ? MotifLetters::iupac : MotifLetters::acgtn; }

// The motifs named on the command line: names of --motif-file motifs first,
// IUPAC strings otherwise.
std::vector<Motif> resolve_motifs(const MarginalizeRequest& o) {
  std::vector<Motif> file, out;
  if (!o.motif_file.empty()) file = read_motif_file(o.motif_file);
  for (const auto& text : o.motifs) {
    bool found = false;
    for (const auto& m : file) found |= m.name == text || m.alt_name == text;
    if (found) {
      Motif m = find_motif(file, text, o.motif_file);
      m.name = text;  // results are labelled as asked
      out.push_back(std::move(m));
      continue;
    }
    bool iupac = text.find_first_not_of("ACGTURYSWKMBDHVNacgturyswkmbdhvn") == std::string::npos;
    if (!file.empty() && !iupac) find_motif(file, text, o.motif_file);  // fails listing the names
    out.push_back(parse_iupac(text, letters(o)));
  }
  return out;
}

// Motif i for background i, read from the seq field of a sequences stream
// of any fixed length (s2f-encode --fasta-records motifs.fa -L k).
std::vector<Motif> read_paired_motifs(const MarginalizeRequest& o, Run& run) {
  auto reader = stream::Reader::open(o.motif_per_background);
  if (predict::sequence_window_length(reader->header()) <= 0)
    fail_input("--motif-per-background needs motifs of one length, but the stream's windows vary in length",
               o.motif_per_background, "encode the motifs with s2f-encode --fasta-records motifs.fa -L <motif length>");
  auto given = read_sequences(o.motif_per_background, 0, run, std::move(reader));
  std::vector<Motif> out;
  for (size_t i = 0; i < given.seqs.size(); ++i) {
    try {
      out.push_back(parse_iupac(given.seqs[i], letters(o)));
    } catch (const Error& e) {
      fail_input(e.what_part(), o.motif_per_background + ", record " + std::to_string(i + 1) +
                                    (given.origins[i].id.empty() ? "" : " ('" + given.origins[i].id + "')"),
                 "motifs are A, C, G, T and N (degenerate codes with --iupac)");
    }
  }
  return out;
}

// A sequences stream of `n` records of `length` bases; `fill` gives record
// i its id, allele and bases.
using FillRecord = std::function<void(size_t i, std::string& id, uint8_t& allele, uint8_t* seq)>;
void write_sequences(const std::string& path, size_t n, int64_t length, const Run& run, const FillRecord& fill) {
  auto header = stream::make_header(stream::kind::sequences, stream::sequences_schema(length), run.provenance());
  header.meta["geometry"] = {{"sequence_length", length}};
  auto sink = ByteSink::open(path);
  stream::WriterOptions wo;
  wo.zstd_level = stream::zstd_level_for(run.opt.zstd_level, *sink);
  stream::Writer w(std::move(sink), std::move(header), wo);
  const auto& schema = w.header().schema;
  const size_t id = schema.index("id"), strand = schema.index("strand"), start = schema.index("start"),
               allele = schema.index("allele"), seq = schema.index("seq");
  std::string record_id;
  for (size_t i = 0; i < n; ++i) {
    auto& b = w.batch();
    size_t r = b.add_record();
    uint8_t record_allele = stream::kAlleleNone;
    auto out = b.fixed_mut<uint8_t>(seq, r);
    fill(i, record_id, record_allele, out.data());
    b.set_str(id, r, record_id);
    b.set_scalar<uint8_t>(strand, r, '.');
    b.set_scalar<int64_t>(start, r, -1);
    b.set_scalar<uint8_t>(allele, r, record_allele);
    w.end_record();
  }
  w.finish();
}

// The backgrounds as a sequences stream, each with its origin's id and
// allele, so that --background gives the same records back.
void save_backgrounds(const std::string& path, const std::vector<std::string>& backgrounds,
                      const std::vector<Origin>& origins, int64_t length, const Run& run) {
  write_sequences(path, backgrounds.size(), length, run, [&](size_t i, std::string& id, uint8_t& allele, uint8_t* seq) {
    id = origins[i].id;
    allele = origins[i].allele;
    std::copy(backgrounds[i].begin(), backgrounds[i].end(), seq);
  });
}

// What a run predicts: the experiments of its mode over its backgrounds,
// and how they were made (meta.marginalize of the output).
struct Design {
  std::optional<Sequences> sources;  // the input stream, when the mode reads one
  std::vector<std::string> backgrounds;
  std::vector<Origin> origins;  // of each background
  std::vector<Experiment> experiments;
  nlohmann::json mode;
};

bool reads_input(const MarginalizeRequest& o) { return !(inserts_motifs(o) && o.random); }

// How a saved edited sequence is named: its background's id and what was
// done to it, so each record of --save-after has its own id.
std::string edited_id(const Experiment& e, const Origin& origin) {
  std::string id = origin.id + "|" + e.label;
  if (e.spacing >= 0) id += "|gap=" + std::to_string(e.spacing);
  if (e.replicate >= 0) id += "|shuffle=" + std::to_string(e.replicate);
  return id;
}

// `input_reader`: the input stream when it was opened before (for its length).
Design design(const MarginalizeRequest& o, int64_t L, uint64_t seed, Run& run,
              std::unique_ptr<stream::Reader> input_reader) {
  const bool motif_mode = inserts_motifs(o), ann_mode = !o.annotations.empty(), ablate_mode = !o.ablate.empty();
  const int64_t count = o.count.value_or(defaults::marginalize_count);
  const std::string input = o.input.empty() ? "-" : o.input;
  Design d;

  // Motifs are checked before any sequence is read or generated.
  std::vector<Motif> motifs, paired;
  std::vector<MatrixMotif> matrices;
  std::optional<SpacingSweep> sweep;
  Insertion how{o.sample, mix_seed(seed ^ 0x5eedULL), o.start.value_or(-1)};
  if (motif_mode) {
    motifs = resolve_motifs(o);
    for (const auto& path : o.motif_matrices)
      for (auto& m : read_motif_matrices(path)) matrices.push_back(std::move(m));
    if (!o.motif_per_background.empty()) paired = read_paired_motifs(o, run);
    if (!o.spacing.empty()) sweep = SpacingSweep::parse(o.spacing);
  }
  std::vector<Annotation> annotations;
  if (ann_mode) annotations = read_annotations(o.annotations);
  std::optional<Region> region;
  if (ablate_mode) region = Region::parse(o.ablate, L);

  // Sources and backgrounds.
  nlohmann::json bg_meta;
  if (reads_input(o)) d.sources = read_sequences(input, L, run, std::move(input_reader));
  if (o.random) {
    d.backgrounds = random_backgrounds(count, L, o.gc, seed);
    for (size_t i = 0; i < d.backgrounds.size(); ++i) d.origins.push_back({"background_" + std::to_string(i)});
    bg_meta = {{"source", "random"}, {"n", count}, {"gc", o.gc}, {"length", L}, {"seed", seed}};
  } else if (!o.shuffle.empty()) {
    d.backgrounds = shuffled_backgrounds(d.sources->seqs, count, seed);
    for (const auto& origin : d.sources->origins) d.origins.insert(d.origins.end(), static_cast<size_t>(count), origin);
    bg_meta = {{"source", "dinucleotide shuffles of the input"}, {"per_sequence", count}, {"seed", seed}};
  } else if (!o.background.empty()) {
    auto given = read_sequences(o.background, L, run);
    d.backgrounds = std::move(given.seqs);
    d.origins = std::move(given.origins);
    bg_meta = {{"source", o.background}};
  } else {
    d.backgrounds = d.sources->seqs;
    d.origins = d.sources->origins;
    bg_meta = {{"source", ablate_mode ? "the input (ablated)" : "the input"}};
  }
  if (d.origins.size() != d.backgrounds.size()) fail(Exit::internal, "a background without its origin");
  bg_meta["count"] = d.backgrounds.size();
  const auto nb = static_cast<int64_t>(d.backgrounds.size());

  if (motif_mode) {
    auto listed = nlohmann::json::array();
    for (const auto& m : motifs) listed.push_back({{"name", m.name}, {"length", m.length()}, {"consensus", consensus(m)}});
    for (const auto& m : matrices)
      listed.push_back({{"name", m.name}, {"length", m.length()}, {"matrix", m.source},
                        {"per_background", m.per_background},
                        {"consensus", m.per_background ? "" : matrix_bases(m.motifs[0])}});
    const std::string paired_label = std::filesystem::path(o.motif_per_background).filename().string();
    if (!paired.empty())
      listed.push_back({{"name", paired_label}, {"per_background", true}, {"sequences", o.motif_per_background}});
    d.mode = {{"mode", sweep ? "spacing" : "motif"}, {"motifs", listed}, {"sample", o.sample},
              {"letters", o.iupac ? "iupac" : "acgtn"}};
    if (sweep) {
      d.experiments = spacing_experiments(motifs, *sweep, nb, L, how);
      d.mode["spacing"] = {{"first", sweep->first}, {"last", sweep->last}, {"step", sweep->step},
                           {"gap", "bases between the end of one motif and the start of the next"}};
    } else {
      d.experiments = motif_experiments(motifs, nb, L, how);
      auto more = matrix_experiments(matrices, nb, L, how.start);
      d.experiments.insert(d.experiments.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      if (!o.motif_per_background.empty()) {
        if (static_cast<int64_t>(paired.size()) != nb)
          fail_input("--motif-per-background holds " + std::to_string(paired.size()) + " motifs but there are " +
                         std::to_string(nb) + " backgrounds",
                     o.motif_per_background, "give one motif per background, in background order");
        more = paired_experiments(paired_label, paired, L, how);
        d.experiments.insert(d.experiments.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      }
    }
  } else if (ann_mode) {
    check_annotations(annotations, static_cast<int64_t>(d.sources->seqs.size()), L, o.annotations);
    d.experiments = annotation_experiments(annotations, d.sources->seqs, nb);
    d.mode = {{"mode", "annotations"}, {"annotations", o.annotations}, {"count", annotations.size()}};
  } else {
    d.experiments = ablation_experiments(d.sources->seqs, *region, count, mix_seed(seed ^ 0xab1a7eULL));
    d.mode = {{"mode", "ablate"}, {"start", region->start}, {"end", region->end}, {"shuffles", count}};
  }
  d.mode["backgrounds"] = bg_meta;
  d.mode["effect"] = "diff = after - before";
  return d;
}

// The marginal stream: one record per experiment with the experiment's
// identity and <head>.before, <head>.after, <head>.diff per planned head;
// input metadata carried over, tracks and heads as s2f-predict writes them.
class MarginalOutput {
 public:
  // `shapes`: the fields' heads (a prediction's planned heads, or `contrib`
  // [L, 4] for --func attribute); `describe` adds what they hold to meta.
  MarginalOutput(std::vector<stream::HeadShape> shapes, const std::function<void(nlohmann::json&)>& describe,
                 const stream::Header* input, int64_t length, const nlohmann::json& model_meta,
                 const nlohmann::json& mode, const Run& run)
      : shapes_(std::move(shapes)) {
    auto header = stream::make_header(stream::kind::marginal, stream::marginal_schema(shapes_), run.provenance(), input);
    describe(header.meta);
    header.meta["geometry"]["sequence_length"] = length;
    header.meta["model"] = model_meta;
    header.meta["marginalize"] = mode;
    writer_ = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));
    const auto& schema = writer_->header().schema;
    f_motif_ = schema.index("motif");
    f_bg_ = schema.index("background");
    f_bg_id_ = schema.index("background_id");
    f_bg_allele_ = schema.index("background_allele");
    f_sp_ = schema.index("spacing");
    f_rep_ = schema.index("replicate");
    f_start_ = schema.index("start");
    f_ins_ = schema.index("inserted");
    for (const auto& s : shapes_) {
      f_before_.push_back(schema.index(s.name + ".before"));
      f_after_.push_back(schema.index(s.name + ".after"));
      f_diff_.push_back(schema.index(s.name + ".diff"));
    }
  }

  void write(const Experiment& e, const Origin& origin, const HeadSlices& v) {
    auto& b = writer_->batch();
    size_t r = b.add_record();
    b.set_str(f_motif_, r, e.label);
    b.set_scalar<int64_t>(f_bg_, r, e.background);
    b.set_str(f_bg_id_, r, origin.id);
    b.set_scalar<uint8_t>(f_bg_allele_, r, origin.allele);
    b.set_scalar<int64_t>(f_sp_, r, e.spacing);
    b.set_scalar<int64_t>(f_rep_, r, e.replicate);
    b.set_scalar<int64_t>(f_start_, r, e.segments.empty() ? -1 : e.segments[0].start);
    std::string inserted;
    for (const auto& s : e.segments) inserted += (inserted.empty() ? "" : "+") + s.bases;
    b.set_str(f_ins_, r, inserted);
    for (size_t h = 0; h < shapes_.size(); ++h) {
      auto before = b.fixed_mut<float>(f_before_[h], r);
      auto after = b.fixed_mut<float>(f_after_[h], r);
      auto diff = b.fixed_mut<float>(f_diff_[h], r);
      for (size_t j = 0; j < before.size(); ++j) {
        before[j] = v.before[h][j];
        after[j] = v.after[h][j];
        diff[j] = v.after[h][j] - v.before[h][j];
      }
    }
    writer_->end_record();
  }
  void finish() { writer_->finish(); }

 private:
  std::vector<stream::HeadShape> shapes_;
  std::unique_ptr<stream::Writer> writer_;
  size_t f_motif_ = 0, f_bg_ = 0, f_bg_id_ = 0, f_bg_allele_ = 0, f_sp_ = 0, f_rep_ = 0, f_start_ = 0, f_ins_ = 0;
  std::vector<size_t> f_before_, f_after_, f_diff_;
};

}  // namespace

bool inserts_motifs(const MarginalizeRequest& o) {
  return !o.motifs.empty() || !o.motif_matrices.empty() || !o.motif_per_background.empty();
}

void check_request(const MarginalizeRequest& o) {
  predict::check_model_options(o.model, false);
  const bool motif_mode = inserts_motifs(o), ann_mode = !o.annotations.empty(), ablate_mode = !o.ablate.empty();
  const bool motif_strings = !o.motifs.empty() || !o.motif_per_background.empty();
  if (motif_mode + ann_mode + ablate_mode != 1)
    fail_usage("give exactly one of --motif, --annotations or --ablate (--motif-matrix and --motif-per-background "
               "are motifs too)");
  if (!o.spacing.empty() && !motif_mode) fail_usage("--spacing goes with two or more --motif");
  if (!o.spacing.empty() && (!o.motif_matrices.empty() || !o.motif_per_background.empty()))
    fail_usage("--spacing places --motif motifs only; run --motif-matrix and --motif-per-background without it");
  if (!o.spacing.empty() && o.motifs.size() < 2) fail_usage("--spacing needs at least two --motif");
  if (!motif_mode && (o.sample || o.start || !o.motif_file.empty()))
    fail_usage("--sample, --start and --motif-file go with --motif");
  if (!o.motif_file.empty() && o.motifs.empty()) fail_usage("--motif-file goes with --motif (the names of its motifs)");
  if ((o.sample || o.iupac) && !motif_strings)
    fail_usage("--sample and --iupac go with --motif or --motif-per-background",
               "--motif-matrix values are written as they are");
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
  if (o.func != "predict" && o.func != "attribute" && o.func != "ism")
    fail_usage("unknown --func '" + o.func + "'", "use predict, attribute or ism");
  const attribute::AttributionOptions none;
  const bool attribution_set = o.attribution.method != none.method || o.attribution.references != none.references ||
                               !o.attribution.reference_file.empty() || o.attribution.objective != none.objective;
  if (o.func != "predict") {
    attribute::check_attribution_options(o.attribution);
    if (!o.summary.empty()) fail_usage("--summary summarises predictions; it does not go with --func " + o.func);
    if (!o.motif_matrices.empty())
      fail_usage("--func " + o.func + " explains base sequences; --motif-matrix inserts numeric columns",
                 "give the motifs as strings (--motif)");
  }
  if (o.func == "ism" && attribution_set)
    fail_usage("--method, --references, --reference-file and --objective go with --func attribute; --func ism "
               "takes --target");
  if (o.func == "predict" && (attribution_set || !o.attribution.target.empty()))
    fail_usage("--method, --references, --reference-file, --target and --objective go with --func attribute or ism");
}

namespace {

// --func attribute: contributions of every background (once) and of every
// edited sequence, each with its own references (shuffles keyed by the
// background's number, or by the experiment's after the backgrounds').
void attribute_experiments(const MarginalizeRequest& o, const Design& d, std::vector<predict::StageModel>& members,
                           const predict::NEncoding& n_encoding, const stream::Header* input_header, int64_t L,
                           uint64_t seed, const nlohmann::json& identity, Run& run) {
  attribute::AttributionSetup setup(o.attribution, members, o.model.catalog, seed);
  // Fields contrib.before/.after/.diff [L, 4]: hypothetical contributions.
  MarginalOutput out({stream::HeadShape{"contrib", L, 4, stream::DType::f32}},
                     [&](nlohmann::json& meta) {
                       meta["attribution"] = setup.meta();
                       meta["attribution"]["values"] = "hypothetical contributions [L, 4]";
                     },
                     input_header, L, identity, d.mode, run);
  const size_t cells = static_cast<size_t>(L * 4), nb = d.backgrounds.size();
  auto bytes = [](const std::string& s) { return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  auto label = [](const std::string& what) { return [what] { return what; }; };
  std::vector<float> before(nb * cells), x;
  attribute::Attribution a;
  for (size_t b = 0; b < nb; ++b) {
    const auto seq = bytes(d.backgrounds[b]);
    setup.explain(seq, n_encoding.for_window(seq, label("background " + std::to_string(b))), b, x, a);
    std::copy(a.hypothetical.begin(), a.hypothetical.end(), before.begin() + static_cast<std::ptrdiff_t>(b * cells));
  }
  std::vector<uint8_t> edited(static_cast<size_t>(L));
  for (size_t k = 0; k < d.experiments.size(); ++k) {
    const auto& e = d.experiments[k];
    apply(e, bytes(d.backgrounds[static_cast<size_t>(e.background)]), edited.data());
    setup.explain(edited, n_encoding.for_window(edited, label("experiment " + std::to_string(k))), nb + k, x, a);
    HeadSlices v;
    v.before = {before.data() + static_cast<size_t>(e.background) * cells};
    v.after = {a.hypothetical.data()};
    out.write(e, d.origins[static_cast<size_t>(e.background)], v);
    ++run.records_out;
    run.progress.tick(k + 1);
  }
  out.finish();
}

// --func ism: ISM contribution scores (every single-base mutant of the
// whole window, fast ISM) of every background (once) and edited sequence.
void ism_experiments(const MarginalizeRequest& o, const Design& d, std::vector<predict::StageModel>& members,
                     const predict::NEncoding& n_encoding, const stream::Header* input_header, int64_t L,
                     const nlohmann::json& identity, Run& run) {
  const engine::ModelGraph& graph = members.front().graph;
  const auto heads = predict::heads_of_model(graph);
  const auto catalog = predict::choose_catalog(o.model.catalog, heads, predict::embedded_catalog(graph).get());
  const ism::AttributionTarget target =
      ism::parse_target(o.attribution.target.empty() ? heads.back().name : o.attribution.target, heads, catalog);
  std::vector<bool> read(heads.size(), false);
  read[target.head] = true;
  // An N with no known value stops the run at for_window below, before the 0 is used.
  ism::EnsembleMutants model(std::move(members), false, n_encoding.value.value_or(0.0f), read);
  MarginalOutput out({stream::HeadShape{"contrib", L, 4, stream::DType::f32}},
                     [&](nlohmann::json& meta) {
                       meta["attribution"] = {{"method", "ism"}, {"target", target.text},
                                              {"values", "hypothetical contributions [L, 4]"}};
                     },
                     input_header, L, identity, d.mode, run);
  const size_t cells = static_cast<size_t>(L * 4), nb = d.backgrounds.size();
  ism::IsmContributions contributions;
  std::vector<ism::Mutation> mutants;
  std::vector<engine::HeadOutput> predictions;
  auto explain = [&](std::span<const uint8_t> seq, const std::string& what, std::span<float> dst) {
    n_encoding.for_window(seq, [&] { return what; });
    model.set_reference(seq);
    contributions.begin(seq, ism::target_value(model.reference()[target.head], target.channels, 0));
    ism::MutationEnumerator all(seq, 0, L, 1);
    mutants.clear();
    while (all.next(static_cast<size_t>(defaults::ism_chunk), mutants)) {
      model.predict(mutants, predictions);
      for (size_t i = 0; i < mutants.size(); ++i)
        contributions.add(mutants[i], ism::target_value(predictions[target.head], target.channels, i));
      mutants.clear();
    }
    contributions.finish(0, -1, false, dst);
  };
  auto bytes = [](const std::string& s) { return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  std::vector<float> before(nb * cells), after(cells);
  for (size_t b = 0; b < nb; ++b)
    explain(bytes(d.backgrounds[b]), "background " + std::to_string(b), std::span(before).subspan(b * cells, cells));
  std::vector<uint8_t> edited(static_cast<size_t>(L));
  for (size_t k = 0; k < d.experiments.size(); ++k) {
    const auto& e = d.experiments[k];
    apply(e, bytes(d.backgrounds[static_cast<size_t>(e.background)]), edited.data());
    explain(edited, "experiment " + std::to_string(k), after);
    HeadSlices v;
    v.before = {before.data() + static_cast<size_t>(e.background) * cells};
    v.after = {after.data()};
    out.write(e, d.origins[static_cast<size_t>(e.background)], v);
    ++run.records_out;
    run.progress.tick(k + 1);
  }
  out.finish();
}

}  // namespace

namespace {

// --func predict: the model's planned outputs before and after each edit,
// and the effect summary.
void predict_experiments(const MarginalizeRequest& o, const Design& d, std::vector<predict::StageModel>& members,
                         const predict::TrackPlan& plan, const LoopOptions& loop, const stream::Header* input_header,
                         int64_t L, const nlohmann::json& identity, Run& run) {
  MarginalOutput out(plan.head_shapes(), [&](nlohmann::json& meta) { plan.describe(meta); }, input_header, L,
                     identity, d.mode, run);
  predict::EnsemblePredictor predictor(std::move(members));
  Marginalizer marginalizer(predictor, plan, loop);
  EffectSummary summary(plan);
  run.progress.set_total(d.experiments.size());
  auto sink = [&](size_t k, const HeadSlices& v) {
    out.write(d.experiments[k], d.origins[static_cast<size_t>(d.experiments[k].background)], v);
    summary.add(d.experiments[k], v);
    ++run.records_out;
  };
  marginalizer.run(d.backgrounds, d.experiments, sink, [&](uint64_t done) { run.progress.tick(done); });
  out.finish();
  if (!o.summary.empty()) {
    TextOutput t(o.summary);
    t.write(summary.tsv());
    t.commit();
  }
}

}  // namespace

void run_marginalize(const MarginalizeRequest& o, Run& run) {
  LoopOptions loop;
  loop.batch_size = o.model.batch_size;
  if (!run.opt.seed) run.opt.seed = defaults::marginalize_seed;  // recorded in provenance like a given one
  const uint64_t seed = *run.opt.seed;

  // Model, heads and tracks, as s2f-predict plans them.
  // A free-length model runs at --input-length, -L (--random) or the input's length.
  std::unique_ptr<stream::Reader> input_reader;
  auto members = predict::load_stage_models(o.model, [&]() -> int64_t {
    if (o.length) return *o.length;
    if (!reads_input(o)) return 0;
    input_reader = stream::Reader::open(o.input.empty() ? "-" : o.input);
    return predict::sequence_window_length(input_reader->header());
  });
  // Heads and catalog are the first model's (an ensemble's members agree).
  const engine::ModelGraph& graph = members.front().graph;
  const int64_t L = graph.input_length;
  auto heads = predict::heads_of_model(graph);
  predict::TrackPlanOptions plan_options = o.plan;
  plan_options.heads = split_option_list({o.model.heads});
  plan_options.dtype = stream::DType::f32;
  auto plan = predict::plan_tracks(
      heads, predict::choose_catalog(o.model.catalog, heads, predict::embedded_catalog(graph).get()), plan_options);
  if (o.length && *o.length != L)
    fail_usage("-L " + std::to_string(*o.length) + ": the model takes " + std::to_string(L) + "-bp sequences",
               "leave -L out, or give -L " + std::to_string(L));

  Design d = design(o, L, seed, run, std::move(input_reader));
  loop.n_encoding = predict::n_encoding_of_models(o.model.n_value, members);
  auto identity = predict::ensemble_identity(o.model.models, members);
  loop.n_encoding.describe(identity);
  predict::announce_ensemble(members, run);
  const stream::Header* input_header = d.sources ? &d.sources->reader->header() : nullptr;
  run.progress.set_total(d.experiments.size());
  if (o.func == "attribute") {
    attribute_experiments(o, d, members, loop.n_encoding, input_header, L, seed, identity, run);
  } else if (o.func == "ism") {
    ism_experiments(o, d, members, loop.n_encoding, input_header, L, identity, run);
  } else {
    predict_experiments(o, d, members, plan, loop, input_header, L, identity, run);
  }
  // Side outputs appear only once the stream is complete.
  if (!o.save_backgrounds.empty()) save_backgrounds(o.save_backgrounds, d.backgrounds, d.origins, L, run);
  if (!o.save_after.empty())
    write_sequences(o.save_after, d.experiments.size(), L, run,
                    [&](size_t k, std::string& id, uint8_t& allele, uint8_t* seq) {
                      const auto& e = d.experiments[k];
                      const auto& bg = d.backgrounds[static_cast<size_t>(e.background)];
                      const auto& origin = d.origins[static_cast<size_t>(e.background)];
                      apply(e, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bg.data()), bg.size()), seq);
                      id = edited_id(e, origin);
                      allele = origin.allele;
                    });
  const size_t nb = d.backgrounds.size();
  // After an ensemble's "k models" (announce_ensemble).
  run.summary_extra += (run.summary_extra.empty() ? "" : ", ") + std::to_string(nb) + " backgrounds x " +
                       std::to_string(nb ? d.experiments.size() / nb : 0) + " insertions";
}

}  // namespace s2f::marginalize
