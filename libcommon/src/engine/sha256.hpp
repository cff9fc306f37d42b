// SHA-256 (FIPS 180-4), for the model content hash (private).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace s2f::engine {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  std::string hex();  // finishes the digest

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t fill_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace s2f::engine
