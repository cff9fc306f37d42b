// Schema of an s2f stream: named fields, each with a dtype and a per-record
// shape. Fixed-shape fields hold prod(shape) elements per record; a shape of
// [-1] (and every "str" field) holds a variable number per record.
#pragma once
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace s2f::stream {

enum class DType : uint8_t { u8, i8, u16, i16, u32, i32, u64, i64, f16, f32, f64, str };

size_t dtype_size(DType t);  // bytes per element; str counts bytes (1)
std::string_view dtype_name(DType t);
DType dtype_from_name(std::string_view name);  // throws bad_input on unknown names

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<uint8_t>() { return DType::u8; }
template <> constexpr DType dtype_of<int8_t>() { return DType::i8; }
template <> constexpr DType dtype_of<uint16_t>() { return DType::u16; }
template <> constexpr DType dtype_of<int16_t>() { return DType::i16; }
template <> constexpr DType dtype_of<uint32_t>() { return DType::u32; }
template <> constexpr DType dtype_of<int32_t>() { return DType::i32; }
template <> constexpr DType dtype_of<uint64_t>() { return DType::u64; }
template <> constexpr DType dtype_of<int64_t>() { return DType::i64; }
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }

struct Field {
  std::string name;
  DType dtype = DType::u8;
  std::vector<int64_t> shape;  // [] scalar; [-1] variable-length 1-D

  bool variable() const { return dtype == DType::str || (shape.size() == 1 && shape[0] == -1); }
  // Elements per record for fixed fields.
  size_t elements() const;
  nlohmann::json to_json() const;
  static Field from_json(const nlohmann::json& j);
  bool operator==(const Field&) const = default;
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields);
  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const Field& operator[](size_t i) const { return fields_[i]; }
  // Index of a field, or -1.
  int find(std::string_view name) const;
  // Index of a field; throws bad_input naming the field and the stream kind.
  size_t index(std::string_view name) const;
  void add(Field f);
  nlohmann::json to_json() const;
  static Schema from_json(const nlohmann::json& j);
  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

// IEEE binary16 <-> binary32 (round to nearest even), for f16 tensors.
uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

}  // namespace s2f::stream
