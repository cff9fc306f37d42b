#include "s2f/stream/stream.hpp"

#include <zlib.h>
#include <zstd.h>
#ifdef S2F_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include <algorithm>
#include <cstring>

#include "s2f/error.hpp"
#include "s2f/utf8.hpp"

namespace s2f::stream {

namespace {

constexpr uint8_t kMagic[8] = {0x89, 'S', '2', 'F', '\r', '\n', 0x1A, '\n'};
constexpr char kDataTag[4] = {'S', '2', 'F', 'D'};
constexpr char kEndTag[4] = {'S', '2', 'F', 'E'};
constexpr size_t kFrameHeader = 32;
constexpr uint32_t kMaxJson = 256u << 20;
constexpr uint32_t kMaxPayload = 1u << 30;
constexpr uint8_t kCodecNone = 0, kCodecZstd = 1;

size_t pad8(size_t n) { return (n + 7) & ~size_t{7}; }

void put32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }  // little-endian hosts only (checked below)
void put64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
uint32_t get32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
uint64_t get64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }
uint16_t get16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
static_assert(std::endian::native == std::endian::little, "s2f streams are little-endian; port put/get");

std::string hex_bytes(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

// Says what a non-s2f input most likely is, so the fix is obvious.
std::string identify_foreign(const uint8_t* p, size_t n) {
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return "it looks gzip/BGZF-compressed";
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
    return "it looks zstd-compressed (s2f compresses frames itself; decompress it first)";
  if (n >= 4 && std::memcmp(p, "\x89HDF", 4) == 0) return "it is an HDF5 file";
  if (n >= 2 && p[0] == 'P' && p[1] == 'K') return "it is a zip/npz file";
  bool text = true;
  for (size_t i = 0; i < n; ++i)
    if (p[i] < 9 || (p[i] > 13 && p[i] < 32) || p[i] > 126) text = false;
  if (text) {
    std::string start(reinterpret_cast<const char*>(p), n);
    for (auto& c : start)
      if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    return "it starts with text '" + start + "'";
  }
  return "its first bytes are " + hex_bytes(p, n);
}

}  // namespace

uint32_t checksum(const void* data, size_t n, uint32_t seed) {
#ifdef S2F_HAVE_LIBDEFLATE
  // The same CRC-32 as zlib's, computed with carry-less multiplication:
  // about 3x faster, and the stream's bottleneck when frames are stored.
  return libdeflate_crc32(seed, data, n);
#endif
  auto* p = static_cast<const Bytef*>(data);
  uLong c = seed;
  while (n > 0) {  // zlib takes uInt lengths
    uInt k = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    c = crc32(c, p, k);
    p += k;
    n -= k;
  }
  return static_cast<uint32_t>(c);
}

// ---- Header ----------------------------------------------------------------
void Header::append_provenance(const nlohmann::json& entry) {
  if (!meta.is_object()) meta = nlohmann::json::object();
  if (!meta.contains("provenance") || !meta["provenance"].is_array()) meta["provenance"] = nlohmann::json::array();
  meta["provenance"].push_back(entry);
}

nlohmann::json Header::to_json() const {
  return {{"kind", kind}, {"schema", schema.to_json()}, {"meta", meta}};
}

Header Header::from_json(const nlohmann::json& j) {
  if (!j.is_object()) fail_input("stream header JSON is not an object");
  if (!j.contains("kind") || !j["kind"].is_string()) fail_input("stream header has no string 'kind'");
  if (!j.contains("schema")) fail_input("stream header has no 'schema'");
  Header h;
  h.kind = j["kind"].get<std::string>();
  h.schema = Schema::from_json(j["schema"]);
  if (j.contains("meta")) {
    if (!j["meta"].is_object()) fail_input("stream header 'meta' is not an object");
    h.meta = j["meta"];
  }
  return h;
}

