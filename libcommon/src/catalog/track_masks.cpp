#include "s2f/catalog/track_masks.hpp"

#include <map>

#include "s2f/catalog/track_selector.hpp"

namespace s2f::catalog {

std::string mask_table(const TrackCatalog& catalog, const TrackFilterOptions& options) {
  std::vector<bool> selected(catalog.size(), true);
  if (!options.selects.empty() || !options.select_file.empty()) {
    TrackSelector sel(catalog);
    for (const auto& s : options.selects) sel.where(s);
    if (!options.select_file.empty()) sel.where_file(options.select_file);
    // A mask of all zeros is an answer, not an error.
    sel.allow_empty(true);
    selected = sel.mask();
  }
  std::vector<size_t> position(catalog.size(), 0);
  for (const auto& h : catalog.heads())
    for (size_t p = 0; p < h.rows.size(); ++p) position[h.rows[p]] = p;

  std::string s;
  for (const auto& c : catalog.columns()) s += c + "\t";
  s += "head_position\tpadding_mask\tmask\n";
  for (size_t r = 0; r < catalog.size(); ++r) {
    for (size_t c = 0; c < catalog.columns().size(); ++c) {
      if (const auto& v = catalog.cell(r, c)) s += *v;
      s += '\t';
    }
    const bool real = !catalog.is_padding(r);
    const bool kept = selected[r] && (real || options.include_padding);
    s += std::to_string(position[r]) + "\t" + (real ? "1" : "0") + "\t" + (kept ? "1" : "0") + "\n";
  }
  return s;
}

}  // namespace s2f::catalog
