#include "s2f/stream/joined_streams.hpp"

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::stream {

JoinedStreams::JoinedStreams(const std::vector<std::string>& paths) {
  for (const auto& path : paths) readers_.push_back(Reader::open(path));
  const Header& first = readers_[0]->header();
  for (size_t i = 1; i < readers_.size(); ++i) {
    const Header& h = readers_[i]->header();
    if (h.kind != first.kind || !(h.schema == first.schema))
      fail_input("cannot join streams of different kind or schema (" + first.kind + " vs " + h.kind + ")",
                 readers_[i]->name(), "join only outputs of the same stage run with the same options");
  }
}

Header JoinedStreams::output_header(const Header& shown, const nlohmann::json& provenance) const {
  Header h = make_header(shown.kind, shown.schema, provenance, &shown);
  if (readers_.size() > 1) {
    auto parts = nlohmann::json::array();
    for (const auto& r : readers_) parts.push_back(r->name());
    h.meta["joined_from"] = parts;
  }
  return h;
}

nlohmann::json JoinedStreams::header_json(const Header& shown) const {
  nlohmann::json j = shown.to_json();
  j["version"] = std::to_string(header().version_major) + "." + std::to_string(header().version_minor);
  return j;
}

uint64_t JoinedStreams::read_through(Counts& counts) {
  copy(RecordSlice{}, {}, nullptr, {}, counts);  // the whole slice: every stream read to its trailer
  uint64_t frames = 0;
  for (const auto& reader : readers_) frames += reader->frames_read();
  return frames;
}

void JoinedStreams::copy(const RecordSlice& slice, const std::function<void(Batch&)>& transform,
                         const PairOrder* pairs, const std::vector<std::unique_ptr<RecordSink>>& sinks, Counts& counts) {
  Batch batch;
  uint64_t index = 0;
  for (auto& reader : readers_) {
    while (reader->next(batch)) {
      counts.in += batch.size();
      if (counts.on_read) counts.on_read(counts.in);
      const uint64_t b0 = index, b1 = index + batch.size();
      index = b1;
      if (b1 <= slice.lo) continue;
      if (b0 >= slice.hi) return;
      if (transform) transform(batch);
      const auto r0 = static_cast<size_t>(slice.lo > b0 ? slice.lo - b0 : 0);
      const auto r1 = static_cast<size_t>(std::min(slice.hi, b1) - b0);
      if (pairs)
        for (size_t r = r0; r < r1; ++r) pairs->check(batch, r, b0 + r);
      for (const auto& sink : sinks) counts.out += sink->write(batch, r0, r1);
      if (b1 >= slice.hi) return;
    }
  }
}

}  // namespace s2f::stream
