#include <algorithm>
#include <cstring>

#include "s2f/error.hpp"
#include "s2f/npz.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::npz {

namespace {

// Zip record signatures (PKWARE APPNOTE 4.3).
constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50,
                   kDescriptorSig = 0x08074b50;
// A fixed timestamp (1980-01-01 00:00) keeps archives byte-identical
// between runs with the same inputs.
constexpr uint16_t kDosTime = 0, kDosDate = (1 << 5) | 1;
constexpr uint16_t kVersion = 20;  // 2.0: what STORED entries with descriptors need

void le16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

size_t itemsize_of(const std::string& descr) {
  if (descr.size() < 3) fail(Exit::internal, "bad npy dtype '" + descr + "'");
  size_t n = std::stoul(descr.substr(2));
  return descr[1] == 'U' ? 4 * n : n;
}

uint64_t product(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// UTF-8 to code points; invalid bytes become U+FFFD rather than failing,
// since identifiers come from user catalogs.
std::u32string utf32(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + static_cast<size_t>(len) > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

}  // namespace

std::string npy_header(const std::string& descr, const std::vector<uint64_t>& shape) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // numpy aligns the data to 64 bytes; the dict is space-padded and ends in '\n'.
  size_t total = 10 + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  if (dict.size() > 65535) fail(Exit::internal, "npy header too long for format 1.0");
  std::string h = "\x93NUMPY";
  h.push_back(1);
  h.push_back(0);
  le16(h, static_cast<uint16_t>(dict.size()));
  return h + dict;
}

NpzWriter::NpzWriter(std::unique_ptr<ByteSink> sink) : sink_(std::move(sink)) {}
NpzWriter::~NpzWriter() = default;  // without finish(), the sink drops its temporary file

void NpzWriter::check_zip32(uint64_t value, const std::string& what) const {
  if (value >= 0xFFFFFFFFull)
    fail_io(what + " exceeds the 4 GiB limit of a zip32 archive", sink_->name(),
            "split the tracks over several archives");
}

void NpzWriter::local_header(const Entry& e) {
  std::string h;
  le32(h, kLocalSig);
  le16(h, kVersion);
  le16(h, e.descriptor ? 0x08 : 0);
  le16(h, 0);  // STORED
  le16(h, kDosTime);
  le16(h, kDosDate);
  le32(h, e.descriptor ? 0 : e.crc);
  le32(h, e.descriptor ? 0 : static_cast<uint32_t>(e.size));
  le32(h, e.descriptor ? 0 : static_cast<uint32_t>(e.size));
  le16(h, static_cast<uint16_t>(e.name.size()));
  le16(h, 0);
  h += e.name;
  sink_->write(h.data(), h.size());
}

void NpzWriter::add(const std::string& name, const std::string& descr, const std::vector<uint64_t>& shape,
                    const void* data, size_t bytes) {
  if (streaming_) fail(Exit::internal, "NpzWriter::add while streaming " + open_.name);
  if (bytes != product(shape) * itemsize_of(descr))
    fail(Exit::internal, "npz array " + name + ": " + std::to_string(bytes) + " bytes do not match its shape");
  std::string header = npy_header(descr, shape);
  Entry e;
  e.name = name + ".npy";
  e.offset = sink_->written();
  e.size = header.size() + bytes;
  check_zip32(e.size, "array " + name);
  check_zip32(e.offset, "archive");
  e.crc = stream::checksum(header.data(), header.size());
  e.crc = stream::checksum(data, bytes, e.crc);
  local_header(e);
  sink_->write(header.data(), header.size());
  sink_->write(data, bytes);
  entries_.push_back(std::move(e));
}

void NpzWriter::add_string_scalar(const std::string& name, const std::string& value) {
  std::u32string wide = utf32(value);
  std::vector<uint32_t> cells(std::max<size_t>(1, wide.size()), 0);
  for (size_t k = 0; k < wide.size(); ++k) cells[k] = static_cast<uint32_t>(wide[k]);
  add(name, "<U" + std::to_string(cells.size()), {}, cells.data(), cells.size() * 4);
}

void NpzWriter::add_strings(const std::string& name, const std::vector<std::string>& values) {
  std::vector<std::u32string> wide;
  size_t width = 1;  // numpy never writes '<U0'
  for (const auto& v : values) {
    wide.push_back(utf32(v));
    width = std::max(width, wide.back().size());
  }
  std::vector<uint32_t> cells(values.size() * width, 0);
  for (size_t i = 0; i < wide.size(); ++i)
    for (size_t k = 0; k < wide[i].size(); ++k) cells[i * width + k] = static_cast<uint32_t>(wide[i][k]);
  add(name, "<U" + std::to_string(width), {values.size()}, cells.data(), cells.size() * 4);
}

void NpzWriter::begin(const std::string& name, const std::string& descr, const std::vector<uint64_t>& shape) {
  if (streaming_) fail(Exit::internal, "NpzWriter::begin while streaming " + open_.name);
  std::string header = npy_header(descr, shape);
  open_ = Entry{name + ".npy", 0, 0, sink_->written(), true};
  check_zip32(open_.offset, "archive");
  expected_ = header.size() + product(shape) * itemsize_of(descr);
  check_zip32(expected_, "array " + name);
  streaming_ = true;
  local_header(open_);
  append(header.data(), header.size());
}

void NpzWriter::append(const void* data, size_t bytes) {
  if (!streaming_) fail(Exit::internal, "NpzWriter::append outside begin/end");
  open_.crc = stream::checksum(data, bytes, open_.crc);
  open_.size += bytes;
  sink_->write(data, bytes);
}

void NpzWriter::end() {
  if (!streaming_) fail(Exit::internal, "NpzWriter::end outside begin/end");
  if (open_.size != expected_)
    fail(Exit::internal, "npz array " + open_.name + ": wrote " + std::to_string(open_.size) + " bytes, expected " +
                             std::to_string(expected_));
  std::string d;
  le32(d, kDescriptorSig);
  le32(d, open_.crc);
  le32(d, static_cast<uint32_t>(open_.size));
  le32(d, static_cast<uint32_t>(open_.size));
  sink_->write(d.data(), d.size());
  entries_.push_back(open_);
  streaming_ = false;
}

void NpzWriter::finish() {
  if (finished_) return;
  if (streaming_) fail(Exit::internal, "NpzWriter::finish while streaming " + open_.name);
  uint64_t dir_offset = sink_->written();
  check_zip32(dir_offset, "archive");
  std::string cd;
  for (const auto& e : entries_) {
    le32(cd, kCentralSig);
    le16(cd, kVersion);  // made by
    le16(cd, kVersion);  // needed
    le16(cd, e.descriptor ? 0x08 : 0);
    le16(cd, 0);
    le16(cd, kDosTime);
    le16(cd, kDosDate);
    le32(cd, e.crc);
    le32(cd, static_cast<uint32_t>(e.size));
    le32(cd, static_cast<uint32_t>(e.size));
    le16(cd, static_cast<uint16_t>(e.name.size()));
    le16(cd, 0);  // extra
    le16(cd, 0);  // comment
    le16(cd, 0);  // disk
    le16(cd, 0);  // internal attributes
    le32(cd, 0);  // external attributes
    le32(cd, static_cast<uint32_t>(e.offset));
    cd += e.name;
  }
  if (entries_.size() > 65535) fail_io("too many arrays for a zip32 archive", sink_->name());
  std::string end;
  le32(end, kEndSig);
  le16(end, 0);
  le16(end, 0);
  le16(end, static_cast<uint16_t>(entries_.size()));
  le16(end, static_cast<uint16_t>(entries_.size()));
  le32(end, static_cast<uint32_t>(cd.size()));
  le32(end, static_cast<uint32_t>(dir_offset));
  le16(end, 0);
  sink_->write(cd.data(), cd.size());
  sink_->write(end.data(), end.size());
  sink_->commit();
  finished_ = true;
}

}  // namespace s2f::npz
