#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "s2f/error.hpp"
#include "s2f/npz.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::npz {

namespace {

uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t rd32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

// Value of `key` in the .npy header dict, e.g. "'<f4'" or "(3, 4)".
std::string dict_value(const std::string& dict, const std::string& key, const std::string& where) {
  auto k = dict.find("'" + key + "'");
  if (k == std::string::npos) fail_input("npy header has no '" + key + "'", where);
  auto colon = dict.find(':', k);
  size_t b = colon == std::string::npos ? colon : dict.find_first_not_of(' ', colon + 1);
  if (b == std::string::npos) fail_input("malformed npy header: '" + key + "' has no value", where);
  size_t e = std::string::npos;
  if (dict[b] == '(') e = dict.find(')', b);
  else if (dict[b] == '\'') e = dict.find('\'', b + 1);
  else {
    size_t stop = dict.find_first_of(",}", b);
    e = stop == std::string::npos ? stop : dict.find_last_not_of(' ', stop - 1);
  }
  if (e == std::string::npos || e + 1 <= b) fail_input("malformed npy header: value of '" + key + "' is not closed", where);
  return dict.substr(b, e + 1 - b);
}

std::vector<uint8_t> inflate_raw(const uint8_t* src, size_t n, size_t out_size, const std::string& where) {
  std::vector<uint8_t> out(out_size);
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail(Exit::internal, "zlib inflateInit2 failed");
  z.next_in = const_cast<Bytef*>(src);
  z.avail_in = static_cast<uInt>(n);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  if (rc != Z_STREAM_END || z.total_out != out_size) fail_input("corrupt deflated entry", where);
  return out;
}

std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) s.push_back(static_cast<char>(cp));
  else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return s;
}

[[noreturn]] void wrong_dtype(const std::string& name, const std::string& where, const std::string& descr,
                              const char* want) {
  fail_input("array '" + name + "' has dtype " + descr + ", expected " + want, where.empty() ? name : where,
             "rebuild the file with s2f-merge-cdfs or convert the array with numpy");
}

}  // namespace

uint64_t NpyArray::elements() const {
  uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

size_t NpyArray::itemsize() const {
  size_t n = 0;
  for (size_t i = 2; i < descr.size(); ++i) n = n * 10 + static_cast<size_t>(descr[i] - '0');
  return descr[1] == 'U' ? 4 * n : n;
}

std::vector<float> NpyArray::as_f32(const std::string& name) const {
  std::vector<float> out(elements());
  if (descr == "<f4") std::memcpy(out.data(), data.data(), out.size() * 4);
  else if (descr == "<f8")
    for (size_t i = 0; i < out.size(); ++i) {
      double d;
      std::memcpy(&d, data.data() + 8 * i, 8);
      out[i] = static_cast<float>(d);
    }
  else wrong_dtype(name, where, descr, "float32 or float64");
  return out;
}

std::vector<int64_t> NpyArray::as_i64(const std::string& name) const {
  std::vector<int64_t> out(elements());
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t* p = data.data() + i * itemsize();
    if (descr == "<i8" || descr == "<u8") std::memcpy(&out[i], p, 8);
    else if (descr == "<i4") {
      int32_t v;
      std::memcpy(&v, p, 4);
      out[i] = v;
    } else if (descr == "<u4") out[i] = rd32(p);
    else wrong_dtype(name, where, descr, "an integer type");
  }
  return out;
}

std::vector<bool> NpyArray::as_bool(const std::string& name) const {
  if (descr != "|b1" && descr != "|u1") wrong_dtype(name, where, descr, "bool");
  std::vector<bool> out(elements());
  for (size_t i = 0; i < out.size(); ++i) out[i] = data[i] != 0;
  return out;
}

std::vector<std::string> NpyArray::as_strings(const std::string& name) const {
  if (descr.size() < 3 || descr[1] != 'U' || descr[0] == '>') wrong_dtype(name, where, descr, "unicode (<U)");
  size_t width = itemsize() / 4;
  std::vector<std::string> out(elements());
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t k = 0; k < width; ++k) {
      char32_t cp = rd32(data.data() + 4 * (i * width + k));
      if (cp == 0) break;  // numpy pads with NULs
      out[i] += utf8(cp);
    }
  return out;
}

NpyArray parse_npy(const std::vector<uint8_t>& bytes, const std::string& where) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    fail_input("not an .npy array (no \\x93NUMPY magic)", where);
  uint8_t major = bytes[6];
  size_t len_bytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3) fail_input("unsupported .npy version " + std::to_string(major), where);
  if (bytes.size() < 8 + len_bytes) fail_input("truncated .npy header", where);
  size_t hlen = major == 1 ? rd16(bytes.data() + 8) : rd32(bytes.data() + 8);
  size_t data_at = 8 + len_bytes + hlen;
  if (bytes.size() < data_at) fail_input("truncated .npy header", where);
  std::string dict(reinterpret_cast<const char*>(bytes.data()) + 8 + len_bytes, hlen);

  NpyArray a;
  a.where = where;
  std::string descr = dict_value(dict, "descr", where);
  a.descr = descr.size() >= 2 ? descr.substr(1, descr.size() - 2) : descr;
  if (a.descr.size() < 3 || a.descr.size() > 8 ||
      a.descr.find_first_not_of("0123456789", 2) != std::string::npos)
    fail_input("unsupported npy dtype " + descr, where, "only simple dtypes are read");
  if (a.descr[0] == '=') a.descr[0] = '<';  // little-endian hosts only
  if (a.descr[0] == '>') fail_input("big-endian npy dtype " + a.descr + " is not supported", where);
  if (dict_value(dict, "fortran_order", where) != "False")
    fail_input("Fortran-ordered array", where, "save it with numpy.ascontiguousarray first");
  std::string shape = dict_value(dict, "shape", where);
  for (size_t i = 1; i < shape.size();) {
    size_t j = shape.find_first_of(",)", i);
    std::string tok = shape.substr(i, j - i);
    tok.erase(0, tok.find_first_not_of(' '));
    if (!tok.empty()) {
      if (tok.find_first_not_of("0123456789") != std::string::npos || tok.size() > 15)
        fail_input("malformed npy shape " + shape, where);
      a.shape.push_back(std::stoull(tok));
    }
    if (j == std::string::npos || shape[j] == ')') break;
    i = j + 1;
  }
  uint64_t want = a.itemsize();
  for (auto d : a.shape) {
    if (d != 0 && want > (uint64_t{1} << 48) / d) fail_input("npy array is implausibly large", where);
    want *= d;
  }
  if (bytes.size() - data_at != want)
    fail_input("npy data is " + std::to_string(bytes.size() - data_at) + " bytes, its header says " +
                   std::to_string(want),
               where);
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(data_at), bytes.end());
  return a;
}

