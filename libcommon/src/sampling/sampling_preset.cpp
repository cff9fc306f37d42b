#include "s2f/sampling/sampling_preset.hpp"

#include "s2f/error.hpp"
#include "s2f/sampling/strategy_defaults.hpp"

namespace s2f::sampling {

namespace {
void fill(std::string& value, const char* preset_value, const char* s2f_value, bool selene) {
  if (value.empty()) value = selene ? preset_value : s2f_value;
}
void one_of(const std::string& value, const char* option, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  fail_usage(std::string(option) + " '" + value + "' is not one of " + list);
}
}  // namespace

void resolve_sampling_request(SamplingRequest& o, bool seed_given) {
  if (!strategy_defaults(o.strategy)) fail_usage("unknown --strategy '" + o.strategy + "'", "see --help for the list");
  if (o.strategy == "chorus-baselines" && o.count)
    fail_usage("--count does not apply to chorus-baselines", "run the strategies one by one to change counts");
  if (o.margin && *o.margin < 0) fail_usage("--margin must be >= 0");
  if (o.strategy == "tile") {
    if (o.count || o.margin || seed_given || !o.blacklist.empty() || !o.validation_holdout.empty() ||
        !o.test_holdout.empty() || (!o.mode.empty() && o.mode != "all"))
      fail_usage("--count, --margin, --seed, --blacklist, holdouts and --mode do not apply to --strategy tile",
                 "tiles cover the requested regions whole; narrow them with --chromosomes or --intervals");
    if (o.flank < 0) fail_usage("--flank must be >= 0");
    if (o.flank > 0 && o.intervals.empty()) fail_usage("--flank widens --intervals regions; give --intervals BED");
  } else if (o.tile_length || o.input_length || o.flank) {
    fail_usage("--tile-length, --input-length and --flank apply to --strategy tile only");
  }
  if (!o.preset.empty() && o.preset != "selene") fail_usage("unknown --preset '" + o.preset + "'", "the one preset is selene");
  const bool selene = o.preset == "selene";
  const bool selene_strategy = o.strategy == "random" || o.strategy == "intervals";
  if (selene && !selene_strategy)
    fail_usage("--preset selene applies to --strategy random and intervals (Selene's samplers)");
  if (selene) {
    if (o.validation_holdout.empty()) o.validation_holdout = SelenePreset::validation_holdout;
    if (o.test_holdout.empty()) o.test_holdout = SelenePreset::test_holdout;
    if (!o.sequence_length) o.sequence_length = SelenePreset::sequence_length;
    if (o.strategy == "random" && !o.margin) o.margin = *o.sequence_length;
  }
  fill(o.mode, SelenePreset::mode, "all", selene);
  fill(o.strand, SelenePreset::strand, "+", selene);
  fill(o.holdout_by, SelenePreset::holdout_by, "blocks", selene);
  fill(o.blacklist_rule, SelenePreset::blacklist_rule, "position", selene);
  fill(o.n_runs, SelenePreset::n_runs, "skip", selene && o.strategy == "random");
  if (!o.center_bin && (selene || !o.targets.empty())) o.center_bin = SelenePreset::center_bin;

  one_of(o.mode, "--mode", {"train", "validate", "test", "all"});
  one_of(o.strand, "--strand", {"+", "random"});
  one_of(o.holdout_by, "--holdout-by", {"blocks", "whole"});
  one_of(o.blacklist_rule, "--blacklist-rule", {"position", "window"});
  one_of(o.n_runs, "--n-runs", {"skip", "keep"});

  // Options of Selene's samplers only.
  auto selene_only = [&](bool given, const char* what) {
    if (given && !selene_strategy) fail_usage(std::string(what) + " applies to --strategy random and intervals");
  };
  selene_only(o.strand != "+", "--strand random");
  selene_only(o.holdout_by != "blocks", "--holdout-by whole");
  selene_only(o.sequence_length.has_value(), "--sequence-length");
  selene_only(o.center_bin.has_value(), "--center-bin");
  selene_only(!o.targets.empty(), "--targets");
  if (o.n_runs == "keep" && o.strategy != "random") fail_usage("--n-runs keep applies to --strategy random");
  if (o.blacklist_rule == "window" && !o.sequence_length)
    fail_usage("--blacklist-rule window needs --sequence-length", "the window is the model's input length");
  if (o.blacklist_rule == "window" && o.strategy == "tile")
    fail_usage("--blacklist-rule does not apply to --strategy tile");
  if (o.center_bin && !o.sequence_length)
    fail_usage("--center-bin needs --sequence-length", "the centre bin sits in the middle of the input window");
  if (o.sequence_length && *o.sequence_length <= 0) fail_usage("--sequence-length must be > 0");
  if (o.center_bin) check_bins({*o.sequence_length, *o.center_bin});
  if (!o.targets.empty() && o.features.empty())
    fail_usage("--targets needs --features FILE", "the features list names the classes, one per line, in index order");
  if (o.targets.empty() && (!o.features.empty() || !o.feature_thresholds.empty() || o.sample_negative))
    fail_usage("--features, --feature-threshold and --sample-negative need --targets BED");
  if (!o.targets.empty() && !o.sequence_length)
    fail_usage("--targets needs --sequence-length", "labels are read over the centre bin of the model's input window");
  if (o.sample_negative && o.strategy != "intervals")
    fail_usage("--sample-negative applies to --strategy intervals", "Selene's random sampler keeps negatives anyway");
  if (!o.save_dataset.empty() && o.targets.empty())
    fail_usage("--save-dataset needs --targets", "its last column holds each sample's class indices");
}

}  // namespace s2f::sampling
