// bigWig input through libBigWig, behind checks of our own: libBigWig
// believes the offsets and counts it reads (a damaged file can make it read
// out of bounds, allocate without bound or loop), so the fixed header, the
// zoom headers, the chromosome B+ tree and the whole data index are checked
// against the file's size first, and every data block a read touches is
// decompressed and checked against its header (layout: the bigWig format of
// Kent et al. 2010, as written by track_file.hpp's writer and UCSC's tools).
#include "s2f/tracks/bigwig_reader.hpp"

#include <bigWig.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <unordered_set>

#include "s2f/error.hpp"

namespace s2f::tracks {
namespace {

constexpr uint32_t kBigWigMagic = 0x888FFC26, kChromTreeMagic = 0x78CA8C91, kIndexMagic = 0x2468ACE0;

class FileBytes {
 public:
  FileBytes(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {
    std::fseek(f_, 0, SEEK_END);
    size_ = static_cast<uint64_t>(std::ftell(f_));
  }
  uint64_t size() const { return size_; }
  // n bytes at `at`, or a damaged-file error naming `what`.
  void read(uint64_t at, void* dst, size_t n, const char* what) const {
    if (at > size_ || n > size_ - at || std::fseek(f_, static_cast<long>(at), SEEK_SET) != 0 ||
        std::fread(dst, 1, n, f_) != n)
      damaged(std::string(what) + " lies outside the file");
  }
  template <class T> T get(const uint8_t* p) const {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  [[noreturn]] void damaged(const std::string& what) const {
    fail_input("not a readable bigWig file: " + what, path_, "write or download the file again");
  }

 private:
  std::FILE* f_;
  std::string path_;
  uint64_t size_ = 0;
};

// Walks the chromosome B+ tree (bounded depth, every node inside the file)
// and returns the chromosomes by id.
std::vector<Chromosome> read_chromosome_tree(const FileBytes& in, uint64_t offset) {
  uint8_t h[32];
  in.read(offset, h, sizeof h, "the chromosome tree header");
  if (in.get<uint32_t>(h) != kChromTreeMagic) in.damaged("the chromosome tree has a wrong magic number");
  const uint32_t key_size = in.get<uint32_t>(h + 8), value_size = in.get<uint32_t>(h + 12);
  const uint64_t count = in.get<uint64_t>(h + 16);
  if (key_size == 0 || key_size > 4096 || value_size != 8 || count == 0 || count > in.size() / (key_size + 8))
    in.damaged("the chromosome tree header is inconsistent");
  std::vector<Chromosome> by_id(count);
  std::vector<bool> seen(count, false);
  uint64_t leaves = 0;
  std::function<void(uint64_t, int)> node = [&](uint64_t at, int depth) {
    if (depth > 16) in.damaged("the chromosome tree is too deep (a loop?)");
    uint8_t nh[4];
    in.read(at, nh, sizeof nh, "a chromosome tree node");
    const bool leaf = nh[0] == 1;
    const uint16_t n = in.get<uint16_t>(nh + 2);
    std::vector<uint8_t> items(static_cast<size_t>(n) * (key_size + 8));
    in.read(at + 4, items.data(), items.size(), "a chromosome tree node");
    for (uint16_t i = 0; i < n; ++i) {
      const uint8_t* item = items.data() + static_cast<size_t>(i) * (key_size + 8);
      if (!leaf) {
        node(in.get<uint64_t>(item + key_size), depth + 1);
        continue;
      }
      const uint32_t id = in.get<uint32_t>(item + key_size), length = in.get<uint32_t>(item + key_size + 4);
      if (id >= count || seen[id] || length == 0) in.damaged("the chromosome tree lists a bad or repeated entry");
      seen[id] = true;
      const auto* key = reinterpret_cast<const char*>(item);
      by_id[id] = {std::string(key, strnlen(key, key_size)), static_cast<int64_t>(length)};
      ++leaves;
    }
  };
  node(offset + 32, 0);
  if (leaves != count) in.damaged("the chromosome tree holds fewer chromosomes than its header says");
  return by_id;
}

// Every leaf of the data index (an R-tree), each node read once (a node
// seen twice means a loop), every block inside the file.
template <class Block>
void read_data_index(const FileBytes& in, uint64_t index, std::vector<Block>& blocks) {
  uint8_t h[48];
  in.read(index, h, sizeof h, "the data index");
  if (in.get<uint32_t>(h) != kIndexMagic) in.damaged("the data index has a wrong magic number");
  const uint32_t per_node = in.get<uint32_t>(h + 4);
  if (per_node == 0 || per_node > 65535) in.damaged("the data index has nodes of " + std::to_string(per_node) + " items");
  std::unordered_set<uint64_t> seen;
  std::function<void(uint64_t, int)> node = [&](uint64_t at, int depth) {
    if (depth > 32 || !seen.insert(at).second) in.damaged("the data index is not a tree (a loop?)");
    uint8_t nh[4];
    in.read(at, nh, sizeof nh, "a data index node");
    const bool leaf = nh[0] == 1;
    const uint16_t n = in.get<uint16_t>(nh + 2);
    if (n > per_node) in.damaged("a data index node holds more items than the index allows");
    const size_t item = leaf ? 32 : 24;
    std::vector<uint8_t> items(n * item);
    in.read(at + 4, items.data(), items.size(), "a data index node");
    for (uint16_t i = 0; i < n; ++i) {
      const uint8_t* e = items.data() + i * item;
      if (!leaf) {
        node(in.get<uint64_t>(e + 16), depth + 1);
        continue;
      }
      Block b{in.get<uint32_t>(e), in.get<uint32_t>(e + 4), in.get<uint32_t>(e + 8), in.get<uint32_t>(e + 12),
              in.get<uint64_t>(e + 16), in.get<uint64_t>(e + 24)};
      if (b.size == 0 || b.offset >= in.size() || b.size > in.size() - b.offset)
        in.damaged("a data block lies outside the file");
      blocks.push_back(b);
    }
  };
  node(index + sizeof h, 0);
}

template <class Block>
void check_layout(std::FILE* f, const std::string& path, std::vector<Chromosome>& chromosomes,
                  std::vector<Block>& blocks, uint32_t& buffer_size) {
  FileBytes in(f, path);
  uint8_t h[64];
  if (in.size() < sizeof h) in.damaged("it is shorter than a bigWig header (" + std::to_string(in.size()) + " bytes)");
  in.read(0, h, sizeof h, "the header");
  if (in.get<uint32_t>(h) != kBigWigMagic) {
    if (in.get<uint32_t>(h) == 0x8789F2EB) in.damaged("it is a bigBed file");
    in.damaged("it does not start with the bigWig magic number");
  }
  const uint16_t version = in.get<uint16_t>(h + 4), zooms = in.get<uint16_t>(h + 6);
  const uint64_t chrom_tree = in.get<uint64_t>(h + 8), data = in.get<uint64_t>(h + 16), index = in.get<uint64_t>(h + 24);
  const uint64_t summary = in.get<uint64_t>(h + 44);
  const uint32_t buffer = in.get<uint32_t>(h + 52);
  if (version < 3 || version > 4) in.damaged("version " + std::to_string(version) + " (3 or 4 expected)");
  if (zooms > 10) in.damaged(std::to_string(zooms) + " zoom levels (at most 10)");
  if (buffer > (64u << 20)) in.damaged("a decompression buffer of " + std::to_string(buffer) + " bytes");
  for (uint64_t o : {chrom_tree, data, index})
    if (o < sizeof h || o >= in.size()) in.damaged("a section offset points outside the file");
  if (summary && (summary < sizeof h || summary + 40 > in.size())) in.damaged("the summary lies outside the file");
  for (uint16_t z = 0; z < zooms; ++z) {
    uint8_t zh[24];
    in.read(64 + 24u * z, zh, sizeof zh, "a zoom header");
    const uint64_t zdata = in.get<uint64_t>(zh + 8), zindex = in.get<uint64_t>(zh + 16);
    uint8_t magic[4];
    in.read(zindex, magic, 4, "a zoom level's index");
    if (zdata >= in.size() || in.get<uint32_t>(magic) != kIndexMagic) in.damaged("a zoom level's index is damaged");
  }
  chromosomes = read_chromosome_tree(in, chrom_tree);
  read_data_index(in, index, blocks);
  for (const auto& b : blocks)
    if (b.start_chrom >= chromosomes.size() || b.end_chrom >= chromosomes.size())
      in.damaged("a data block names a chromosome the file does not list");
  buffer_size = buffer;
}

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (bwInit(1 << 17) != 0) fail(Exit::internal, "libBigWig could not be initialised");
  });
}

}  // namespace

