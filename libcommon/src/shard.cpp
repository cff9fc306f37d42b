#include "s2f/shard.hpp"

#include <charconv>

#include "s2f/error.hpp"

namespace s2f {

ShardSpec ShardSpec::parse(const std::string& text) {
  auto slash = text.find('/');
  auto bad = [&]() {
    fail_usage("--shard '" + text + "' is not of the form k/n with 1 <= k <= n",
               "e.g. --shard 3/10 takes the third of ten slices");
  };
  if (slash == std::string::npos) bad();
  uint32_t k = 0, n = 0;
  auto r1 = std::from_chars(text.data(), text.data() + slash, k);
  auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), n);
  if (r1.ec != std::errc{} || r1.ptr != text.data() + slash || r2.ec != std::errc{} ||
      r2.ptr != text.data() + text.size() || n == 0 || k == 0 || k > n)
    bad();
  return ShardSpec{k - 1, n};
}

std::pair<uint64_t, uint64_t> ShardSpec::range(uint64_t total) const {
  uint64_t base = total / count, extra = total % count;
  uint64_t begin = index * base + std::min<uint64_t>(index, extra);
  uint64_t len = base + (index < extra ? 1 : 0);
  return {begin, begin + len};
}

uint64_t mix_seed(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t ShardSpec::derive_seed(uint64_t seed) const {
  return count == 1 ? seed : mix_seed(seed ^ mix_seed(index + 1));
}

}  // namespace s2f
