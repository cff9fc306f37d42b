// AlphaGenome's mask(), padding_mask() and indices() as a table a script can
// read: every track of a catalog (nothing dropped), with its position in its
// head and two 0/1 columns, so a loss can be masked without slicing.
#pragma once
#include <string>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/catalog/track_catalog.hpp"

namespace s2f::catalog {

// The catalog's own columns, then
//   head_position  the row's position on its head's track axis (the index
//                  .indices() gives; the channel in the stream's tensor)
//   padding_mask   1 = real track, 0 = padding (.padding_mask())
//   mask           1 = kept by the selection in `options` (--select,
//                  --select-file; padding only with include_padding), as
//                  .mask() gives; all real tracks without a selection
std::string mask_table(const TrackCatalog& catalog, const TrackFilterOptions& options);

}  // namespace s2f::catalog
