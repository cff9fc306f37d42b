#include "s2f/stream/record_sinks.hpp"

#include "s2f/io.hpp"
#include "s2f/stream/hdf5_export.hpp"
#include "s2f/stream/text.hpp"

namespace s2f::stream {
namespace {

class StreamSink : public RecordSink {
 public:
  explicit StreamSink(std::unique_ptr<Writer> w) : writer_(std::move(w)) {}
  uint64_t write(const Batch& batch, size_t r0, size_t r1) override {
    for (size_t r = r0; r < r1; ++r) {
      writer_->batch().append_from(batch, r);
      writer_->end_record();
    }
    return r1 - r0;
  }
  void finish() override { writer_->finish(); }

 private:
  std::unique_ptr<Writer> writer_;
};

class TextSink : public RecordSink {
 public:
  TextSink(const std::string& path, const Header& h, TextFormat format, bool header_line, const std::string& source)
      : out_(path), format_(format) {
    if (format != TextFormat::tsv) coords_ = std::make_unique<CoordinateText>(h.kind, h.schema, window_length(h));
    if (format == TextFormat::vcf) out_.write(CoordinateText::vcf_header(source));
    else if (format == TextFormat::tsv && header_line) out_.write(tsv_header_line(h.schema));
  }
  uint64_t write(const Batch& batch, size_t r0, size_t r1) override {
    line_.clear();
    uint64_t n = 0;
    for (size_t r = r0; r < r1; ++r) {
      if (format_ == TextFormat::bed) coords_->append_bed(line_, batch, r);
      else if (format_ == TextFormat::vcf) {
        if (!coords_->append_vcf(line_, batch, r)) continue;
      } else append_tsv_line(line_, batch, r);
      ++n;
    }
    out_.write(line_);
    return n;
  }
  void finish() override { out_.commit(); }

 private:
  TextOutput out_;
  TextFormat format_;
  std::unique_ptr<CoordinateText> coords_;
  std::string line_;
};

class Hdf5Sink : public RecordSink {
 public:
  Hdf5Sink(const std::string& path, const Header& h) : out_(path, h) {}
  uint64_t write(const Batch& batch, size_t r0, size_t r1) override {
    if (r0 == 0 && r1 == batch.size()) {
      out_.append(batch);
    } else {
      part_.reset(batch.schema());
      for (size_t r = r0; r < r1; ++r) part_.append_from(batch, r);
      out_.append(part_);
    }
    return 0;
  }
  void finish() override { out_.finish(); }

 private:
  Hdf5Export out_;
  Batch part_;
};

}  // namespace

std::unique_ptr<RecordSink> stream_sink(std::unique_ptr<Writer> writer) {
  return std::make_unique<StreamSink>(std::move(writer));
}

std::unique_ptr<RecordSink> text_sink(const std::string& path, const Header& header, TextFormat format,
                                      bool header_line, const std::string& source) {
  return std::make_unique<TextSink>(path, header, format, header_line, source);
}

std::unique_ptr<RecordSink> hdf5_sink(const std::string& path, const Header& header) {
  return std::make_unique<Hdf5Sink>(path, header);
}

int64_t window_length(const Header& h) {
  const auto& m = h.meta;
  if (m.contains("geometry") && m["geometry"].is_object() && m["geometry"].contains("sequence_length") &&
      m["geometry"]["sequence_length"].is_number_integer())
    return m["geometry"]["sequence_length"].get<int64_t>();
  int seq = h.schema.find("seq");
  if (seq >= 0 && h.schema[static_cast<size_t>(seq)].shape.size() == 1) return h.schema[static_cast<size_t>(seq)].shape[0];
  return 0;
}

}  // namespace s2f::stream
