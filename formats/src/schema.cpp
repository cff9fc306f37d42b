#include "s2f/stream/schema.hpp"

#include <bit>
#include <cstring>

#include "s2f/error.hpp"

namespace s2f::stream {

namespace {
constexpr std::string_view kNames[] = {"u8", "i8", "u16", "i16", "u32", "i32",
                                       "u64", "i64", "f16", "f32", "f64", "str"};
constexpr size_t kSizes[] = {1, 1, 2, 2, 4, 4, 8, 8, 2, 4, 8, 1};
}  // namespace

size_t dtype_size(DType t) { return kSizes[static_cast<size_t>(t)]; }
std::string_view dtype_name(DType t) { return kNames[static_cast<size_t>(t)]; }

DType dtype_from_name(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == name) return static_cast<DType>(i);
  fail_input("unknown dtype '" + std::string(name) + "' in stream schema", {},
             "the stream was written by a newer s2f; upgrade");
}

size_t Field::elements() const {
  size_t n = 1;
  for (auto d : shape) n *= static_cast<size_t>(d);
  return n;
}

nlohmann::json Field::to_json() const {
  return {{"name", name}, {"dtype", std::string(dtype_name(dtype))}, {"shape", shape}};
}

Field Field::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("name") || !j.contains("dtype") || !j["name"].is_string() ||
      !j["dtype"].is_string())
    fail_input("schema field is not an object with string 'name' and 'dtype'");
  Field f;
  f.name = j["name"].get<std::string>();
  f.dtype = dtype_from_name(j["dtype"].get<std::string>());
  if (j.contains("shape")) {
    if (!j["shape"].is_array()) fail_input("schema field '" + f.name + "' has a non-array shape");
    uint64_t total = 1;
    for (const auto& d : j["shape"]) {
      if (!d.is_number_integer()) fail_input("schema field '" + f.name + "' has a non-integer dimension");
      auto v = d.get<int64_t>();
      if (v == -1 && j["shape"].size() == 1) {
        f.shape.push_back(v);
        continue;
      }
      if (v < 0 || v > (int64_t{1} << 31))
        fail_input("schema field '" + f.name + "' has an invalid dimension " + std::to_string(v));
      total *= static_cast<uint64_t>(v);
      if (total > (uint64_t{1} << 31)) fail_input("schema field '" + f.name + "' is implausibly large");
      f.shape.push_back(v);
    }
  }
  if (f.dtype == DType::str && !f.shape.empty())
    fail_input("schema field '" + f.name + "' is a str with a shape; strings are scalar");
  return f;
}

Schema::Schema(std::vector<Field> fields) {
  for (auto& f : fields) add(std::move(f));
}

int Schema::find(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].name == name) return static_cast<int>(i);
  return -1;
}

size_t Schema::index(std::string_view name) const {
  int i = find(name);
  if (i < 0) {
    std::string have;
    for (const auto& f : fields_) have += (have.empty() ? "" : ", ") + f.name;
    fail_input("stream has no field '" + std::string(name) + "' (fields: " + have + ")", {},
               "feed this stage the output of the stage it expects");
  }
  return static_cast<size_t>(i);
}

void Schema::add(Field f) {
  if (f.name.empty()) fail_input("schema field with an empty name");
  if (find(f.name) >= 0) fail_input("schema has two fields named '" + f.name + "'");
  fields_.push_back(std::move(f));
}

nlohmann::json Schema::to_json() const {
  auto a = nlohmann::json::array();
  for (const auto& f : fields_) a.push_back(f.to_json());
  return a;
}

Schema Schema::from_json(const nlohmann::json& j) {
  if (!j.is_array()) fail_input("stream schema is not an array of fields");
  Schema s;
  for (const auto& f : j) s.add(Field::from_json(f));
  return s;
}

uint16_t float_to_half(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mag = x & 0x7FFFFFFFu;
  if (mag >= 0x7F800000u) return static_cast<uint16_t>(sign | (mag > 0x7F800000u ? 0x7E00u : 0x7C00u));
  if (mag >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // overflow -> inf
  if (mag < 0x38800000u) {                                                // subnormal or zero
    if (mag < 0x33000000u) return static_cast<uint16_t>(sign);
    uint32_t e = mag >> 23;
    uint32_t m = (mag & 0x7FFFFFu) | 0x800000u;
    uint32_t shift = 126 - e;  // 14..24
    uint32_t half_m = m >> shift;
    uint32_t rem = m & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half_m & 1u))) ++half_m;
    return static_cast<uint16_t>(sign | half_m);
  }
  uint32_t h = ((mag - 0x38000000u) >> 13);
  uint32_t rem = mag & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1Fu;
  uint32_t m = h & 0x3FFu;
  uint32_t x;
  if (e == 0) {
    if (m == 0) {
      x = sign;
    } else {  // subnormal: normalise
      e = 113;
      while (!(m & 0x400u)) {
        m <<= 1;
        --e;
      }
      m &= 0x3FFu;
      x = sign | (e << 23) | (m << 13);
    }
  } else if (e == 31) {
    x = sign | 0x7F800000u | (m << 13);
  } else {
    x = sign | ((e + 112) << 23) | (m << 13);
  }
  return std::bit_cast<float>(x);
}

}  // namespace s2f::stream
