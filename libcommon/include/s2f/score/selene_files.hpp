// Selene-compatible variant-effect files, so notebooks written for Selene
// read s2f output unchanged (file names: selene_naming.hpp):
//   PREFIX_diffs, PREFIX_abs_diffs, PREFIX_logits,
//   PREFIX.ref_predictions, PREFIX.alt_predictions   (.tsv or .h5)
//   PREFIX_row_labels.txt   chrom pos name ref alt strand ref_match contains_unk
// TSV files start with the row-label columns and then one column per track;
// HDF5 files hold one float32 dataset `data` (rows x tracks) and rely on the
// row-labels file. `pos` is 1-based, as in the VCF. Values are written in
// shortest round-trip form (no digits lost, unlike Selene's 3 significant).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "s2f/score/selene_naming.hpp"
#include "s2f/stream/batch.hpp"

namespace s2f::score {

class SeleneFiles {
 public:
  SeleneFiles(const std::string& prefix, bool hdf5, const std::vector<SeleneFile>& files,
              const std::vector<std::string>& track_ids);
  ~SeleneFiles();
  // Row labels from a record's identity fields, then one value row per file
  // (in the order given to the constructor).
  void add_row(const stream::Batch& b, size_t rec, const std::vector<const float*>& values);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s2f::score
