// --select on a stream that already carries tracks (tensors, scores,
// values): slices every per-track field and the catalog in meta["tracks"]
// together, so channels and metadata never go out of sync downstream.
// A field is per-track when it is a head listed in meta.geometry.heads (its
// first axis holds that head's output_type rows, catalog order), or, in
// scores/values streams, when its first axis has one entry per catalog row.
#pragma once
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::catalog {

struct TrackFilterOptions {
  std::vector<std::string> selects;
  std::string select_file;
  bool allow_empty = false;
  bool include_padding = false;
};

class StreamTrackFilter {
 public:
  // Throws a usage error when the stream has no track catalog.
  StreamTrackFilter(const stream::Header& input, const TrackFilterOptions& options);
  const stream::Header& header() const { return header_; }  // the sliced stream's header
  const TrackCatalog& catalog() const { return selected_; }
  // Appends record `rec` of `in` to `out` (which has header().schema).
  void copy(const stream::Batch& in, size_t rec, stream::Batch& out) const;
  // Replaces a whole batch of the input by its sliced records.
  void slice(stream::Batch& batch);

 private:
  struct FieldSlice {
    size_t in_field = 0, out_field = 0;
    std::vector<int64_t> keep;  // indices along the first axis
    int64_t inner = 1;          // elements per first-axis entry
  };
  stream::Header header_;
  TrackCatalog selected_;
  std::vector<FieldSlice> slices_;
  std::vector<std::pair<size_t, size_t>> plain_;  // fields copied unchanged
  stream::Batch scratch_;
};

}  // namespace s2f::catalog
