// Typed appenders for the two kinds s2f-score writes (SPEC.md "Record
// kinds"): field indices are resolved once, when the writer is made, so the
// per-record code says what it writes instead of looking fields up by name.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/stream/stream.hpp"

namespace s2f::stream {

// scores: the identity of an input record (locus and window fields, copied
// by name) and one f32 [tracks] field per statistic.
class ScoresRecordWriter {
 public:
  // `from`: the schema of the records whose identity is carried over;
  // `statistics`: the f32 fields the caller fills, in the order it names them.
  ScoresRecordWriter(Writer& writer, const Schema& from, const std::vector<std::string>& statistics);
  // Starts a record carrying record `rec` of `src`'s identity.
  void begin(const Batch& src, size_t rec);
  // Field `i` of the statistics given to the constructor, of the record begun.
  std::span<float> statistic(size_t i);
  void end() { writer_.end_record(); }

 private:
  Writer& writer_;
  FieldCopier copier_;
  std::vector<size_t> fields_;
  size_t rec_ = 0;
};

// values: one record per input record: its id and `values` f32 [tracks, k].
class ValuesRecordWriter {
 public:
  explicit ValuesRecordWriter(Writer& writer);
  // `values` holds at least tracks x k floats, track-major.
  void add(std::string_view id, std::span<const float> values);

 private:
  Writer& writer_;
  size_t id_ = 0, values_ = 0;
};

}  // namespace s2f::stream
