// s2f-view --bigwig / --bedgraph: a record sink that writes every track of a
// stream (track_layout.hpp) to its own file, PREFIX.<track>.bw and/or
// PREFIX.<track>.bedGraph, stitching overlapping windows by the chosen rule.
// Records must come in genome order (reference index order, then window
// start): a record out of order is an error naming both records — the sink
// does not sort, so memory stays flat. Windows without coordinates, variant
// alt windows and reverse-complemented ('-') windows are refused.
#pragma once
#include <memory>
#include <string>

#include "s2f/stream/record_sinks.hpp"
#include "s2f/tracks/track_layout.hpp"
#include "s2f/tracks/window_stitcher.hpp"

namespace s2f::tracks {

struct TrackOutputOptions {
  std::string bigwig_prefix, bedgraph_prefix;  // "" = not written
  LayoutOptions layout;
  StitchRule stitch = StitchRule::midpoint;
};

// PREFIX.NAME.EXT, or PREFIX/NAME.EXT when PREFIX ends in '/'.
std::string track_file_path(const std::string& prefix, const std::string& name, const std::string& extension);

std::unique_ptr<stream::RecordSink> track_sink(const stream::Header& header, const std::string& stream_name,
                                               const TrackOutputOptions& options);

// The files a sink with these options writes, as TSV (header line, then
// track_id, file per line): s2f-view's -o, written after the tracks, so
// workflows can wait for it and read what was written.
std::string track_manifest(const stream::Header& header, const std::string& stream_name,
                           const TrackOutputOptions& options);

}  // namespace s2f::tracks
