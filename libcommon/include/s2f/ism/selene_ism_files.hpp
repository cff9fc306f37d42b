// Selene-compatible in silico mutagenesis files, one set per input
// sequence, so notebooks written for Selene's ISM read s2f output unchanged.
// For a sequence named NAME (its id, spaces and '/' made '_'; with
// IsmFileNames::index its 0-based position in the input, Selene's
// use_sequence_name: False), BASE is PREFIX/NAME when PREFIX is a directory
// (Selene's FASTA layout) and PREFIX_NAME otherwise; with
// IsmFileNames::prefix (Selene's single-sequence in_silico_mutagenesis) BASE
// is PREFIX itself, or PREFIX/ism for a directory (Selene's default
// output_path_prefix). Missing directories are created, as Selene does:
// (names: score/selene_naming.hpp)
//   TSV:  BASE_<stat>.tsv with columns pos ref alt <one per feature>; the
//         predictions file starts with the reference row
//         `input_sequence NA NA`.
//   HDF5: BASE_<stat>.h5 (float32 dataset `data`, mutants x features),
//         BASE_row_labels.txt (pos ref alt), and BASE_ref_predictions.h5
//         (one row) when predictions are saved.
// pos is the 0-based offset in the sequence (';'-joined for several bases),
// as Selene writes it. Features are the plan's tracks (`TRACK` for a scalar
// head, `TRACK:BIN` for each bin of a profile head).
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "s2f/ism/mutations.hpp"
#include "s2f/score/selene_naming.hpp"

namespace s2f::ism {

// How each window's files are named (--file-names).
enum class IsmFileNames { name, index, prefix };
IsmFileNames parse_ism_file_names(const std::string& text);  // usage error listing the names

class SeleneIsmFiles {
 public:
  SeleneIsmFiles(std::string prefix, bool hdf5, std::vector<score::SeleneItem> stats, std::vector<std::string> features,
                 IsmFileNames names = IsmFileNames::name);
  ~SeleneIsmFiles();
  void begin(const std::string& sequence_name, std::span<const float> reference);
  // One row per saved statistic, in the constructor's order.
  void add(const MutationLabel& label, const std::vector<std::span<const float>>& rows);
  void end();
  std::string base_name(const std::string& sequence_name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s2f::ism
