// Byte-level surgery on s2f streams for the corruption tests and the fuzzer:
// find where the header and frames are, and recompute every checksum after a
// deliberate change so the reader's layout checks (not only its CRCs) get
// exercised. Works on damaged input: it walks only as far as the bytes allow.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "s2f/stream/stream.hpp"

namespace s2f::surgery {

inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void store64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

inline constexpr size_t kFrameHeader = 32;

struct Layout {
  size_t json_length = 0;
  size_t header_end = 0;       // first byte after the header CRC
  std::vector<size_t> frames;  // start of every frame, the end frame last
  bool has_end = false;
  size_t payload(size_t frame) const { return frames[frame] + kFrameHeader; }
};

// Where things are, as far as the bytes go.
inline Layout walk(const std::vector<uint8_t>& s) {
  Layout l;
  if (s.size() < 16) return l;
  l.json_length = load32(&s[12]);
  l.header_end = 16 + l.json_length + 4;
  size_t pos = l.header_end;
  while (pos + kFrameHeader <= s.size()) {
    l.frames.push_back(pos);
    if (std::memcmp(&s[pos], "S2FE", 4) == 0) {
      l.has_end = true;
      break;
    }
    pos += kFrameHeader + load32(&s[pos + 12]);
  }
  return l;
}

// Recomputes the header CRC and every frame's payload and header CRCs.
inline void reseal(std::vector<uint8_t>& s) {
  Layout l = walk(s);
  if (s.size() < 16 || l.header_end > s.size()) return;
  store32(&s[16 + l.json_length], stream::checksum(&s[8], 8 + l.json_length));
  for (size_t start : l.frames) {
    uint8_t* fh = &s[start];
    uint32_t stored = load32(fh + 12);
    bool is_data = std::memcmp(fh, "S2FD", 4) == 0;
    if (is_data && start + kFrameHeader + stored <= s.size())
      store32(fh + 20, stream::checksum(fh + kFrameHeader, stored));
    store32(fh + 28, stream::checksum(fh, 28));
  }
}

}  // namespace s2f::surgery
