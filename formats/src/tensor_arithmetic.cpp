#include "s2f/stream/tensor_arithmetic.hpp"

#include "s2f/error.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::stream {

namespace {

const nlohmann::json& geometry_heads(const Header& h, const std::string& name) {
  static const nlohmann::json none = nlohmann::json::array();
  if (!h.meta.contains("geometry") || !h.meta["geometry"].contains("heads") || !h.meta["geometry"]["heads"].is_array())
    fail_input("the stream has no head geometry (meta.geometry.heads)", name,
               "combine prediction streams written by s2f-predict");
  return h.meta["geometry"]["heads"].is_array() ? h.meta["geometry"]["heads"] : none;
}

float read_value(const Batch::Column& c, DType dtype, size_t i) {
  if (dtype == DType::f16) return half_to_float(reinterpret_cast<const uint16_t*>(c.data.data())[i]);
  return reinterpret_cast<const float*>(c.data.data())[i];
}

}  // namespace

TensorOp parse_tensor_op(const std::string& text) {
  if (text == "add") return TensorOp::add;
  if (text == "sub") return TensorOp::sub;
  if (text == "mul") return TensorOp::mul;
  if (text == "div") return TensorOp::div;
  fail_usage("'" + text + "' is not an operation", "use add, sub (left - right), mul or div (left / right)");
}

TensorArithmetic::TensorArithmetic(const Header& left, const std::string& left_name, std::unique_ptr<Reader> right,
                                   TensorOp op)
    : right_(std::move(right)), op_(op), left_name_(left_name) {
  const Header& rh = right_->header();
  if (left.kind != "tensors") fail_usage("arithmetic needs prediction (tensors) streams; " + left_name + " is " + left.kind);
  right_->expect_kind({"tensors"});
  const auto& lheads = geometry_heads(left, left_name);
  const auto& rheads = geometry_heads(rh, right_->name());
  for (const auto& g : lheads) {
    const std::string head = g.value("name", "");
    const nlohmann::json* match = nullptr;
    for (const auto& r : rheads)
      if (r.value("name", "") == head) match = &r;
    if (!match)
      fail_input("head '" + head + "' of " + left_name + " is not in " + right_->name(), right_->name(),
                 "predict both with the same --heads and --select");
    if (g.value("track_ids", nlohmann::json()) != match->value("track_ids", nlohmann::json()))
      fail_input("head '" + head + "' holds other tracks in " + right_->name() + " than in " + left_name, right_->name(),
                 "predict both with the same --catalog and --select (s2f-view --tracks lists them)");
    const int lf = left.schema.find(head), rf = rh.schema.find(head);
    if (lf < 0 || rf < 0) fail_input("head '" + head + "' has no field in the stream", lf < 0 ? left_name : right_->name());
    const Field &a = left.schema[static_cast<size_t>(lf)], &b = rh.schema[static_cast<size_t>(rf)];
    if (a.shape != b.shape)
      fail_input("head '" + head + "' has shape " + nlohmann::json(a.shape).dump() + " in " + left_name + " and " +
                     nlohmann::json(b.shape).dump() + " in " + right_->name(),
                 right_->name(), "predict both with the same model, --crop and --select");
    if ((a.dtype != DType::f32 && a.dtype != DType::f16) || (b.dtype != DType::f32 && b.dtype != DType::f16))
      fail_input("head '" + head + "' is not f32 or f16", left_name);
    head_names_.push_back(head);
    fields_.emplace_back(static_cast<size_t>(lf), static_cast<size_t>(rf));
  }
  left_id_ = left.schema.find("id");
  right_id_ = rh.schema.find("id");
}

bool TensorArithmetic::next_right() {
  ++right_rec_;  // right_batch_ starts empty, so the first call reads a frame
  while (right_rec_ >= right_batch_.size()) {
    if (!right_->next(right_batch_)) return false;
    right_rec_ = 0;
  }
  return true;
}

void TensorArithmetic::apply(Batch& batch) {
  for (size_t r = 0; r < batch.size(); ++r, ++records_) {
    if (!next_right())
      fail_input(right_->name() + " ends after " + std::to_string(records_) + " records, before " + left_name_,
                 right_->name(), "combine streams of the same windows, record for record");
    if (left_id_ >= 0 && right_id_ >= 0 &&
        batch.str(static_cast<size_t>(left_id_), r) != right_batch_.str(static_cast<size_t>(right_id_), right_rec_))
      fail_input("record " + std::to_string(records_ + 1) + " is window '" +
                     std::string(batch.str(static_cast<size_t>(left_id_), r)) + "' in " + left_name_ + " but '" +
                     std::string(right_batch_.str(static_cast<size_t>(right_id_), right_rec_)) + "' in " +
                     right_->name(),
                 right_->name(), "combine streams of the same windows in the same order");
    for (auto [lf, rf] : fields_) {
      const DType ld = batch.schema()[lf].dtype, rd = right_batch_.schema()[rf].dtype;
      auto& lc = batch.column_mut(lf);
      const auto& rc = right_batch_.column(rf);
      const size_t n = lc.elems;
      for (size_t i = 0; i < n; ++i) {
        const float a = read_value(lc, ld, r * n + i), b = read_value(rc, rd, right_rec_ * n + i);
        float v = 0;
        switch (op_) {
          case TensorOp::add: v = a + b; break;
          case TensorOp::sub: v = a - b; break;
          case TensorOp::mul: v = a * b; break;
          case TensorOp::div: v = a / b; break;
        }
        if (ld == DType::f16) reinterpret_cast<uint16_t*>(lc.data.data())[r * n + i] = float_to_half(v);
        else reinterpret_cast<float*>(lc.data.data())[r * n + i] = v;
      }
    }
  }
}

void TensorArithmetic::finish() {
  if (next_right())
    fail_input(right_->name() + " has more records than " + left_name_ + " (" + std::to_string(records_) + ")",
               right_->name(), "combine streams of the same windows, record for record");
}

}  // namespace s2f::stream
