// The tensor stream s2f-predict writes: each input sequence record's
// identity (id, locus, allele pairing, flags) carried over, plus one field
// per planned head holding the selected tracks × bins. The header carries
// the selected track catalog, the head geometry, the model's identity
// (meta.model, with the N encoding used) and, with --rc, the strand pairing
// used (meta.rc).
#pragma once
#include "s2f/run.hpp"
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "s2f/predict/track_plan.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::predict {

class TensorOutput {
 public:
  // `rc`: meta.rc (apply_strand_pairing), null without --rc.
  TensorOutput(const stream::Header& input, TrackPlan plan, const Run& run, const nlohmann::json& model_meta,
               const nlohmann::json& rc = nullptr);
  // `full[h]` is record `rec`'s tensor of plan head h in the model's layout
  // ([model tracks][model bins]), already strand-combined.
  void write(const stream::Batch& in, size_t rec, const std::vector<const float*>& full);
  void finish() { writer_->finish(); }
  const TrackPlan& plan() const { return plan_; }
  // Bytes of predictions per record (for the up-front size estimate).
  uint64_t bytes_per_record() const;

 private:
  TrackPlan plan_;
  std::unique_ptr<stream::Writer> writer_;
  std::unique_ptr<stream::FieldCopier> copier_;
  std::vector<size_t> head_fields_;
};

// "12.3 GB" style.
std::string human_bytes(double bytes);

}  // namespace s2f::predict
