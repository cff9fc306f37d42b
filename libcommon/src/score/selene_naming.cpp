#include "s2f/score/selene_naming.hpp"

namespace s2f::score {

namespace {
const char* extension(bool hdf5) { return hdf5 ? ".h5" : ".tsv"; }
}  // namespace

const char* selene_item_name(SeleneItem item) {
  switch (item) {
    case SeleneItem::predictions: return "predictions";
    case SeleneItem::diffs: return "diffs";
    case SeleneItem::abs_diffs: return "abs_diffs";
    case SeleneItem::logits: return "logits";
  }
  return "?";
}

std::optional<SeleneItem> find_selene_item(std::string_view name) {
  for (auto item : {SeleneItem::predictions, SeleneItem::diffs, SeleneItem::abs_diffs, SeleneItem::logits})
    if (name == selene_item_name(item)) return item;
  return std::nullopt;
}

std::vector<SeleneFile> selene_files_of(SeleneItem item) {
  switch (item) {
    case SeleneItem::diffs: return {SeleneFile::diffs};
    case SeleneItem::abs_diffs: return {SeleneFile::abs_diffs};
    case SeleneItem::logits: return {SeleneFile::logits};
    case SeleneItem::predictions: return {SeleneFile::ref_predictions, SeleneFile::alt_predictions};
  }
  return {};
}

std::string selene_file_name(const std::string& prefix, SeleneFile file, bool hdf5) {
  const char* ext = extension(hdf5);
  switch (file) {
    case SeleneFile::diffs: return prefix + "_diffs" + ext;
    case SeleneFile::abs_diffs: return prefix + "_abs_diffs" + ext;
    case SeleneFile::logits: return prefix + "_logits" + ext;
    // Selene's variant-effect writer joins these two with a dot.
    case SeleneFile::ref_predictions: return prefix + ".ref_predictions" + ext;
    case SeleneFile::alt_predictions: return prefix + ".alt_predictions" + ext;
    case SeleneFile::predictions: return prefix + "_predictions" + ext;
  }
  return prefix;
}

std::string selene_row_labels_name(const std::string& prefix) { return prefix + "_row_labels.txt"; }

std::vector<std::string> selene_file_names(const std::string& prefix, const std::vector<SeleneItem>& items, bool hdf5) {
  std::vector<std::string> names;
  for (auto item : items)
    for (auto f : selene_files_of(item)) names.push_back(selene_file_name(prefix, f, hdf5));
  if (hdf5) names.push_back(selene_row_labels_name(prefix));
  return names;
}

std::string selene_ism_file_name(const std::string& base, SeleneItem item, bool hdf5) {
  return base + "_" + selene_item_name(item) + extension(hdf5);
}

std::string selene_ism_reference_name(const std::string& base) { return base + "_ref_predictions.h5"; }

}  // namespace s2f::score
