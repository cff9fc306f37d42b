// Several streams read as one (s2f-view joining shard outputs): they must
// agree on kind and schema; records are numbered across them in order.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <functional>
#include "s2f/stream/record_sinks.hpp"
#include "s2f/stream/record_slice.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::stream {

class JoinedStreams {
 public:
  // Opens every path (- = stdin) and checks they can be joined.
  explicit JoinedStreams(const std::vector<std::string>& paths);
  const Header& header() const { return readers_[0]->header(); }
  const std::string& name() const { return readers_[0]->name(); }
  std::vector<std::unique_ptr<Reader>>& readers() { return readers_; }

  // The header of a stream re-written from these: `shown` (the first
  // header, maybe track-selected) with this run's provenance and, when
  // several were joined, meta.joined_from.
  Header output_header(const Header& shown, const nlohmann::json& provenance) const;

  // `shown` as JSON, with the format version of the first stream.
  nlohmann::json header_json(const Header& shown) const;

  // Records read and written by read_through/copy; `on_read` (may be empty)
  // is told the running count of records read, for progress.
  struct Counts {
    uint64_t in = 0, out = 0;
    std::function<void(uint64_t)> on_read;
  };

  // Reads everything (checking every checksum and trailer); returns frames.
  uint64_t read_through(Counts& counts);

  // Copies the records of `slice` to the sinks. `transform` (may be empty)
  // rewrites each batch in range first (track selection); `pairs` (may be
  // null) checks ref/alt order. Stops reading once past the slice.
  void copy(const RecordSlice& slice, const std::function<void(Batch&)>& transform, const PairOrder* pairs,
            const std::vector<std::unique_ptr<RecordSink>>& sinks, Counts& counts);

 private:
  std::vector<std::unique_ptr<Reader>> readers_;
};

}  // namespace s2f::stream