// ---- Reader ----------------------------------------------------------------
Reader::Reader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {
  uint8_t head[16];
  size_t got = source_->read(head, sizeof head);
  if (got == 0)
    corrupt("input is empty (0 bytes) where an s2f stream was expected", 0,
            "the stage that should have written it failed; check its error message");
  size_t cmp = std::min(got, sizeof kMagic);
  if (std::memcmp(head, kMagic, cmp) != 0)
    corrupt("not an s2f stream: " + identify_foreign(head, std::min<size_t>(got, 16)), 0,
            "give a file written by an s2f stage (or convert the input with s2f-encode)");
  if (got < sizeof head) corrupt("stream truncated inside the 16-byte stream header", got, "rerun the stage that wrote it");
  header_.version_major = get16(head + 8);
  header_.version_minor = get16(head + 10);
  if (header_.version_major != kVersionMajor)
    corrupt("unsupported stream format version " + std::to_string(header_.version_major) + "." +
                std::to_string(header_.version_minor) + " (this s2f reads " + std::to_string(kVersionMajor) + ".x)",
            8, "use the s2f release that wrote it, or rewrite the stream with it");
  uint32_t json_len = get32(head + 12);
  if (json_len > kMaxJson)
    corrupt("stream header claims " + std::to_string(json_len) + " bytes of JSON (limit " +
                std::to_string(kMaxJson) + ")",
            12, "the stream is corrupt; rerun the stage that wrote it");
  std::vector<uint8_t> buf;
  read_growing(buf, static_cast<size_t>(json_len) + 4, "the stream header");
  uint32_t want = get32(buf.data() + json_len);
  uint32_t have = checksum(buf.data(), json_len, checksum(head + 8, 8));
  if (want != have) corrupt("stream header checksum mismatch", 16 + json_len, "the stream is corrupt; rerun the stage that wrote it");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(buf.begin(), buf.begin() + json_len);
  } catch (const std::exception& e) {
    corrupt(std::string("stream header JSON does not parse: ") + e.what(), 16);
  }
  try {
    header_ = [&] {
      Header h = Header::from_json(j);
      h.version_major = header_.version_major;
      h.version_minor = header_.version_minor;
      return h;
    }();
  } catch (const Error& e) {
    corrupt("invalid stream header: " + e.what_part(), 16);
  }
}

std::unique_ptr<Reader> Reader::open(const std::string& path) {
  return std::make_unique<Reader>(ByteSource::open(path));
}

void Reader::corrupt(const std::string& what, uint64_t at, const std::string& fix) const {
  fail_input(what, source_->name() + ", byte " + std::to_string(at),
             fix.empty() ? "the stream is damaged; rerun the stage that wrote it" : fix);
}

void Reader::read_growing(std::vector<uint8_t>& buf, size_t n, const char* what) {
  // The buffer grows as bytes arrive, so a damaged size claim in a short
  // input ends as truncation without first allocating the claimed size.
  uint64_t start = source_->offset();
  size_t got = 0;
  buf.clear();
  while (got < n) {
    size_t step = std::min(n - got, std::max(got, size_t{1} << 20));
    buf.resize(got + step);
    size_t r = source_->read(buf.data() + got, step);
    got += r;
    if (r < step) break;
  }
  if (got != n)
    corrupt("stream truncated: input ended inside " + std::string(what) + " (needed " + std::to_string(n) +
                " bytes from byte " + std::to_string(start) + ", got " + std::to_string(got) + ")",
            start + got, "the stage that wrote it probably stopped early; rerun it");
}

void Reader::expect_kind(std::initializer_list<std::string_view> kinds) const {
  for (auto k : kinds)
    if (header_.kind == k) return;
  std::string want;
  for (auto k : kinds) want += (want.empty() ? "" : " or ") + std::string(k);
  std::string from;
  const auto& prov = header_.meta.contains("provenance") ? header_.meta["provenance"] : nlohmann::json();
  if (prov.is_array() && !prov.empty() && prov.back().contains("tool") && prov.back()["tool"].is_string())
    from = ", written by " + prov.back()["tool"].get<std::string>();
  fail_input("expected a " + want + " stream, got a " + header_.kind + " stream" + from, source_->name(),
             "put the stage that makes " + want + " records in front of this one");
}

