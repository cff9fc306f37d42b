// Per-bin arithmetic of two prediction streams (AlphaGenome's `alt - ref`
// on named outputs): record i of the output is record i of the left stream
// with every head value replaced by `left OP right`. The output keeps the
// left stream's header — catalog, geometry, identity fields — as the seed's
// operators keep the left operand's metadata. Both streams must describe the
// same windows (ids, record by record) and the same tracks (each head's
// track_ids in meta.geometry.heads), so values are never paired across
// different tracks. IEEE rules hold: x/0 is ±inf, 0/0 NaN, as in the seed's
// tensors.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "s2f/stream/batch.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::stream {

enum class TensorOp { add, sub, mul, div };
// "add", "sub", "mul", "div"; a usage error otherwise.
TensorOp parse_tensor_op(const std::string& text);

class TensorArithmetic {
 public:
  // `left` is the header of the stream whose batches apply() receives.
  TensorArithmetic(const Header& left, const std::string& left_name, std::unique_ptr<Reader> right, TensorOp op);
  // Replaces the head values of `batch` (records of the left stream, in
  // order) by left OP right, reading as many records of the right stream.
  void apply(Batch& batch);
  // The right stream must have no records left.
  void finish();
  // Heads combined, for the header's provenance.
  const std::vector<std::string>& heads() const { return head_names_; }

 private:
  bool next_right();  // the next right record into right_ / right_rec_
  std::unique_ptr<Reader> right_;
  TensorOp op_;
  std::string left_name_;
  std::vector<std::string> head_names_;
  std::vector<std::pair<size_t, size_t>> fields_;  // head field in left, in right
  int left_id_ = -1, right_id_ = -1;
  Batch right_batch_;
  size_t right_rec_ = 0;
  uint64_t records_ = 0;
};

}  // namespace s2f::stream