NpzReader::NpzReader(const std::string& path) : path_(path), source_(ByteSource::open(path)) {
  if (!source_->seekable()) fail_usage("an .npz must be a regular file, not a pipe (" + path + ")");
  uint64_t size = source_->size();
  size_t tail_n = static_cast<size_t>(std::min<uint64_t>(size, 65535 + 22));
  std::vector<uint8_t> tail(tail_n);
  source_->pread_exact(tail.data(), tail_n, size - tail_n);
  size_t at = std::string::npos;
  for (size_t i = tail_n >= 22 ? tail_n - 22 + 1 : 0; i-- > 0;)
    if (rd32(tail.data() + i) == 0x06054b50) {
      at = i;
      break;
    }
  if (at == std::string::npos)
    fail_input("not a zip/npz archive (no end-of-central-directory record)", path,
               "check the file is complete and was written by numpy.savez or s2f-merge-cdfs");
  uint16_t count = rd16(tail.data() + at + 10);
  uint32_t dir_size = rd32(tail.data() + at + 12), dir_offset = rd32(tail.data() + at + 16);
  if (dir_offset == 0xFFFFFFFF) fail_input("zip64 archives are not supported", path);
  if (uint64_t{dir_offset} + dir_size > size) fail_input("corrupt zip directory (points past the end)", path);
  std::vector<uint8_t> dir(dir_size);
  source_->pread_exact(dir.data(), dir_size, dir_offset);
  size_t p = 0;
  for (uint16_t i = 0; i < count; ++i) {
    if (p + 46 > dir.size() || rd32(dir.data() + p) != 0x02014b50) fail_input("corrupt zip central directory", path);
    Entry e;
    e.method = rd16(dir.data() + p + 10);
    e.crc = rd32(dir.data() + p + 16);
    e.compressed = rd32(dir.data() + p + 20);
    e.size = rd32(dir.data() + p + 24);
    uint16_t nlen = rd16(dir.data() + p + 28), xlen = rd16(dir.data() + p + 30), clen = rd16(dir.data() + p + 32);
    e.offset = rd32(dir.data() + p + 42);
    if (p + 46u + nlen > dir.size()) fail_input("corrupt zip central directory", path);
    std::string name(reinterpret_cast<const char*>(dir.data()) + p + 46, nlen);
    if (name.size() > 4 && name.ends_with(".npy")) name.resize(name.size() - 4);
    order_.push_back(name);
    entries_[name] = e;
    p += 46u + nlen + xlen + clen;
  }
}

std::vector<std::string> NpzReader::names() const { return order_; }
bool NpzReader::contains(const std::string& name) const { return entries_.count(name) != 0; }

NpyArray NpzReader::load(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string have;
    for (const auto& n : order_) have += (have.empty() ? "" : ", ") + n;
    fail_input("array '" + name + "' is not in the archive (it has: " + have + ")", path_);
  }
  const Entry& e = it->second;
  uint8_t local[30];
  source_->pread_exact(local, 30, e.offset);
  if (rd32(local) != 0x04034b50) fail_input("corrupt zip local header for " + name, path_);
  uint64_t data_at = e.offset + 30 + rd16(local + 26) + rd16(local + 28);
  if (data_at + e.compressed > source_->size() || e.size > (uint64_t{1} << 40))
    fail_input("zip entry " + name + " points past the end of the file", path_, "the archive is truncated");
  std::vector<uint8_t> raw(e.compressed);
  source_->pread_exact(raw.data(), raw.size(), data_at);
  std::string where = path_ + ":" + name;
  std::vector<uint8_t> bytes;
  if (e.method == 0) bytes = std::move(raw);
  else if (e.method == 8) {
    // Deflate expands at most 1032:1, so a larger claimed size is damage (and
    // would otherwise be allocated before a single byte is inflated).
    if (e.size > e.compressed * 1032 + 1024)
      fail_input("zip entry " + name + " claims " + std::to_string(e.size) + " bytes from " +
                     std::to_string(e.compressed) + " compressed, more than deflate can produce",
                 where, "the archive is damaged; rebuild it");
    bytes = inflate_raw(raw.data(), raw.size(), e.size, where);
  }
  else fail_input("zip compression method " + std::to_string(e.method) + " is not supported", where);
  if (stream::checksum(bytes.data(), bytes.size()) != e.crc)
    fail_input("CRC mismatch: the archive is corrupt", where, "rebuild or re-download it");
  return parse_npy(bytes, where);
}

}  // namespace s2f::npz