size_t Reader::require_field(std::string_view field, DType dtype) const {
  int i = header_.schema.find(field);
  if (i < 0)
    fail_input(header_.kind + " stream has no field '" + std::string(field) + "'", source_->name(),
               "the stream was written by an incompatible stage or version");
  if (header_.schema[static_cast<size_t>(i)].dtype != dtype)
    fail_input("field '" + std::string(field) + "' is " +
                   std::string(dtype_name(header_.schema[static_cast<size_t>(i)].dtype)) + ", expected " +
                   std::string(dtype_name(dtype)),
               source_->name(), "the stream was written by an incompatible stage or version");
  return static_cast<size_t>(i);
}

bool Reader::next(Batch& batch) {
  if (done_) return false;
  for (;;) {
    uint8_t fh[kFrameHeader];
    uint64_t at = source_->offset();
    size_t got = source_->read(fh, kFrameHeader);
    if (got == 0)
      corrupt("stream truncated: no end-of-stream frame after " + std::to_string(frames_) + " data frames and " +
                  std::to_string(records_) + " records",
              at, "the stage that wrote it stopped early (killed, disk full or crashed); rerun it");
    if (got < kFrameHeader)
      corrupt("stream truncated inside a frame header (" + std::to_string(got) + " of 32 bytes)", at + got,
              "the stage that wrote it stopped early; rerun it");
    bool is_data = std::memcmp(fh, kDataTag, 4) == 0, is_end = std::memcmp(fh, kEndTag, 4) == 0;
    if (!is_data && !is_end)
      corrupt("bad frame tag " + hex_bytes(fh, 4) + " (expected S2FD or S2FE)", at);
    if (checksum(fh, 28) != get32(fh + 28)) corrupt("frame header checksum mismatch", at);
    if (is_end) {
      uint64_t total = get64(fh + 8), frames = get64(fh + 16);
      if (total != records_ || frames != frames_)
        corrupt("end-of-stream frame says " + std::to_string(total) + " records in " + std::to_string(frames) +
                    " frames, but " + std::to_string(records_) + " records in " + std::to_string(frames_) +
                    " frames were read",
                at);
      uint8_t extra;
      if (source_->read(&extra, 1) != 0)
        corrupt("data after the end-of-stream frame", at + kFrameHeader,
                "streams cannot be joined with cat; join them with s2f-view --s2f -o joined.s2f a.s2f b.s2f");
      done_ = true;
      return false;
    }
    uint8_t codec = fh[4];
    uint32_t n = get32(fh + 8), stored = get32(fh + 12), raw = get32(fh + 16), crc = get32(fh + 20);
    if (codec != kCodecNone && codec != kCodecZstd) corrupt("unknown frame codec " + std::to_string(codec), at + 4);
    if (stored > kMaxPayload || raw > kMaxPayload)
      corrupt("frame claims a payload of " + std::to_string(std::max(stored, raw)) + " bytes (limit 1 GiB)", at + 12);
    if (codec == kCodecNone && stored != raw) corrupt("uncompressed frame with stored size != raw size", at + 12);
    read_growing(stored_, stored, "a frame payload");
    if (checksum(stored_.data(), stored) != crc)
      corrupt("frame " + std::to_string(frames_ + 1) + " payload checksum mismatch", at + kFrameHeader);
    ++frames_;
    const std::vector<uint8_t>* payload = &stored_;
    if (codec == kCodecZstd) {
      // Our writer records the content size; checking it first keeps a
      // damaged raw size from allocating up to 1 GiB for a small frame.
      unsigned long long declared = ZSTD_getFrameContentSize(stored_.data(), stored);
      if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != raw)
        corrupt("zstd frame does not decompress: it declares " +
                    (declared == ZSTD_CONTENTSIZE_ERROR ? std::string("no valid size")
                                                        : std::to_string(declared) + " bytes") +
                    ", the frame header " + std::to_string(raw),
                at + kFrameHeader);
      raw_.resize(raw);
      size_t r = ZSTD_decompress(raw_.data(), raw, stored_.data(), stored);
      if (ZSTD_isError(r) || r != raw)
        corrupt(std::string("zstd frame does not decompress: ") + (ZSTD_isError(r) ? ZSTD_getErrorName(r) : "size mismatch"),
                at + kFrameHeader);
      payload = &raw_;
    }
    decode_payload(*payload, n, batch, at + kFrameHeader);
    records_ += n;
    if (n > 0) return true;
  }
}

