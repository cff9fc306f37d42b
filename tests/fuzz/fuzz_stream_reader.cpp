// libFuzzer target for the s2f stream reader.
//
// Random bytes almost never get past the header CRC, so an input that does
// not start with the stream magic is taken as "one mode byte + a stream
// whose checksums are recomputed before reading": that lets the fuzzer reach
// the JSON, schema, frame and payload checks behind the CRCs. Inputs that
// start with the magic are read exactly as given.
//
// Whatever the input, reading must end in s2f::Error or in batches whose
// columns agree with their record count; anything else (another exception,
// a sanitizer report, a trap) is a finding.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/stream/stream.hpp"
#include "s2f/stream/text.hpp"
#include "stream_surgery.hpp"

namespace {

// A batch handed out by the reader must be safe to index record by record.
void check_batch(const s2f::stream::Batch& batch) {
  size_t n = batch.size();
  for (size_t f = 0; f < batch.schema().size(); ++f) {
    const auto& c = batch.column(f);
    if (c.variable) {
      if (c.offsets.size() != n + 1 || c.offsets[0] != 0) std::abort();
      for (size_t r = 0; r < n; ++r)
        if (c.offsets[r + 1] < c.offsets[r]) std::abort();
      if (static_cast<size_t>(c.offsets[n]) * c.esize != c.data.size()) std::abort();
    } else if (c.data.size() != n * c.elems * c.esize) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes;
  if (size > 0 && data[0] != 0x89) {
    bytes.assign(data + 1, data + size);
    s2f::surgery::reseal(bytes);
  } else {
    bytes.assign(data, data + size);
  }
  try {
    s2f::stream::Reader reader(s2f::ByteSource::from_memory(std::move(bytes), "fuzz"));
    (void)reader.peek_total();
    s2f::stream::Batch batch;
    std::string text;
    uint64_t records = 0;
    while (reader.next(batch)) {
      check_batch(batch);
      // Render a few records as the text tools would (f16, strings of any bytes).
      for (size_t r = 0; r < batch.size() && r < 4; ++r) s2f::stream::append_tsv_line(text, batch, r);
      text.clear();
      records += batch.size();
    }
    if (records != reader.records_read()) std::abort();
  } catch (const s2f::Error&) {
    // The expected outcome for damaged input.
  }
  return 0;
}
