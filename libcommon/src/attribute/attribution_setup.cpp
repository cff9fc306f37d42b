// Attribution options, target and references.
#include "s2f/attribute/attribution_setup.hpp"

#include <cmath>
#include <fstream>
#include <iterator>

#include "s2f/error.hpp"
#include "s2f/ism/ism_output.hpp"
#include "s2f/genome/dinucleotide_shuffle.hpp"
#include "s2f/npz.hpp"
#include "s2f/predict/model_tracks.hpp"
#include "s2f/predict/one_hot.hpp"
#include "s2f/rng.hpp"

namespace s2f::attribute {

namespace {

// The fixed references of --reference-file (N, L, 4) or --background.
std::vector<float> fixed_references(const AttributionOptions& o, int64_t L, int64_t& n) {
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

void check_attribution_options(const AttributionOptions& o) {
  const Method method = parse_method(o.method);
  parse_objective(o.objective);
  const int sources = (!o.reference_file.empty()) + (!o.background.empty());
  if (sources > 1) fail_usage("give --reference-file or --background, not both");
  if (method != Method::deepshap && sources > 0)
    fail_usage("--reference-file and --background are for --method deepshap (gradients need no reference)");
  if (o.references < 1) fail_usage("--references must be at least 1");
  if (!o.background.empty() && o.background != "zero" && o.background != "uniform")
    fail_usage("unknown --background '" + o.background + "'", "use zero or uniform");
  if (!(o.gap_warning > 0)) fail_usage("--gap-warning must be positive");
}

AttributionSetup::AttributionSetup(const AttributionOptions& o, std::vector<predict::StageModel>& members,
                                   const std::string& catalog_tsv, uint64_t seed)
    : o_(o), method_(parse_method(o.method)), seed_(seed) {
  check_attribution_options(o);
  const Objective objective = parse_objective(o.objective);
  // Heads and catalog are the first model's (an ensemble's members agree).
  const engine::ModelGraph& graph = members.front().graph;
  const auto heads = predict::heads_of_model(graph);
  const auto embedded = predict::embedded_catalog(graph);
  const auto catalog = predict::choose_catalog(catalog_tsv, heads, embedded.get());
  const ism::AttributionTarget target =
      ism::parse_target(o.target.empty() ? heads.back().name : o.target, heads, catalog);
  const bool profile = graph.heads[target.head].kind == engine::HeadKind::profile;
  std::vector<engine::ModelGraph> graphs;
  for (auto& m : members) graphs.push_back(std::move(m.graph));
  attributor_ = std::make_unique<Attributor>(std::move(graphs), Target{target.head, target.channels, objective}, method_);
  const int64_t L = attributor_->input_length();
  if (method_ == Method::deepshap) {
    shuffles_ = o.reference_file.empty() && o.background.empty();
    n_refs_ = o.references;
    if (!shuffles_) refs_ = fixed_references(o, L, n_refs_);
    else refs_.resize(static_cast<size_t>(n_refs_ * L * 4));
  }
  meta_ = {{"method", method_name(method_)}, {"target", target.text}};
  if (profile) meta_["objective"] = objective_name(objective);
  if (method_ == Method::deepshap)
    meta_["references"] = shuffles_ ? nlohmann::json{{"kind", "dinucleotide_shuffle"}, {"n", n_refs_}, {"seed", seed}}
                          : o.background.empty()
                              ? nlohmann::json{{"kind", "file"}, {"n", n_refs_}, {"path", o.reference_file}}
                              : nlohmann::json{{"kind", o.background}, {"n", 1}};
}

AttributionSetup::~AttributionSetup() = default;

void AttributionSetup::explain(std::span<const uint8_t> bases, float n_value, uint64_t key, std::vector<float>& x,
                               Attribution& out) {
  const size_t cells = static_cast<size_t>(input_length() * 4);
  x.resize(cells);
  predict::one_hot(bases, n_value, x.data());
  if (shuffles_) {
    Rng rng(mix_seed(seed_ ^ mix_seed(key + 1)));
    for (int64_t k = 0; k < n_refs_; ++k) {
      const std::string s = genome::dinucleotide_shuffle(bases, rng);
      predict::one_hot(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()), n_value,
                       refs_.data() + static_cast<size_t>(k) * cells);
    }
  }
  attributor_->explain(x, refs_, n_refs_, out);
}

}  // namespace s2f::attribute