void Reader::decode_payload(const std::vector<uint8_t>& raw, uint32_t n, Batch& batch, uint64_t at) {
  const Schema& schema = header_.schema;
  if (batch.schema().size() != schema.size() || !(batch.schema() == schema)) batch.reset(schema);
  else batch.clear();
  // Records that occupy no bytes (a schema without data) would let a 32-byte
  // frame stand for billions of records and keep a consumer busy for hours.
  if (n > 0 && raw.empty())
    corrupt("frame claims " + std::to_string(n) + " records but has an empty payload", at);
  size_t pos = 0;
  auto need = [&](size_t bytes, const std::string& what) {
    if (bytes > raw.size() - pos)
      corrupt("frame payload too short for " + what + " of " + std::to_string(n) + " records", at + pos);
  };
  for (size_t i = 0; i < schema.size(); ++i) {
    auto& c = batch.column_mut(i);
    const auto& f = schema[i];
    if (c.variable) {
      size_t ob = (static_cast<size_t>(n) + 1) * 4;
      need(pad8(ob), "offsets of field '" + f.name + "'");
      c.offsets.resize(static_cast<size_t>(n) + 1);
      std::memcpy(c.offsets.data(), raw.data() + pos, ob);
      if (c.offsets[0] != 0) corrupt("field '" + f.name + "' offsets do not start at 0", at + pos);
      for (size_t r = 0; r < n; ++r)
        if (c.offsets[r + 1] < c.offsets[r]) corrupt("field '" + f.name + "' offsets decrease", at + pos + 4 * r);
      pos += pad8(ob);
      size_t bytes = static_cast<size_t>(c.offsets[n]) * c.esize;
      need(bytes, "field '" + f.name + "'");
      c.data.assign(raw.data() + pos, raw.data() + pos + bytes);
      pos += pad8(bytes);
      if (pos > raw.size()) pos = raw.size();
    } else {
      size_t bytes = static_cast<size_t>(n) * c.elems * c.esize;
      if (c.elems != 0 && bytes / c.elems / c.esize != n) corrupt("frame record count overflows", at);
      need(bytes, "field '" + f.name + "'");
      c.data.assign(raw.data() + pos, raw.data() + pos + bytes);
      pos += pad8(bytes);
      if (pos > raw.size()) pos = raw.size();
    }
  }
  if (pos != raw.size())
    corrupt("frame payload has " + std::to_string(raw.size() - pos) + " unexplained bytes after its last field",
            at + pos);
  batch.set_size(n);
}

std::optional<uint64_t> Reader::peek_total() {
  if (!source_->seekable() || source_->size() < 16 + kFrameHeader) return std::nullopt;
  uint8_t fh[kFrameHeader];
  uint64_t at = source_->size() - kFrameHeader;
  source_->pread_exact(fh, kFrameHeader, at);
  if (std::memcmp(fh, kEndTag, 4) != 0 || checksum(fh, 28) != get32(fh + 28))
    corrupt("no valid end-of-stream frame at the end of the file", at,
            "the stage that wrote it stopped early; rerun it");
  return get64(fh + 8);
}

// ---- Writer ----------------------------------------------------------------
Writer::Writer(std::unique_ptr<ByteSink> sink, Header header, WriterOptions options)
    : sink_(std::move(sink)), header_(std::move(header)), options_(options), pending_(header_.schema) {
  if (options_.frame_bytes == 0) options_.frame_bytes = kDefaultFrameBytes;
  std::string json = dump_json(header_.to_json());
  if (json.size() > kMaxJson) fail(Exit::internal, "stream header JSON exceeds 256 MiB");
  std::vector<uint8_t> head(16 + json.size() + 4);
  std::memcpy(head.data(), kMagic, 8);
  uint16_t v[2] = {header_.version_major, header_.version_minor};
  std::memcpy(head.data() + 8, v, 4);
  put32(head.data() + 12, static_cast<uint32_t>(json.size()));
  std::memcpy(head.data() + 16, json.data(), json.size());
  put32(head.data() + 16 + json.size(), checksum(head.data() + 8, 8 + json.size()));
  sink_->write(head.data(), head.size());
  if (options_.zstd_level > 0) zctx_ = ZSTD_createCCtx();
}

