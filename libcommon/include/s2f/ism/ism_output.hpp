// What s2f-ism writes for each sequence:
//  - an `ism` stream (formats/SPEC.md): one record per mutant, preceded by
//    the reference when predictions are saved, with the identity of the
//    input window, the edits (`mut_pos`, `ref`, `alt`; Selene's ';'-joined
//    form) and one field per saved statistic and head, `<stat>.<head>`
//    [tracks, bins] (tracks and bins chosen by the track plan);
//  - or, with attributions, a `contributions` stream that s2f-call-hits
//    reads: per position and base the target's value with that base minus
//    the mean over the four bases (hypothetical contributions; 0 outside
//    the mutated range), optionally projected onto the sequence;
//  - Selene-compatible files per sequence (see SeleneIsmFiles).
// Every input window is mutated as a sequence of its own. A variant's REF
// and ALT windows (s2f-encode --vcf) therefore give two blocks with the same
// id: the ism records keep which window they mutated in `window_allele`
// (R/A) with the variant's `variant_ref`/`variant_alt`, the contributions
// records carry the window's `allele`, `ref` and `alt`, and Selene files
// are named <id>_ref and <id>_alt. A mutant's `pos` follows the window onto
// the genome, through the shift an indel makes in an ALT window.
// Statistics as Selene defines them: predictions (the mutant's), diffs
// (mutant - reference), abs_diffs |mutant - reference|, logits
// logit(mutant) - logit(reference) with inputs clipped to [1e-6, 1 - 1e-6]
// (--logit selene: Selene's rule, score::LogitRule).
#pragma once
#include "s2f/run.hpp"
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "s2f/ism/ism_run.hpp"
#include "s2f/ism/selene_ism_files.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/score/selene_naming.hpp"
#include "s2f/score/statistics.hpp"

namespace s2f::ism {

// Selene's save items; their file names: score/selene_naming.hpp.
using IsmStat = score::SeleneItem;
IsmStat parse_ism_stat(const std::string& name);  // usage error listing the names
const char* ism_stat_name(IsmStat s);

// --target HEAD[:TRACK|sum]: the scalar attributions explain. A profile
// head's value is summed over its bins; TRACK is a model channel number or a
// track id/name from the catalog; sum (the default) adds every channel.
struct AttributionTarget {
  size_t head = 0;
  std::string head_name;
  std::vector<int64_t> channels;
  std::string text;
};
AttributionTarget parse_target(const std::string& text, const std::vector<predict::ModelHeadInfo>& heads,
                               const catalog::TrackCatalog& catalog);

struct IsmOutputOptions {
  std::vector<IsmStat> save = {IsmStat::predictions};
  score::LogitRule logit = score::LogitRule::clipped;
  std::string tsv_prefix, hdf5_prefix;  // Selene files, when set
  IsmFileNames file_names = IsmFileNames::name;
  bool attributions = false;
  bool project = false;
  AttributionTarget target;
  int64_t start = 0, end = -1;  // the mutated range (attributions are 0 outside)
};

class IsmOutput : public IsmSink {
 public:
  IsmOutput(const stream::Header& input, predict::TrackPlan plan, IsmOutputOptions options, Run& run,
            const nlohmann::json& model_meta);
  ~IsmOutput() override;
  void begin_sequence(const stream::Batch& in, size_t rec, uint64_t window, std::span<const uint8_t> sequence,
                      const std::vector<engine::HeadOutput>& reference) override;
  void add_mutants(const std::vector<Mutation>& mutants, const std::vector<engine::HeadOutput>& predictions) override;
  void end_sequence() override;
  void finish();
  // Names of the model heads this output reads (planned heads, attribution target).
  std::vector<std::string> heads_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s2f::ism
