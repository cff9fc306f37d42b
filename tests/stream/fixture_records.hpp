// The deterministic records the cross-language tests exchange. The same
// generator is written in Python in tests/stream/test_s2f_stream.py; change
// both together.
//
// Every value comes from draw(kind, field, record, element) = splitmix64 of
// (kind << 56 | field << 40 | record << 20 | element):
//   integers  the low bytes of the draw, two's complement for signed types
//   f16       ((d & 0x7FF) - 1024) / 8          (exact in binary16)
//   f32       ((d & 0xFFFFFF) - 2^23) / 256     (exact in binary32)
//   f64       ((d >> 11) - 2^52) / 1024         (exact in binary64)
//   str       draw(.., kLengthElement) % 12 characters from kAlphabet
//   [-1]      draw(.., kLengthElement) % 9 elements
// Values are exact in their type, so a reader that takes f16 for u16 or
// swaps byte order fails, and no tolerance is needed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "s2f/stream/stream.hpp"

namespace s2f::fixture {

inline constexpr uint32_t kLengthElement = 0xFFFFF;
// Records are written in batches of these sizes, cycling, one frame each.
inline constexpr size_t kBatchSizes[] = {1, 7, 64, 128, 100};

struct KindCase {
  std::string kind;
  stream::Schema schema;
};

// Every record kind of kinds.hpp, with small shapes (one f16 head among the tensors).
std::vector<KindCase> all_kinds();
// Index in all_kinds(); throws a usage error listing the kinds otherwise.
size_t kind_index(const std::string& kind);
stream::Header fixture_header(size_t kind);
// Appends record `record` of kind `kind` to `batch`.
void append_record(stream::Batch& batch, size_t kind, uint64_t record);
// Empty when record `rec` of `got` equals the generator's record `record`,
// else what differs.
std::string compare_record(const stream::Batch& got, size_t rec, size_t kind, uint64_t record);

}  // namespace s2f::fixture
