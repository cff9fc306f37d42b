// Reading and writing s2f streams (formats/SPEC.md is the byte-level
// specification). A stream is: header (magic, version, JSON with kind,
// schema and metadata) · data frames (length-prefixed, checksummed,
// optionally zstd-compressed batches of records) · end frame (total count).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s2f/io.hpp"
#include "s2f/stream/batch.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::stream {

inline constexpr uint16_t kVersionMajor = 1;
inline constexpr uint16_t kVersionMinor = 0;
inline constexpr size_t kDefaultFrameBytes = size_t{1} << 20;

struct Header {
  std::string kind;
  Schema schema;
  nlohmann::json meta = nlohmann::json::object();
  uint16_t version_major = kVersionMajor;
  uint16_t version_minor = kVersionMinor;

  // Adds a (tool, version, command line, seeds) entry to meta.provenance.
  void append_provenance(const nlohmann::json& entry);
  nlohmann::json to_json() const;
  static Header from_json(const nlohmann::json& j);
};

class Reader {
 public:
  explicit Reader(std::unique_ptr<ByteSource> source);
  static std::unique_ptr<Reader> open(const std::string& path);

  const Header& header() const { return header_; }
  const std::string& name() const { return source_->name(); }
  // Stops with "expected a <kinds> stream, got <kind> (from <last tool>)".
  void expect_kind(std::initializer_list<std::string_view> kinds) const;
  // Index of a required field with the given dtype; clear error otherwise.
  size_t require_field(std::string_view field, DType dtype) const;

  // Reads the next data frame into `batch` (reset to this stream's schema).
  // Returns false once the end frame has been read and verified.
  bool next(Batch& batch);
  uint64_t records_read() const { return records_; }
  uint64_t frames_read() const { return frames_; }
  // Total record count read from the end frame without consuming the
  // stream; only for seekable inputs (regular files), otherwise nullopt.
  std::optional<uint64_t> peek_total();

 private:
  [[noreturn]] void corrupt(const std::string& what, uint64_t at, const std::string& fix = {}) const;
  void read_growing(std::vector<uint8_t>& buf, size_t n, const char* what);
  void decode_payload(const std::vector<uint8_t>& raw, uint32_t n, Batch& batch, uint64_t at);

  std::unique_ptr<ByteSource> source_;
  Header header_;
  std::vector<uint8_t> stored_, raw_;
  uint64_t records_ = 0, frames_ = 0;
  bool done_ = false;
};

struct WriterOptions {
  int zstd_level = 0;  // 0 = stored uncompressed
  size_t frame_bytes = kDefaultFrameBytes;
};

class Writer {
 public:
  Writer(std::unique_ptr<ByteSink> sink, Header header, WriterOptions options = {});
  ~Writer();
  const Header& header() const { return header_; }

  // The batch records are appended to; call end_record() after each one.
  Batch& batch() { return pending_; }
  void end_record() {
    if (pending_.size() >= next_check_) maybe_flush();
  }
  // Writes a whole batch (same schema), splitting it into frames.
  void write(const Batch& batch);
  // Flushes, writes the end frame and makes the output visible.
  void finish();
  uint64_t records_written() const { return records_; }

 private:
  void maybe_flush();
  void flush_frame();
  void write_frame(const Batch& batch);

  std::unique_ptr<ByteSink> sink_;
  Header header_;
  WriterOptions options_;
  Batch pending_;
  size_t next_check_ = 1;
  std::vector<uint8_t> raw_, stored_;
  void* zctx_ = nullptr;
  uint64_t records_ = 0, frames_ = 0;
  bool finished_ = false;
};

// Checksum used for the header and every frame: CRC-32 (ISO-HDLC, as in zlib
// and Python's zlib.crc32).
uint32_t checksum(const void* data, size_t n, uint32_t seed = 0);

}  // namespace s2f::stream
