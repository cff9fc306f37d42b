#include "zoom_levels.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "s2f/error.hpp"

namespace s2f::tracks {
namespace {

template <class T> void put(std::vector<uint8_t>& out, T v) {
  uint8_t b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.insert(out.end(), b, b + sizeof v);
}

}  // namespace

ZoomLevels::ZoomLevels(const std::vector<Chromosome>& chromosomes, std::string blocks_path)
    : chromosomes_(chromosomes), blocks_path_(std::move(blocks_path)) {}

ZoomLevels::~ZoomLevels() {
  if (blocks_) std::fclose(blocks_);
  std::remove(blocks_path_.c_str());
}

void ZoomLevels::start_levels(int64_t span) {
  int64_t longest = 1;
  for (const auto& c : chromosomes_) longest = std::max(longest, c.length);
  int64_t reduction = std::max<int64_t>(40, 4 * span);
  while (static_cast<int>(levels_.size()) < kMaxLevels) {
    Level l;
    l.reduction = reduction;
    levels_.push_back(l);
    if (reduction >= longest || reduction > (int64_t{1} << 30)) break;
    reduction *= 4;
  }
  blocks_ = std::fopen(blocks_path_.c_str(), "w+b");
  if (!blocks_) io_ok_ = false;
}

void ZoomLevels::add(size_t chrom, int64_t start, int64_t span, const float* values, size_t n) {
  if (levels_.empty()) start_levels(span);
  const Level& base = levels_[0];
  const int64_t r = base.reduction, length = chromosomes_[chrom].length;
  for (size_t i = 0; i < n; ++i) {
    const float v = values[i];
    totals_.min = totals_.bases ? std::min<double>(totals_.min, v) : v;
    totals_.max = totals_.bases ? std::max<double>(totals_.max, v) : v;
    int64_t p = start + span * static_cast<int64_t>(i);
    const int64_t end = p + span;
    totals_.bases += static_cast<uint64_t>(span);
    totals_.sum += static_cast<double>(v) * static_cast<double>(span);
    totals_.sum_squares += static_cast<double>(v) * v * static_cast<double>(span);
    while (p < end) {  // one piece per level-0 bin the interval touches
      const int64_t bin_start = p / r * r, bin_end = std::min(bin_start + r, length);
      const int64_t take = std::min(end, bin_end) - p;
      Summary s;
      s.chrom = static_cast<uint32_t>(chrom);
      s.start = static_cast<uint32_t>(bin_start);
      s.end = static_cast<uint32_t>(bin_end);
      s.valid = static_cast<uint64_t>(take);
      s.min = s.max = v;
      s.sum = static_cast<double>(v) * static_cast<double>(take);
      s.sum_squares = static_cast<double>(v) * v * static_cast<double>(take);
      merge(0, s);
      p += take;
    }
  }
}

// Summaries of level k lie inside one bin of level k+1: reductions are
// multiples, and bins start at each chromosome's start.
void ZoomLevels::merge(size_t level, const Summary& s) {
  Level& l = levels_[level];
  const uint32_t bin_start = static_cast<uint32_t>(s.start / l.reduction * l.reduction);
  if (l.open && (l.current.chrom != s.chrom || l.current.start != bin_start)) close_summary(level);
  if (!l.open) {
    l.open = true;
    l.current = s;
    l.current.start = bin_start;
    l.current.end = static_cast<uint32_t>(
        std::min<int64_t>(int64_t{bin_start} + l.reduction, chromosomes_[s.chrom].length));
    return;
  }
  Summary& c = l.current;
  c.valid += s.valid;
  c.min = std::min(c.min, s.min);
  c.max = std::max(c.max, s.max);
  c.sum += s.sum;
  c.sum_squares += s.sum_squares;
}

void ZoomLevels::close_summary(size_t level) {
  Level& l = levels_[level];
  if (!l.open) return;
  l.open = false;
  const Summary& c = l.current;
  if (l.pending_count == 0) l.first_last = {c.chrom, c.start, c.chrom, c.end, 0, 0};
  l.first_last.end_chrom = c.chrom;
  l.first_last.end_base = c.end;
  put<uint32_t>(l.pending, c.chrom);
  put<uint32_t>(l.pending, c.start);
  put<uint32_t>(l.pending, c.end);
  put<uint32_t>(l.pending, static_cast<uint32_t>(std::min<uint64_t>(c.valid, UINT32_MAX)));
  put<float>(l.pending, c.min);
  put<float>(l.pending, c.max);
  put<float>(l.pending, static_cast<float>(c.sum));
  put<float>(l.pending, static_cast<float>(c.sum_squares));
  ++l.records;
  if (++l.pending_count == kItemsPerBlock) flush_block(level);
  if (level + 1 < levels_.size()) merge(level + 1, c);
}

void ZoomLevels::flush_block(size_t level) {
  Level& l = levels_[level];
  if (l.pending_count == 0) return;
  uLongf size = compressBound(static_cast<uLong>(l.pending.size()));
  std::vector<uint8_t> packed(size);
  if (compress(packed.data(), &size, l.pending.data(), static_cast<uLong>(l.pending.size())) != Z_OK) io_ok_ = false;
  if (io_ok_ && blocks_ && std::fwrite(packed.data(), 1, size, blocks_) != size) io_ok_ = false;
  IndexedBlock b = l.first_last;
  b.offset = blocks_size_;
  b.size = size;
  blocks_size_ += size;
  l.blocks.push_back(b);
  l.pending.clear();
  l.pending_count = 0;
}

bool ZoomLevels::append(std::FILE* out, std::vector<Header>& headers, Totals& totals) {
  totals = totals_;
  headers.clear();
  for (size_t k = 0; k < levels_.size(); ++k) {  // close from the finest up: each feeds the next
    close_summary(k);
    flush_block(k);
  }
  if (!io_ok_ || !blocks_ || std::fflush(blocks_) != 0) return false;
  std::vector<uint8_t> buffer;
  for (auto& l : levels_) {
    Header h{static_cast<uint32_t>(l.reduction), 0, 0};
    const long at = std::ftell(out);
    if (at < 0) return false;
    h.data_offset = static_cast<uint64_t>(at);
    const auto count = static_cast<uint32_t>(std::min<uint64_t>(l.records, UINT32_MAX));
    if (std::fwrite(&count, sizeof count, 1, out) != 1) return false;
    uint64_t offset = h.data_offset + sizeof count;
    for (auto& b : l.blocks) {
      buffer.resize(b.size);
      if (std::fseek(blocks_, static_cast<long>(b.offset), SEEK_SET) != 0 ||
          std::fread(buffer.data(), 1, b.size, blocks_) != b.size ||
          std::fwrite(buffer.data(), 1, b.size, out) != b.size)
        return false;
      b.offset = offset;
      offset += b.size;
    }
    h.index_offset = offset;
    if (!write_cir_tree(out, l.blocks, kItemsPerBlock)) return false;
    headers.push_back(h);
  }
  return true;
}

}  // namespace s2f::tracks
