// The record kinds the stages exchange (formats/SPEC.md, "Record kinds").
// Each builder returns the canonical schema; producers may append extra
// fields, consumers look fields up by name and ignore ones they do not know.
#pragma once
#include <string>
#include <vector>

#include "s2f/stream/stream.hpp"
#include <nlohmann/json.hpp>

namespace s2f::stream {

namespace kind {
inline constexpr const char* positions = "positions";
inline constexpr const char* intervals = "intervals";
inline constexpr const char* variants = "variants";
inline constexpr const char* sequences = "sequences";
inline constexpr const char* tensors = "tensors";
inline constexpr const char* scores = "scores";
inline constexpr const char* values = "values";
inline constexpr const char* reservoirs = "reservoirs";
inline constexpr const char* contributions = "contributions";
inline constexpr const char* hits = "hits";
inline constexpr const char* ism = "ism";
inline constexpr const char* marginal = "marginal";
}  // namespace kind

// Allele codes in the `allele` field of sequence-derived records.
inline constexpr uint8_t kAlleleNone = '.';
inline constexpr uint8_t kAlleleRef = 'R';
inline constexpr uint8_t kAlleleAlt = 'A';
// A variant's shuffled-flank null windows (s2f-encode --null): after its R/A
// pair, each shuffle's REF and ALT windows, same identity fields.
inline constexpr uint8_t kAlleleNullRef = 'r';
inline constexpr uint8_t kAlleleNullAlt = 'a';

// Locus block shared by most kinds: id, chrom, pos (0-based), strand ('+','-','.').
std::vector<Field> locus_fields();
// Window block carried from sequences through tensors, scores and
// contributions: start (0-based window start, -1 if not genomic), allele,
// ref, alt, ref_match, contains_unk.
std::vector<Field> window_fields();

// Optional fields that say where in its input file a record came from.
// Stages that copy the locus and window blocks copy these too (predict,
// score), so a file's records can be told apart after a run that read
// several, and Selene's row labels survive to the files that need them.
//   source        str  the file's Selene prefix (its name without the last
//                      extension), when one run read several files
//   selene_label  str  the record's Selene row label, tab-separated, before
//                      contains_unk (s2f-encode --selene-labels)
//   category      str  how a sampled position was drawn (s2f-sample-positions:
//                      PLS, dELS, ..., tss, gene_body, intergenic, random);
//                      s2f-score --summary-skip routes background values by it
//   partition     str  its train/validate/test partition
inline constexpr const char* kSourceField = "source";
inline constexpr const char* kSeleneLabelField = "selene_label";
inline constexpr const char* kCategoryField = "category";
inline constexpr const char* kPartitionField = "partition";
// `schema` with the origin fields `from` has appended.
Schema with_origin_fields(Schema schema, const Schema& from);

Schema positions_schema();
Schema intervals_schema();
Schema variants_schema();
Schema sequences_schema(int64_t length);
// heads: one f32 or f16 field per output head, shape [tracks, bins].
struct HeadShape {
  std::string name;
  int64_t tracks = 0, bins = 0;
  DType dtype = DType::f32;
  // > 0: a 2-D head [tracks, map_bins, map_bins] (bins = map_bins²).
  int64_t map_bins = 0;
};
Schema tensors_schema(const std::vector<HeadShape>& heads);
Schema scores_schema(const std::vector<std::string>& statistics, int64_t n_tracks);
Schema values_schema(int64_t n_tracks, int64_t per_track);
Schema reservoirs_schema();
Schema contributions_schema(int64_t length);
Schema hits_schema();
// In silico mutagenesis (s2f-ism): the input window's locus and window
// fields (`allele`, `ref`, `alt` then label the record's edits), the
// mutated window's own `window_allele`, `variant_ref` and `variant_alt`
// (a variant's REF or ALT window; '.' and "" otherwise), `mut_pos`
// (';'-joined 0-based offsets of the edits; "" for the reference record),
// then one f32 field per statistic and head.
Schema ism_schema(const std::vector<HeadShape>& fields);
// One record per (motif, background): motif str, background i64,
// background_id str and background_allele u8 (the input window the
// background is or was shuffled from: its id and R/A/'.'; background_<i>
// and '.' for random backgrounds), spacing i64, replicate i64, start i64, inserted str,
// then per head
// `<head>.before`, `<head>.after`, `<head>.diff` f32 [tracks, bins].
Schema marginal_schema(const std::vector<HeadShape>& heads);

// Header for a stage's output: kind + schema, metadata carried over from the
// input (if any), and the writing stage's provenance entry appended.
Header make_header(const std::string& kind, Schema schema, const nlohmann::json& provenance,
                   const Header* input = nullptr);
// The zstd level a stream written to `sink` gets for the --zstd option
// value `option` (-1 = automatic: 3 for files, off on stdout).
int zstd_level_for(int option, const ByteSink& sink);
// Opens `path` (- = stdout) for a stream with that compression choice.
std::unique_ptr<Writer> open_writer(const std::string& path, int zstd_option, Header header);

}  // namespace s2f::stream
