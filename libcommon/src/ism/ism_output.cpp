// s2f-ism's outputs: the ism stream, the contributions stream, Selene files.
#include "s2f/ism/ism_output.hpp"

#include "s2f/ism/ism_contributions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "s2f/error.hpp"
#include "s2f/genome/window.hpp"
#include "s2f/ism/selene_ism_files.hpp"
#include "s2f/score/statistics.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::ism {

IsmStat parse_ism_stat(const std::string& name) {
  if (auto item = score::find_selene_item(name)) return *item;
  fail_usage("unknown --save entry '" + name + "'", "choose from predictions, diffs, abs_diffs, logits");
}

const char* ism_stat_name(IsmStat s) { return score::selene_item_name(s); }

AttributionTarget parse_target(const std::string& text, const std::vector<predict::ModelHeadInfo>& heads,
                               const catalog::TrackCatalog& catalog) {
  AttributionTarget t;
  t.text = text;
  const auto colon = text.find(':');
  const std::string head = text.substr(0, colon);
  const std::string track = colon == std::string::npos ? "sum" : text.substr(colon + 1);
  std::string names;
  t.head = heads.size();
  for (size_t h = 0; h < heads.size(); ++h) {
    names += (names.empty() ? "" : ", ") + heads[h].name;
    if (heads[h].name == head) t.head = h;
  }
  if (t.head == heads.size()) fail_usage("--target names head '" + head + "', which the model does not have", "heads: " + names);
  t.head_name = head;
  const int64_t tracks = heads[t.head].tracks;
  if (track == "sum") {
    for (int64_t c = 0; c < tracks; ++c) t.channels.push_back(c);
    return t;
  }
  if (!track.empty() && std::all_of(track.begin(), track.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const int64_t c = std::stoll(track);
    if (c >= tracks)
      fail_usage("--target " + text + ": head " + head + " has channels 0.." + std::to_string(tracks - 1));
    t.channels.push_back(c);
    return t;
  }
  // A track id or name of this head in the catalog.
  const int type_col = catalog.find_column("output_type");
  const int name_col = catalog.find_column("track_name");
  auto ids = catalog.track_ids();
  for (size_t r = 0; r < catalog.size(); ++r) {
    if (type_col >= 0 && catalog.get(r, "output_type").value_or("") != heads[t.head].name) continue;
    if (ids[r] == track || (name_col >= 0 && catalog.get(r, "track_name").value_or("") == track))
      t.channels.push_back(catalog.channel(r));
  }
  if (t.channels.empty())
    fail_usage("--target " + text + ": no track '" + track + "' in head " + head,
               "give a channel number, a track id or name from the catalog, or sum");
  return t;
}

struct IsmOutput::Impl {
  predict::TrackPlan plan;
  IsmOutputOptions o;
  Run& run;
  std::unique_ptr<stream::Writer> writer;
  std::unique_ptr<stream::FieldCopier> copier;
  std::vector<size_t> model_head;  // plan head -> model head index
  // ism stream fields: [stat][plan head]
  std::vector<std::vector<size_t>> stat_fields;
  int f_pos = -1, f_allele = -1, f_ref = -1, f_alt = -1, f_mut_pos = -1, f_contrib = -1;
  int f_window_allele = -1, f_variant_ref = -1, f_variant_alt = -1;
  std::unique_ptr<SeleneIsmFiles> selene;
  std::vector<std::vector<float>> selene_rows;  // [stat][features]
  size_t features = 0;
  std::set<std::string> selene_names;  // one set of Selene files per window

  // The sequence in progress.
  const stream::Batch* in = nullptr;
  size_t in_rec = 0;
  std::vector<uint8_t> sequence;
  std::vector<engine::HeadOutput> reference;
  IsmContributions contributions;  // --attr
  genome::WindowPlacement placement;
  uint8_t window_allele = stream::kAlleleNone;  // R/A: a variant's REF/ALT window
  std::string variant_ref, variant_alt;
  std::vector<float> scratch;

  Impl(predict::TrackPlan p, IsmOutputOptions opts, Run& r) : plan(std::move(p)), o(std::move(opts)), run(r) {}

  // A mutant's `pos`: the genome position of its first edit, or its
  // offset when the window is not genomic.
  int64_t mutant_pos(int64_t offset) const {
    const int64_t p = genome::genome_position(placement, offset);
    return p < 0 ? offset : p;
  }

  // What the input record says about the window being mutated.
  void read_window(const stream::Batch& record, size_t rec, size_t length) {
    const auto& schema = record.schema();
    auto scalar_or = [&](const char* name, auto fallback) {
      const int f = schema.find(name);
      return f >= 0 ? record.scalar<decltype(fallback)>(static_cast<size_t>(f), rec) : fallback;
    };
    auto str_or_empty = [&](const char* name) {
      const int f = schema.find(name);
      return f >= 0 ? std::string(record.str(static_cast<size_t>(f), rec)) : std::string();
    };
    window_allele = scalar_or("allele", stream::kAlleleNone);
    variant_ref = str_or_empty("ref");
    variant_alt = str_or_empty("alt");
    placement = {};
    placement.start = scalar_or("start", int64_t{-1});
    placement.length = static_cast<int64_t>(length);
    placement.minus = scalar_or("strand", uint8_t{'.'}) == '-';
    placement.alt_window = window_allele == stream::kAlleleAlt;
    placement.variant_pos = scalar_or("pos", int64_t{-1});
    placement.ref_length = static_cast<int64_t>(variant_ref.size());
    placement.alt_length = static_cast<int64_t>(variant_alt.size());
  }

  // Selene files are named after the window (its id, or with --file-names
  // index its position in the input, Selene's use_sequence_name: False): a
  // variant's two windows get _ref and _alt; two windows of one name would
  // overwrite each other, and --file-names prefix has room for one window.
  std::string selene_name(const stream::Batch& record, size_t rec, uint64_t window) {
    const int fid = record.schema().find("id");
    std::string name = o.file_names == IsmFileNames::index ? std::to_string(window)
                       : fid >= 0 ? std::string(record.str(static_cast<size_t>(fid), rec))
                                  : "sequence";
    if (o.file_names == IsmFileNames::prefix && !selene_names.empty())
      fail_input("--file-names prefix names the Selene files of one window, and the input has more",
                 "input window " + std::to_string(window + 1),
                 "give one sequence, or use --file-names name or index");
    if (window_allele == stream::kAlleleRef) name += "_ref";
    if (window_allele == stream::kAlleleAlt) name += "_alt";
    if (!selene_names.insert(name).second)
      fail_input("two input windows are named '" + name + "', so their Selene ISM files would overwrite each other",
                 "input windows named " + name,
                 "give every window its own name (the BED/narrowPeak name column, the FASTA record name)");
    return name;
  }

  // Statistic `s` of plan head `h` for one record into `dst` (plan layout).
  void statistic(IsmStat s, size_t h, const float* alt, float* dst) {
    const float* ref = reference[model_head[h]].values.data();
    const auto& ph = plan.heads[h];
    const size_t n = static_cast<size_t>(ph.model.tracks * ph.model.bins);
    scratch.resize(n);
    for (size_t i = 0; i < n; ++i) {
      switch (s) {
        case IsmStat::predictions: scratch[i] = alt[i]; break;
        case IsmStat::diffs: scratch[i] = alt[i] - ref[i]; break;
        case IsmStat::abs_diffs: scratch[i] = std::fabs(alt[i] - ref[i]); break;
        case IsmStat::logits:
          scratch[i] = static_cast<float>(score::logit(alt[i], o.logit) - score::logit(ref[i], o.logit));
          break;
      }
    }
    plan.extract(h, scratch.data(), dst);
  }

  // One record of the ism stream (`alt` per model head; null = reference).
  void write_record(const Mutation* m, const std::vector<const float*>& alt) {
    auto& b = writer->batch();
    const size_t r = b.add_record();
    copier->copy(*in, in_rec, b, r);
    if (m) {
      const auto label = label_of(*m, sequence);
      b.set_scalar<int64_t>(static_cast<size_t>(f_pos), r, mutant_pos((*m)[0].pos));
      b.set_scalar<uint8_t>(static_cast<size_t>(f_allele), r, stream::kAlleleAlt);
      b.set_str(static_cast<size_t>(f_ref), r, label.ref);
      b.set_str(static_cast<size_t>(f_alt), r, label.alt);
      b.set_str(static_cast<size_t>(f_mut_pos), r, label.pos);
    } else {
      b.set_scalar<uint8_t>(static_cast<size_t>(f_allele), r, stream::kAlleleRef);
      b.set_str(static_cast<size_t>(f_ref), r, "");
      b.set_str(static_cast<size_t>(f_alt), r, "");
      b.set_str(static_cast<size_t>(f_mut_pos), r, "");
    }
    b.set_scalar<uint8_t>(static_cast<size_t>(f_window_allele), r, window_allele);
    b.set_str(static_cast<size_t>(f_variant_ref), r, variant_ref);
    b.set_str(static_cast<size_t>(f_variant_alt), r, variant_alt);
    for (size_t s = 0; s < o.save.size(); ++s)
      for (size_t h = 0; h < plan.heads.size(); ++h) {
        auto& col = b.column_mut(stat_fields[s][h]);
        statistic(o.save[s], h, alt[model_head[h]], reinterpret_cast<float*>(col.data.data()) + r * col.elems);
      }
    writer->end_record();
    ++run.records_out;
  }

  void selene_row(const MutationLabel& label, const std::vector<const float*>& alt) {
    std::vector<std::span<const float>> rows;
    for (size_t s = 0; s < o.save.size(); ++s) {
      float* dst = selene_rows[s].data();
      for (size_t h = 0; h < plan.heads.size(); ++h) {
        statistic(o.save[s], h, alt[model_head[h]], dst);
        dst += plan.heads[h].channels.size() * static_cast<size_t>(plan.heads[h].out_bins());
      }
      rows.emplace_back(selene_rows[s]);
    }
    selene->add(label, rows);
  }

  double target_of(const std::vector<engine::HeadOutput>& heads, size_t index) const {
    return target_value(heads[o.target.head], o.target.channels, index);
  }
};

IsmOutput::IsmOutput(const stream::Header& input, predict::TrackPlan plan, IsmOutputOptions options, Run& run,
                     const nlohmann::json& model_meta)
    : impl_(std::make_unique<Impl>(std::move(plan), std::move(options), run)) {
  auto& m = *impl_;
  if (m.plan.dtype != stream::DType::f32) fail(Exit::internal, "ism outputs are f32");
  const auto& seq_field = input.schema[input.schema.index("seq")];
  const int64_t L = seq_field.shape[0];
  stream::Header header;
  std::vector<std::string> set_here;  // fields each record sets itself, not copied from the input
  if (m.o.attributions) {
    // The window's allele fields tell a variant's REF and ALT windows apart.
    auto schema = stream::contributions_schema(L);
    for (const char* name : {"allele", "ref", "alt"})
      if (const int f = input.schema.find(name); f >= 0) schema.add(input.schema[static_cast<size_t>(f)]);
    header = stream::make_header(stream::kind::contributions, std::move(schema), run.provenance(), &input);
    header.meta["attribution"] = {{"method", "ism"},
                                  {"target", m.o.target.text},
                                  {"projected", m.o.project},
                                  {"start", m.o.start},
                                  {"end", m.o.end}};
    m.f_contrib = static_cast<int>(header.schema.index("contrib"));
  } else {
    std::vector<stream::HeadShape> fields;
    for (auto s : m.o.save)
      for (const auto& h : m.plan.heads)
        fields.push_back({std::string(ism_stat_name(s)) + "." + h.model.name,
                          static_cast<int64_t>(h.channels.size()), h.out_bins(), stream::DType::f32});
    header = stream::make_header(stream::kind::ism, stream::ism_schema(fields), run.provenance(), &input);
    m.plan.describe(header.meta);
    std::vector<std::string> saved;
    for (auto s : m.o.save) saved.push_back(ism_stat_name(s));
    header.meta["ism"] = {{"save", saved}, {"start", m.o.start}, {"end", m.o.end}};
    size_t k = 0;
    m.stat_fields.assign(m.o.save.size(), {});
    for (size_t s = 0; s < m.o.save.size(); ++s)
      for (size_t h = 0; h < m.plan.heads.size(); ++h, ++k) m.stat_fields[s].push_back(header.schema.index(fields[k].name));
    m.f_pos = static_cast<int>(header.schema.index("pos"));
    m.f_allele = static_cast<int>(header.schema.index("allele"));
    m.f_ref = static_cast<int>(header.schema.index("ref"));
    m.f_alt = static_cast<int>(header.schema.index("alt"));
    m.f_mut_pos = static_cast<int>(header.schema.index("mut_pos"));
    m.f_window_allele = static_cast<int>(header.schema.index("window_allele"));
    m.f_variant_ref = static_cast<int>(header.schema.index("variant_ref"));
    m.f_variant_alt = static_cast<int>(header.schema.index("variant_alt"));
    set_here = {"allele", "ref", "alt", "mut_pos", "window_allele", "variant_ref", "variant_alt"};
  }
  header.meta["model"] = model_meta;
  m.copier = std::make_unique<stream::FieldCopier>(input.schema, header.schema, set_here);
  m.writer = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));

  std::vector<std::string> feature_names;
  const auto ids = m.plan.catalog.track_ids();
  for (const auto& h : m.plan.heads)
    for (size_t row : h.rows)
      for (int64_t bin = 0; bin < h.out_bins(); ++bin)
        feature_names.push_back(h.out_bins() == 1 ? ids[row] : ids[row] + ":" + std::to_string(bin));
  m.features = feature_names.size();
  if (!m.o.tsv_prefix.empty() || !m.o.hdf5_prefix.empty()) {
    const bool hdf5 = !m.o.hdf5_prefix.empty();
    m.selene = std::make_unique<SeleneIsmFiles>(hdf5 ? m.o.hdf5_prefix : m.o.tsv_prefix, hdf5, m.o.save, feature_names,
                                                m.o.file_names);
    m.selene_rows.assign(m.o.save.size(), std::vector<float>(m.features));
  }
}