Writer::~Writer() {
  if (zctx_) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zctx_));
}

void Writer::maybe_flush() {
  size_t bytes = pending_.payload_bytes();
  size_t n = pending_.size();
  if (bytes >= options_.frame_bytes) {
    flush_frame();
    next_check_ = std::max<size_t>(1, n / 2);
    return;
  }
  // Check again when the batch is projected to reach the frame size.
  size_t per = std::max<size_t>(1, bytes / std::max<size_t>(n, 1));
  next_check_ = std::max(n + 1, std::min(options_.frame_bytes / per, n * 2 + 1));
}

void Writer::flush_frame() {
  if (pending_.empty()) return;
  write_frame(pending_);
  pending_.clear();
}

void Writer::write(const Batch& batch) {
  if (!(batch.schema() == header_.schema)) fail(Exit::internal, "Writer::write with a batch of another schema");
  flush_frame();
  if (batch.payload_bytes() <= options_.frame_bytes * 2) {
    write_frame(batch);
    return;
  }
  for (size_t r = 0; r < batch.size(); ++r) {
    pending_.append_from(batch, r);
    end_record();
  }
  flush_frame();
}

void Writer::write_frame(const Batch& batch) {
  size_t n = batch.size();
  size_t raw_size = batch.payload_bytes();
  if (raw_size > kMaxPayload)
    fail_input("a frame of " + std::to_string(n) + " records needs " + std::to_string(raw_size) +
                   " bytes, over the 1 GiB frame limit",
               sink_->name(), "records this large are not supported; lower the window or number of tracks");
  raw_.resize(raw_size);
  size_t pos = 0;
  for (size_t i = 0; i < header_.schema.size(); ++i) {
    const auto& c = batch.column(i);
    if (c.variable) {
      size_t ob = (n + 1) * 4;
      std::memcpy(raw_.data() + pos, c.offsets.data(), ob);
      std::memset(raw_.data() + pos + ob, 0, pad8(ob) - ob);
      pos += pad8(ob);
    }
    // memcpy from an empty vector's null data() is undefined behaviour (UBSan)
    if (!c.data.empty()) std::memcpy(raw_.data() + pos, c.data.data(), c.data.size());
    std::memset(raw_.data() + pos + c.data.size(), 0, pad8(c.data.size()) - c.data.size());
    pos += pad8(c.data.size());
  }
  const uint8_t* payload = raw_.data();
  size_t stored = raw_size;
  uint8_t codec = kCodecNone;
  if (zctx_) {
    stored_.resize(ZSTD_compressBound(raw_size));
    size_t z = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zctx_), stored_.data(), stored_.size(), raw_.data(),
                                 raw_size, options_.zstd_level);
    if (ZSTD_isError(z)) fail(Exit::internal, std::string("zstd compression failed: ") + ZSTD_getErrorName(z));
    if (z < raw_size) {  // incompressible frames are stored as they are
      payload = stored_.data();
      stored = z;
      codec = kCodecZstd;
    }
  }
  uint8_t fh[kFrameHeader] = {};
  std::memcpy(fh, kDataTag, 4);
  fh[4] = codec;
  put32(fh + 8, static_cast<uint32_t>(n));
  put32(fh + 12, static_cast<uint32_t>(stored));
  put32(fh + 16, static_cast<uint32_t>(raw_size));
  put32(fh + 20, checksum(payload, stored));
  put32(fh + 28, checksum(fh, 28));
  sink_->write(fh, kFrameHeader);
  sink_->write(payload, stored);
  records_ += n;
  ++frames_;
}

void Writer::finish() {
  if (finished_) return;
  flush_frame();
  uint8_t fh[kFrameHeader] = {};
  std::memcpy(fh, kEndTag, 4);
  put64(fh + 8, records_);
  put64(fh + 16, frames_);
  put32(fh + 28, checksum(fh, 28));
  sink_->write(fh, kFrameHeader);
  sink_->commit();
  finished_ = true;
}

}  // namespace s2f::stream
