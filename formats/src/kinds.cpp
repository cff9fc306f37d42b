#include "s2f/stream/kinds.hpp"

namespace s2f::stream {

namespace {
Field str(const char* name) { return {name, DType::str, {}}; }
Field scalar(const char* name, DType t) { return {name, t, {}}; }
Schema join(std::vector<Field> a, const std::vector<Field>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return Schema(std::move(a));
}
}  // namespace

std::vector<Field> locus_fields() {
  return {str("id"), str("chrom"), scalar("pos", DType::i64), scalar("strand", DType::u8)};
}

std::vector<Field> window_fields() {
  return {scalar("start", DType::i64), scalar("allele", DType::u8), str("ref"), str("alt"),
          scalar("ref_match", DType::u8), scalar("contains_unk", DType::u8)};
}

Schema with_origin_fields(Schema schema, const Schema& from) {
  for (const char* name : {kSourceField, kSeleneLabelField, kCategoryField, kPartitionField})
    if (from.find(name) >= 0 && schema.find(name) < 0) schema.add(str(name));
  return schema;
}

Schema positions_schema() { return join(locus_fields(), {str("category"), str("partition")}); }

Schema intervals_schema() {
  return Schema({str("id"), str("chrom"), scalar("start", DType::i64), scalar("end", DType::i64),
                 scalar("strand", DType::u8), scalar("summit", DType::i64)});
}

Schema variants_schema() { return join(locus_fields(), {str("ref"), str("alt")}); }

Schema sequences_schema(int64_t length) {
  auto f = locus_fields();
  auto w = window_fields();
  f.insert(f.end(), w.begin(), w.end());
  f.push_back({"seq", DType::u8, {length}});
  return Schema(std::move(f));
}

Schema tensors_schema(const std::vector<HeadShape>& heads) {
  auto f = locus_fields();
  auto w = window_fields();
  f.insert(f.end(), w.begin(), w.end());
  for (const auto& h : heads)
    if (h.map_bins > 0) f.push_back({h.name, h.dtype, {h.tracks, h.map_bins, h.map_bins}});
    else f.push_back({h.name, h.dtype, {h.tracks, h.bins}});
  return Schema(std::move(f));
}

Schema scores_schema(const std::vector<std::string>& statistics, int64_t n_tracks) {
  auto f = locus_fields();
  auto w = window_fields();
  f.insert(f.end(), w.begin(), w.end());
  for (const auto& s : statistics) f.push_back({s, DType::f32, {n_tracks}});
  return Schema(std::move(f));
}

Schema values_schema(int64_t n_tracks, int64_t per_track) {
  return Schema({str("id"), {"values", DType::f32, {n_tracks, per_track}}});
}

Schema reservoirs_schema() {
  return Schema({str("track_id"), scalar("track_index", DType::u32), scalar("seen", DType::u64),
                 scalar("capacity", DType::u64), scalar("seed", DType::u64), {"sample", DType::f32, {-1}},
                 {"tail_top", DType::f32, {-1}}, {"tail_bottom", DType::f32, {-1}}});
}

Schema contributions_schema(int64_t length) {
  auto f = locus_fields();
  f.push_back(scalar("start", DType::i64));
  f.push_back({"seq", DType::u8, {length}});
  f.push_back({"contrib", DType::f32, {length, 4}});
  return Schema(std::move(f));
}

Schema ism_schema(const std::vector<HeadShape>& fields) {
  auto f = locus_fields();
  auto w = window_fields();
  f.insert(f.end(), w.begin(), w.end());
  // allele/ref/alt describe each record's edits; what the mutated window
  // was (a variant's REF or ALT window) is kept beside them.
  f.push_back(scalar("window_allele", DType::u8));
  f.push_back(str("variant_ref"));
  f.push_back(str("variant_alt"));
  f.push_back(str("mut_pos"));
  for (const auto& h : fields) f.push_back({h.name, h.dtype, {h.tracks, h.bins}});
  return Schema(std::move(f));
}

Schema hits_schema() {
  return Schema({str("chrom"), scalar("start", DType::i64), scalar("end", DType::i64),
                 scalar("start_untrimmed", DType::i64), scalar("end_untrimmed", DType::i64), str("motif_name"),
                 scalar("hit_coefficient", DType::f32), scalar("hit_coefficient_global", DType::f32),
                 scalar("hit_similarity", DType::f32), scalar("hit_correlation", DType::f32),
                 scalar("hit_importance", DType::f32), scalar("hit_importance_sq", DType::f32),
                 scalar("strand", DType::u8), str("peak_name"), scalar("peak_id", DType::i64)});
}

Schema marginal_schema(const std::vector<HeadShape>& heads) {
  std::vector<Field> f = {str("motif"),
                          scalar("background", DType::i64),
                          str("background_id"),
                          scalar("background_allele", DType::u8),
                          scalar("spacing", DType::i64),
                          scalar("replicate", DType::i64),
                          scalar("start", DType::i64),
                          str("inserted")};
  for (const auto& h : heads)
    for (const char* part : {".before", ".after", ".diff"}) f.push_back({h.name + part, DType::f32, {h.tracks, h.bins}});
  return Schema(std::move(f));
}

Header make_header(const std::string& kind_name, Schema schema, const nlohmann::json& provenance,
                   const Header* input) {
  Header h;
  h.kind = kind_name;
  h.schema = std::move(schema);
  if (input) h.meta = input->meta;
  h.append_provenance(provenance);
  return h;
}

int zstd_level_for(int option, const ByteSink& sink) {
  if (option >= 0) return option;
  // Between stages on a pipe, compression costs more CPU than it saves;
  // on disk it usually halves the size.
  return sink.is_stdout() ? 0 : 3;
}

std::unique_ptr<Writer> open_writer(const std::string& path, int zstd_option, Header header) {
  auto sink = ByteSink::open(path);
  WriterOptions wo;
  wo.zstd_level = zstd_level_for(zstd_option, *sink);
  return std::make_unique<Writer>(std::move(sink), std::move(header), wo);
}

}  // namespace s2f::stream