IsmOutput::~IsmOutput() = default;

void IsmOutput::begin_sequence(const stream::Batch& in, size_t rec, uint64_t window, std::span<const uint8_t> sequence,
                               const std::vector<engine::HeadOutput>& reference) {
  auto& m = *impl_;
  m.in = &in;
  m.in_rec = rec;
  m.sequence.assign(sequence.begin(), sequence.end());
  m.reference = reference;
  if (m.model_head.empty())
    for (const auto& h : m.plan.heads) {
      size_t k = 0;
      while (k < reference.size() && reference[k].name != h.model.name) ++k;
      if (k == reference.size()) fail(Exit::internal, "plan head " + h.model.name + " is not a model head");
      m.model_head.push_back(k);
    }
  m.read_window(in, rec, sequence.size());
  std::vector<const float*> ref_ptrs;
  for (const auto& h : reference) ref_ptrs.push_back(h.values.data());
  if (m.o.attributions) {
    m.contributions.begin(sequence, m.target_of(reference, 0));
  } else {
    for (auto s : m.o.save)
      if (s == IsmStat::predictions) m.write_record(nullptr, ref_ptrs);
  }
  if (m.selene) {
    std::vector<float> row(m.features);
    float* dst = row.data();
    for (size_t h = 0; h < m.plan.heads.size(); ++h) {
      m.plan.extract(h, reference[m.model_head[h]].values.data(), dst);
      dst += m.plan.heads[h].channels.size() * static_cast<size_t>(m.plan.heads[h].out_bins());
    }
    m.selene->begin(m.selene_name(in, rec, window), row);
  }
}

