// Selene's file names, written once. Selene's `save_data` items (diffs,
// abs_diffs, logits, predictions) name the files both s2f-score (variant
// effects) and s2f-ism (in silico mutagenesis) write; the workflows ask
// `s2f-score --selene-files` for them instead of spelling them again.
//
// Variant scoring, for a PREFIX given to s2f-score --tsv/--hdf5:
//   diffs        PREFIX_diffs.EXT
//   abs_diffs    PREFIX_abs_diffs.EXT
//   logits       PREFIX_logits.EXT
//   predictions  PREFIX.ref_predictions.EXT and PREFIX.alt_predictions.EXT
//   (HDF5 only)  PREFIX_row_labels.txt
//   (single windows) PREFIX_predictions.EXT
// EXT is .tsv or .h5. (PREFIX.NA, the variants s2f-encode could not make,
// is copied only when the input names one, and is not listed.)
//
// In silico mutagenesis, for one sequence's BASE (see SeleneIsmFiles):
//   ITEM         BASE_ITEM.EXT
//   (HDF5 only)  BASE_row_labels.txt, and BASE_ref_predictions.h5 (the
//                reference row) when predictions are saved.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s2f::score {

// An entry of --save.
enum class SeleneItem { predictions, diffs, abs_diffs, logits };
const char* selene_item_name(SeleneItem item);
std::optional<SeleneItem> find_selene_item(std::string_view name);

// The files variant scoring writes; predictions are two (ref and alt).
// Single windows (Selene's predictions for BED or FASTA input) have one,
// `predictions`: PREFIX_predictions.EXT.
enum class SeleneFile { diffs, abs_diffs, logits, ref_predictions, alt_predictions, predictions };
std::vector<SeleneFile> selene_files_of(SeleneItem item);
std::string selene_file_name(const std::string& prefix, SeleneFile file, bool hdf5);
// The row labels beside HDF5 matrices (variant scoring and ISM alike).
std::string selene_row_labels_name(const std::string& prefix);
// Every file variant scoring writes for these items, in the order written:
// one per SeleneFile, then the row labels when hdf5.
std::vector<std::string> selene_file_names(const std::string& prefix, const std::vector<SeleneItem>& items, bool hdf5);

// In silico mutagenesis. Selene's output_path_prefix defaults to "ism".
inline constexpr const char* kSeleneIsmPrefix = "ism";
std::string selene_ism_file_name(const std::string& base, SeleneItem item, bool hdf5);
std::string selene_ism_reference_name(const std::string& base);  // HDF5 only

}  // namespace s2f::score
