// Which genome tracks a stream holds and where a record's values land
// (WINDOWS.md, "Tracks"): one track per selected channel of every head of a
// tensors stream, per statistic and track of a scores stream, and the
// projected contributions of a contributions stream. Every record is a
// window starting at its `start` field; a track's values sit at a fixed
// offset into it:
//   profile head   B bins of r bp, centred in the L-bp input window:
//                  offset floor((L - B*r)/2);
//   scalar head    one value over the output window of the stream's first
//                  profile head (the whole input window when there is none);
//   score          one value over the bins the statistic summed (the
//                  scoring --window around the head's centre bin, the whole
//                  head for --window 0);
//   contributions  per base over the attributed range [start, end) of the
//                  window, as sum over bases of contrib x one-hot.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "s2f/stream/stream.hpp"
#include "s2f/tracks/track_file.hpp"

namespace s2f::tracks {

// What a profile head's values are written as.
enum class ProfileTransform {
  logits,         // as the model wrote them
  probabilities,  // softmax over the window's bins, per track
  counts,         // softmax(logits) x exp(log-counts), ChromBPNet's predicted coverage
};
ProfileTransform parse_profile_transform(const std::string& name);

struct TrackSource {
  std::string name;    // file name part, from the track id
  std::string track_id;
  size_t field = 0;    // schema field holding the values
  size_t channel = 0;  // index along the field's first axis
  int64_t values = 0;  // values per record and channel (bins)
  int64_t offset = 0, bins = 0, bin_size = 1;  // placement in the window
  enum class Kind { profile, scalar, score, contribution } kind = Kind::profile;
  ProfileTransform transform = ProfileTransform::logits;
  // counts transform: the scalar head's field and channel
  size_t counts_field = 0, counts_channel = 0;
};

struct TrackLayout {
  std::vector<Chromosome> chromosomes;  // meta.reference.index
  std::vector<TrackSource> sources;
  int64_t window_length = 0;
};

struct LayoutOptions {
  ProfileTransform transform = ProfileTransform::logits;
  std::string counts_head;                  // counts transform: "" = the stream's only scalar head
  std::optional<std::set<std::string>> selected;  // track ids to write (none: all)
};

// Reads the header: refuses kinds without genome tracks, streams without a
// reference index, and impossible transforms, each with its fix.
TrackLayout plan_tracks(const stream::Header& header, const std::string& stream_name, const LayoutOptions& options);

}  // namespace s2f::tracks