void IsmOutput::add_mutants(const std::vector<Mutation>& mutants, const std::vector<engine::HeadOutput>& predictions) {
  auto& m = *impl_;
  std::vector<const float*> alt(predictions.size());
  for (size_t i = 0; i < mutants.size(); ++i) {
    for (size_t h = 0; h < predictions.size(); ++h)
      alt[h] = predictions[h].values.data() + i * static_cast<size_t>(predictions[h].tracks * predictions[h].bins);
    if (m.o.attributions) {
      m.contributions.add(mutants[i], m.target_of(predictions, i));
    } else {
      m.write_record(&mutants[i], alt);
    }
    if (m.selene) m.selene_row(label_of(mutants[i], m.sequence), alt);
  }
}

void IsmOutput::end_sequence() {
  auto& m = *impl_;
  if (m.selene) m.selene->end();
  if (!m.o.attributions) return;
  auto& b = m.writer->batch();
  const size_t r = b.add_record();
  m.copier->copy(*m.in, m.in_rec, b, r);
  m.contributions.finish(m.o.start, m.o.end, m.o.project, b.fixed_mut<float>(static_cast<size_t>(m.f_contrib), r));
  m.writer->end_record();
  ++m.run.records_out;
}

void IsmOutput::finish() { impl_->writer->finish(); }

std::vector<std::string> IsmOutput::heads_read() const {
  std::vector<std::string> names;
  if (impl_->o.attributions) names.push_back(impl_->o.target.head_name);
  if (!impl_->o.attributions || impl_->selene)
    for (const auto& h : impl_->plan.heads) names.push_back(h.model.name);
  return names;
}

}  // namespace s2f::ism
