// Selene-compatible variant-effect files, so notebooks written for Selene
// read s2f output unchanged (file names: selene_naming.hpp):
//   PREFIX_diffs, PREFIX_abs_diffs, PREFIX_logits,
//   PREFIX.ref_predictions, PREFIX.alt_predictions   (.tsv or .h5)
//   PREFIX_row_labels.txt   chrom pos name ref alt strand ref_match contains_unk
// and Selene's predictions of single windows (BED or FASTA input):
//   PREFIX_predictions      (.tsv or .h5)
//   PREFIX_row_labels.txt   index chrom start end strand contains_unk (BED),
//                           index name (FASTA)
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
  // Rows labelled by the records' own selene_label field (s2f-encode
  // --selene-labels), whose columns are `label_columns`; contains_unk is
  // added when listed there.
  SeleneFiles(const std::string& prefix, bool hdf5, const std::vector<SeleneFile>& files,
              const std::vector<std::string>& track_ids, const std::vector<std::string>& label_columns);
  ~SeleneFiles();
  // Row labels from a record's identity fields, then one value row per file
  // (in the order given to the constructor).
  void add_row(const stream::Batch& b, size_t rec, const std::vector<const float*>& values);
  void finish();

 private:
  SeleneFiles(const std::string& prefix, bool hdf5, const std::vector<SeleneFile>& files,
              const std::vector<std::string>& track_ids, std::string columns_line, bool own_labels);
  void write_row(const std::string& labels, const std::vector<const float*>& values);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string columns_line_;
};

}  // namespace s2f::score
