// What every stage that computes contribution scores (s2f-attribute,
// s2f-marginalize --func attribute) is asked, checked once, and what it
// builds from it: the target on the model's heads, the Attributor, and each
// sequence's references (dinucleotide shuffles seeded per sequence, a
// reference file, or a fixed background). The options are declared once in
// cli::add_attribution_options.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "s2f/attribute/attributor.hpp"
#include "s2f/defaults.hpp"
#include "s2f/predict/model_options.hpp"

namespace s2f::attribute {

struct AttributionOptions {
  std::string method = "deepshap";
  int64_t references = defaults::attribute_references;  // dinucleotide shuffles per sequence
  std::string reference_file;  // .npy (N, L, 4): the same references for every sequence
  std::string background;      // zero | uniform: one fixed reference
  std::string target;          // HEAD[:TRACK|sum]; "" = the last head, every track
  std::string objective = "softmax";
  double gap_warning = defaults::attribute_gap_warning;
};

// Usage errors for impossible combinations, one message each.
void check_attribution_options(const AttributionOptions& o);

class AttributionSetup {
 public:
  // Takes the members' graphs over. `catalog_tsv` is --catalog ("" = the
  // model's own), which names tracks in --target.
  AttributionSetup(const AttributionOptions& o, std::vector<predict::StageModel>& members,
                   const std::string& catalog_tsv, uint64_t seed);
  ~AttributionSetup();

  const Attributor& attributor() const { return *attributor_; }
  int64_t input_length() const { return attributor_->input_length(); }
  int64_t reference_count() const { return n_refs_; }
  // meta.attribution: method, target, objective, references.
  const nlohmann::json& meta() const { return meta_; }
  const AttributionOptions& options() const { return o_; }

  // Explains one sequence: its one-hot (`x`, filled here) and, for
  // deepshap, its references; shuffles are drawn from Rng(mix(seed, key)),
  // so the same key gives the same references in any run, shard or thread.
  void explain(std::span<const uint8_t> bases, float n_value, uint64_t key, std::vector<float>& x,
               Attribution& out);

 private:
  AttributionOptions o_;
  std::unique_ptr<Attributor> attributor_;
  Method method_;
  int64_t n_refs_ = 0;
  bool shuffles_ = false;
  uint64_t seed_ = 0;
  std::vector<float> refs_;
  nlohmann::json meta_;
};

}  // namespace s2f::attribute
