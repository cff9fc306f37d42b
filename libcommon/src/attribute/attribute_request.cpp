// The s2f-attribute driver.
#include "s2f/attribute/attribute_request.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "s2f/attribute/attribution_output.hpp"
#include "s2f/attribute/attributor.hpp"
#include "s2f/error.hpp"
#include "s2f/ism/ism_output.hpp"
#include "s2f/marginalize/dinucleotide_shuffle.hpp"
#include "s2f/npz.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/model_input.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/one_hot.hpp"
#include "s2f/predict/runners.hpp"
#include "s2f/rng.hpp"

namespace s2f::attribute {

namespace {

void check_request(const AttributeRequest& o, Method method) {
  predict::check_model_options(o.model, false);
  const int sources = (!o.reference_file.empty()) + (!o.background.empty());
  if (sources > 1) fail_usage("give --reference-file or --background, not both");
  if (method != Method::deepshap && sources > 0)
    fail_usage("--reference-file and --background are for --method deepshap (gradients need no reference)");
  if (o.references < 1) fail_usage("--references must be at least 1");
  if (!o.background.empty() && o.background != "zero" && o.background != "uniform")
    fail_usage("unknown --background '" + o.background + "'", "use zero or uniform");
  if (!(o.gap_warning > 0)) fail_usage("--gap-warning must be positive");
}

// The fixed references of --reference-file (N, L, 4) or --background.
std::vector<float> fixed_references(const AttributeRequest& o, int64_t L, int64_t& n) {
  const size_t cells = static_cast<size_t>(L * 4);
  if (!o.background.empty()) {
    n = 1;
    return std::vector<float>(cells, o.background == "uniform" ? 0.25f : 0.0f);
  }
  std::ifstream f(o.reference_file, std::ios::binary);
  if (!f) fail_input("cannot open the reference file", o.reference_file, "give a .npy array of shape (N, L, 4)");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const npz::NpyArray a = npz::parse_npy(bytes, o.reference_file);
  if (a.shape.size() != 3 || a.shape[1] != static_cast<uint64_t>(L) || a.shape[2] != 4 || a.shape[0] == 0)
    fail_input("references must have shape (N, " + std::to_string(L) + ", 4) for this model", o.reference_file,
               "write one-hot references of the model's input length, channels A, C, G, T");
  n = static_cast<int64_t>(a.shape[0]);
  auto v = a.as_f32(o.reference_file);
  for (float e : v)
    if (!std::isfinite(e)) fail_input("the references hold a non-finite value", o.reference_file);
  return v;
}

}  // namespace

void run_attribute(const AttributeRequest& o, Run& run) {
  const Method method = parse_method(o.method);
  const Objective objective = parse_objective(o.objective);
  check_request(o, method);
  predict::ModelInput source = predict::open_model_input(o.model, o.encode, o.input);
  stream::Reader& in = *source.in;

  // Heads and catalog are the first model's (an ensemble's members agree).
  const engine::ModelGraph& graph = source.members.front().graph;
  const auto heads = predict::heads_of_model(graph);
  const auto embedded = predict::embedded_catalog(graph);
  const auto catalog = predict::choose_catalog(o.model.catalog, heads, embedded.get());
  const ism::AttributionTarget target =
      ism::parse_target(o.target.empty() ? heads.back().name : o.target, heads, catalog);
  const predict::NEncoding n_encoding = predict::n_encoding_of_models(o.model.n_value, source.members);
  nlohmann::json identity = predict::ensemble_identity(o.model.models, source.members);
  n_encoding.describe(identity);
  predict::announce_ensemble(source.members, run);
  const bool profile = graph.heads[target.head].kind == engine::HeadKind::profile;
  std::vector<engine::ModelGraph> graphs;
  for (auto& m : source.members) graphs.push_back(std::move(m.graph));
  const Attributor attributor(std::move(graphs), Target{target.head, target.channels, objective}, method);
  const int64_t L = attributor.input_length();
  const size_t seq = predict::require_sequences(in, L, "the model");

  int64_t n_refs = method == Method::deepshap ? o.references : 0;
  const bool shuffles = method == Method::deepshap && o.reference_file.empty() && o.background.empty();
  std::vector<float> refs;
  if (!shuffles && method == Method::deepshap) refs = fixed_references(o, L, n_refs);
  const uint64_t seed = run.opt.seed.value_or(defaults::attribute_seed);

  nlohmann::json meta{{"method", method_name(method)}, {"target", target.text}};
  if (profile) meta["objective"] = objective_name(objective);
  if (method == Method::deepshap) {
    meta["references"] = shuffles ? nlohmann::json{{"kind", "dinucleotide_shuffle"}, {"n", n_refs}, {"seed", seed}}
                         : o.background.empty() ? nlohmann::json{{"kind", "file"}, {"n", n_refs}, {"path", o.reference_file}}
                                                : nlohmann::json{{"kind", o.background}, {"n", 1}};
  }
  AttributionOutput out(in.header(), L, OutputOptions{o.project, o.modisco_prefix, o.h5, meta}, run, identity);

  const auto [lo, hi] = predict::shard_records(in, run);
  if (hi != UINT64_MAX) run.progress.set_total(hi - lo);
  stream::Batch batch;
  std::vector<float> x(static_cast<size_t>(L * 4));
  if (shuffles) refs.resize(static_cast<size_t>(n_refs) * x.size());
  Attribution result;
  double max_gap = 0;
  uint64_t index = 0, warned = 0;
  while (in.next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r, ++index) {
      if (index < lo || index >= hi) continue;
      auto bases = batch.fixed<uint8_t>(seq, r);
      auto label = [&] { return predict::window_label(batch, r, index, in.name()); };
      const float n_value = n_encoding.for_window(bases, label);
      predict::one_hot(bases, n_value, x.data());
      if (shuffles) {
        // Seeded by the record's place in the input, so shards and thread
        // counts give the same references.
        Rng rng(mix_seed(seed ^ mix_seed(index + 1)));
        for (int64_t k = 0; k < n_refs; ++k) {
          const std::string s = marginalize::dinucleotide_shuffle(bases, rng);
          predict::one_hot(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()), n_value,
                           refs.data() + static_cast<size_t>(k) * x.size());
        }
      }
      attributor.explain(x, refs, n_refs, result);
      if (result.max_gap > o.gap_warning && warned++ == 0)
        warn("the contributions of " + label() + " miss summation to delta by " + std::to_string(result.max_gap) +
                 " (relative), above --gap-warning; the summary counts all such sequences");
      max_gap = std::max(max_gap, result.max_gap);
      out.write(batch, r, x, result);
      ++run.records_in;
      run.progress.tick(run.records_in);
    }
  }
  source.encoder.wait_success(run);
  out.finish();
  if (method == Method::deepshap) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; largest summation-to-delta gap %.3g (relative)", max_gap);
    run.summary_extra += buf;
    if (warned) run.summary_extra += "; " + std::to_string(warned) + " sequences above --gap-warning";
  }
}

}  // namespace s2f::attribute
