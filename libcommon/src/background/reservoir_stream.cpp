#include "s2f/background/reservoir_stream.hpp"

#include "s2f/error.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::background {

void write_reservoirs(stream::Writer& writer, const ReservoirSet& set, const std::vector<std::string>& track_ids) {
  const auto& schema = writer.header().schema;
  const size_t f_id = schema.index("track_id"), f_index = schema.index("track_index"),
               f_seen = schema.index("seen"), f_capacity = schema.index("capacity"), f_seed = schema.index("seed"),
               f_sample = schema.index("sample"), f_top = schema.index("tail_top"),
               f_bottom = schema.index("tail_bottom");
  for (size_t t = 0; t < set.size(); ++t) {
    const Reservoir& r = set[t];
    auto& b = writer.batch();
    size_t i = b.add_record();
    b.set_str(f_id, i, track_ids[t]);
    b.set_scalar<uint32_t>(f_index, i, static_cast<uint32_t>(t));
    b.set_scalar<uint64_t>(f_seen, i, r.seen());
    b.set_scalar<uint64_t>(f_capacity, i, r.capacity());
    b.set_scalar<uint64_t>(f_seed, i, r.seed());
    // Variable fields can only be set on the last record, in schema order.
    b.set_var<float>(f_sample, i, r.sample());
    b.set_var<float>(f_top, i, r.tail_top());
    b.set_var<float>(f_bottom, i, r.tail_bottom());
    writer.end_record();
  }
}

nlohmann::json ReservoirConfig::to_json() const {
  return {{"capacity", capacity}, {"seed", seed}, {"shard", shard}, {"shard_seed", shard_seed}, {"tail_k", tail_k}};
}

ReservoirConfig ReservoirConfig::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) fail_input("the stream has no meta.reservoir settings", where, "write it with s2f-reservoir");
  ReservoirConfig c;
  c.capacity = j.value("capacity", uint64_t{0});
  c.seed = j.value("seed", uint64_t{0});
  c.shard_seed = j.value("shard_seed", c.seed);
  c.tail_k = j.value("tail_k", uint64_t{0});
  c.shard = j.value("shard", std::string("1/1"));
  return c;
}

ReservoirFile::ReservoirFile(const std::string& path) : path_(path), reader_(stream::Reader::open(path)) {
  reader_->expect_kind({stream::kind::reservoirs});
  const auto& meta = reader_->header().meta;
  meta_ = ValueMeta::from_meta(meta, path);
  config_ = ReservoirConfig::from_json(meta.contains("reservoir") ? meta["reservoir"] : nlohmann::json(), path);
  using stream::DType;
  f_id_ = reader_->require_field("track_id", DType::str);
  f_index_ = reader_->require_field("track_index", DType::u32);
  f_seen_ = reader_->require_field("seen", DType::u64);
  f_capacity_ = reader_->require_field("capacity", DType::u64);
  f_seed_ = reader_->require_field("seed", DType::u64);
  f_sample_ = reader_->require_field("sample", DType::f32);
  f_top_ = reader_->require_field("tail_top", DType::f32);
  f_bottom_ = reader_->require_field("tail_bottom", DType::f32);
}

bool ReservoirFile::next(TrackReservoir& out) {
  while (pos_ >= batch_.size()) {
    if (!reader_->next(batch_)) {
      if (expected_index_ != meta_.track_ids.size())
        fail_input("reservoir file ends after " + std::to_string(expected_index_) + " of " +
                       std::to_string(meta_.track_ids.size()) + " tracks",
                   path_, "rerun s2f-reservoir for this shard");
      return false;
    }
    pos_ = 0;
  }
  size_t r = pos_++;
  out.track_id = std::string(batch_.str(f_id_, r));
  out.track_index = batch_.scalar<uint32_t>(f_index_, r);
  out.seen = batch_.scalar<uint64_t>(f_seen_, r);
  out.capacity = batch_.scalar<uint64_t>(f_capacity_, r);
  out.seed = batch_.scalar<uint64_t>(f_seed_, r);
  auto s = batch_.var<float>(f_sample_, r);
  out.sample.assign(s.begin(), s.end());
  auto top = batch_.var<float>(f_top_, r);
  out.tail_top.assign(top.begin(), top.end());
  auto bottom = batch_.var<float>(f_bottom_, r);
  out.tail_bottom.assign(bottom.begin(), bottom.end());
  std::string where = path_ + " record " + std::to_string(expected_index_ + 1);
  if (out.track_index != expected_index_ || expected_index_ >= meta_.track_ids.size())
    fail_input("track records are out of order: expected track " + std::to_string(expected_index_) + ", got " +
                   std::to_string(out.track_index),
               where, "merge only files written by s2f-reservoir");
  if (out.track_id != meta_.track_ids[expected_index_])
    fail_input("track id '" + out.track_id + "' does not match meta.tracks ('" + meta_.track_ids[expected_index_] +
                   "')",
               where);
  if (out.sample.size() != std::min(out.seen, out.capacity))
    fail_input("reservoir holds " + std::to_string(out.sample.size()) + " values but saw " +
                   std::to_string(out.seen) + " with capacity " + std::to_string(out.capacity),
               where, "the file is inconsistent; rerun s2f-reservoir");
  ++expected_index_;
  return true;
}

}  // namespace s2f::background
