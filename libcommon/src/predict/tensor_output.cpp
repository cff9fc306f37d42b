#include "s2f/predict/tensor_output.hpp"

#include <cstdio>

namespace s2f::predict {

TensorOutput::TensorOutput(const stream::Header& input, TrackPlan plan, const Run& run,
                           const nlohmann::json& model_meta, const nlohmann::json& rc)
    : plan_(std::move(plan)) {
  auto header = stream::make_header(stream::kind::tensors, stream::with_origin_fields(stream::tensors_schema(plan_.head_shapes()), input.schema), run.provenance(), &input);
  plan_.describe(header.meta);
  header.meta["model"] = model_meta;
  // An rc record copied from upstream would describe another run.
  if (rc.is_null()) header.meta.erase("rc");
  else header.meta["rc"] = rc;
  copier_ = std::make_unique<stream::FieldCopier>(input.schema, header.schema);
  for (const auto& h : plan_.heads) head_fields_.push_back(header.schema.index(h.model.name));
  writer_ = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));
}

void TensorOutput::write(const stream::Batch& in, size_t rec, const std::vector<const float*>& full) {
  auto& b = writer_->batch();
  size_t r = b.add_record();
  copier_->copy(in, rec, b, r);
  for (size_t h = 0; h < plan_.heads.size(); ++h) {
    auto& col = b.column_mut(head_fields_[h]);
    plan_.extract(h, full[h], col.data.data() + r * col.elems * col.esize);
  }
  writer_->end_record();
}

uint64_t TensorOutput::bytes_per_record() const {
  uint64_t n = 0;
  for (const auto& s : plan_.head_shapes())
    n += static_cast<uint64_t>(s.tracks * s.bins) * stream::dtype_size(s.dtype);
  return n;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1000 && u < 5) {
    bytes /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

}  // namespace s2f::predict