std::unique_ptr<BigWigReader> BigWigReader::open(const std::string& path) {
  std::unique_ptr<BigWigReader> r(new BigWigReader);
  r->path_ = path;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail_io(std::string("cannot open bigWig file: ") + std::strerror(errno), path, "check the path");
  try {
    check_layout(f, path, r->chromosomes_, r->blocks_, r->buffer_size_);
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
  init_library();
  bigWigFile_t* bw = bwOpen(path.c_str(), nullptr, "r");
  if (!bw) fail_input("not a readable bigWig file: libBigWig cannot read its header or index", path,
                      "write or download the file again");
  r->file_ = bw;
  if (!bw->cl || bw->cl->nKeys != static_cast<int64_t>(r->chromosomes_.size()))
    fail_input("not a readable bigWig file: its chromosome list does not read back", path);
  return r;
}

BigWigReader::~BigWigReader() {
  if (file_) bwClose(static_cast<bigWigFile_t*>(file_));
}

int BigWigReader::find(const std::string& name) const {
  for (size_t i = 0; i < chromosomes_.size(); ++i)
    if (chromosomes_[i].name == name) return static_cast<int>(i);
  return -1;
}

void BigWigReader::check_blocks(int chrom, int64_t start, int64_t end) const {
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (!f) fail_io(std::string("cannot open bigWig file: ") + std::strerror(errno), path_, "check the path");
  FileBytes in(f, path_);
  std::vector<uint8_t> packed, data(std::max<uint32_t>(buffer_size_, 1));
  const auto c = static_cast<uint32_t>(chrom);
  try {
    for (const auto& b : blocks_) {
      // Blocks overlapping [start, end) of chrom (bounds are chrom:base pairs).
      const bool before = b.end_chrom < c || (b.end_chrom == c && b.end_base <= start);
      const bool after = b.start_chrom > c || (b.start_chrom == c && b.start_base >= end);
      if (before || after) continue;
      packed.resize(b.size);
      in.read(b.offset, packed.data(), packed.size(), "a data block");
      const uint8_t* block = packed.data();
      uLongf length = b.size;
      if (buffer_size_) {
        length = data.size();
        if (uncompress(data.data(), &length, packed.data(), static_cast<uLong>(packed.size())) != Z_OK)
          in.damaged("a data block does not decompress within the file's buffer size");
        block = data.data();
      }
      if (length < 24) in.damaged("a data block is shorter than its header");
      const uint8_t type = block[20];
      const uint16_t items = in.get<uint16_t>(block + 22);
      const size_t item = type == 1 ? 12 : type == 2 ? 8 : type == 3 ? 4 : 0;
      if (item == 0 || 24 + size_t{items} * item > length)
        in.damaged("a data block holds fewer values than its header says");
    }
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
}

void BigWigReader::values(int chrom, int64_t start, int64_t end, float* out) const {
  const auto& c = chromosomes_.at(static_cast<size_t>(chrom));
  if (start < 0 || end > c.length || end < start)
    fail(Exit::internal, "bigWig range outside its chromosome (" + path_ + ")");
  if (end == start) return;
  check_blocks(chrom, start, end);
  auto* bw = static_cast<bigWigFile_t*>(file_);
  bwOverlappingIntervals_t* v =
      bwGetValues(bw, c.name.c_str(), static_cast<uint32_t>(start), static_cast<uint32_t>(end), 1);
  if (!v || v->l != static_cast<uint32_t>(end - start)) {
    if (v) bwDestroyOverlappingIntervals(v);
    fail_input("not a readable bigWig file: the values of " + c.name + ":" + std::to_string(start) + "-" +
                   std::to_string(end) + " do not read back",
               path_, "write or download the file again");
  }
  std::memcpy(out, v->value, sizeof(float) * static_cast<size_t>(end - start));
  bwDestroyOverlappingIntervals(v);
}

}  // namespace s2f::tracks
