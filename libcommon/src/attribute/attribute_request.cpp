// The s2f-attribute driver.
#include "s2f/attribute/attribute_request.hpp"

#include <cstdio>

#include "s2f/attribute/attribution_output.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/ensemble_members.hpp"
#include "s2f/predict/model_input.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/runners.hpp"

namespace s2f::attribute {

void run_attribute(const AttributeRequest& o, Run& run) {
  predict::check_model_options(o.model, false);
  check_attribution_options(o.attribution);
  predict::ModelInput source = predict::open_model_input(o.model, o.encode, o.input);
  stream::Reader& in = *source.in;
  const predict::NEncoding n_encoding = predict::n_encoding_of_models(o.model.n_value, source.members);
  nlohmann::json identity = predict::ensemble_identity(o.model.models, source.members);
  n_encoding.describe(identity);
  predict::announce_ensemble(source.members, run);
  const uint64_t seed = run.opt.seed.value_or(defaults::attribute_seed);
  AttributionSetup setup(o.attribution, source.members, o.model.catalog, seed);
  const int64_t L = setup.input_length();
  const size_t seq = predict::require_sequences(in, L, "the model");
  AttributionOutput out(in.header(), L, OutputOptions{o.project, o.modisco_prefix, o.h5, setup.meta()}, run, identity);

  const auto [lo, hi] = predict::shard_records(in, run);
  if (hi != UINT64_MAX) run.progress.set_total(hi - lo);
  stream::Batch batch;
  std::vector<float> x;
  Attribution result;
  double max_gap = 0;
  uint64_t index = 0, warned = 0;
  while (in.next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r, ++index) {
      if (index < lo || index >= hi) continue;
      auto bases = batch.fixed<uint8_t>(seq, r);
      auto label = [&] { return predict::window_label(batch, r, index, in.name()); };
      // References are keyed by the record's place in the input, so shards
      // and thread counts give the same ones.
      setup.explain(bases, n_encoding.for_window(bases, label), index, x, result);
      if (result.max_gap > o.attribution.gap_warning && warned++ == 0)
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
  if (setup.reference_count() > 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; largest summation-to-delta gap %.3g (relative)", max_gap);
    run.summary_extra += buf;
    if (warned) run.summary_extra += "; " + std::to_string(warned) + " sequences above --gap-warning";
  }
}

}  // namespace s2f::attribute
