#include "s2f/stream/score_records.hpp"

#include <algorithm>

namespace s2f::stream {

ScoresRecordWriter::ScoresRecordWriter(Writer& writer, const Schema& from, const std::vector<std::string>& statistics)
    : writer_(writer), copier_(from, writer.header().schema) {
  const Schema& to = writer.header().schema;
  for (const auto& name : statistics) fields_.push_back(to.index(name));
}

void ScoresRecordWriter::begin(const Batch& src, size_t rec) {
  auto& b = writer_.batch();
  rec_ = b.add_record();
  copier_.copy(src, rec, b, rec_);
}

std::span<float> ScoresRecordWriter::statistic(size_t i) { return writer_.batch().fixed_mut<float>(fields_[i], rec_); }

ValuesRecordWriter::ValuesRecordWriter(Writer& writer) : writer_(writer) {
  const Schema& s = writer.header().schema;
  id_ = s.index("id");
  values_ = s.index("values");
}

void ValuesRecordWriter::add(std::string_view id, std::span<const float> values) {
  auto& b = writer_.batch();
  size_t r = b.add_record();
  b.set_str(id_, r, id);
  auto dst = b.fixed_mut<float>(values_, r);
  std::copy(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(dst.size()), dst.begin());
  writer_.end_record();
}

}  // namespace s2f::stream
