// The track catalog: one row of metadata per output channel of a model
// (AlphaGenome's "named outputs"), so tracks are chosen by biology (assay,
// tissue, TF) instead of channel numbers. Rows are grouped into heads by
// `output_type`; a head may be predicted at several resolutions, which all
// share its one track list.
//
// Catalogs are read from TSV or CSV (one header line; an empty cell is
// null), or by name from the catalogs s2f ships (catalog_files.hpp), and
// travel in stream headers as compact JSON under meta["tracks"]:
//   {"columns": ["track_index", "track_name", ...],
//    "rows": [["0", "CL:0000084 ATAC-seq", ...], ...],  // text as in the TSV, null if empty
//    "resolutions": {"atac": [1, 128], ...},            // optional
//    "padding": "stripped" | "kept",                     // whether rows hold padding tracks
//    "padding_rows": N}
// Column names are written once, so a 6,000-track catalog stays ~1 MB.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace s2f::catalog {

// Columns the catalog relies on; every other column is kept as is.
inline constexpr const char* kTrackIndex = "track_index";  // channel in the raw head tensor
inline constexpr const char* kTrackName = "track_name";
inline constexpr const char* kOutputType = "output_type";  // the head
inline constexpr const char* kStrand = "strand";
inline constexpr const char* kTrackId = "track_id";        // optional explicit identifier
// Padding channels exist so both organisms share tensor shapes. The real
// catalogs spell the name "Padding" and, once, "padding": the test ignores
// case, as AlphaGenome's own (name.str.lower() == 'padding').
inline constexpr const char* kPaddingName = "Padding";
bool is_padding_name(const std::string& track_name);

using Cell = std::optional<std::string>;

struct LoadOptions {
  // Padding rows are dropped unless kept; kept rows answer is_padding().
  bool keep_padding = false;
  // Refuse two rows for one channel of a head (same output_type and
  // track_index) or with the same track id; always on for load_tsv (files
  // people write), off for catalogs built in code.
  bool unique_tracks = false;
};

// A group of rows sharing one output_type, in catalog order.
struct Head {
  std::string name;
  std::vector<int> resolutions;  // bp per bin; empty when unknown
  std::vector<size_t> rows;      // catalog rows of this head
};

class TrackCatalog {
 public:
  TrackCatalog() = default;
  // A catalog file: TSV, or CSV when named *.csv (a Parquet file is refused
  // with how to convert it); zstd-compressed when named *.zst. Throws
  // bad_input (with file:line) on ragged rows or missing columns.
  static TrackCatalog load_tsv(const std::string& path, LoadOptions options = {});
  // A file as load_tsv, or a catalog s2f ships, by name ("alphagenome:human").
  static TrackCatalog load(const std::string& path_or_name, LoadOptions options = {});
  // Also refuses: cells that are not UTF-8; rows shorter than the header
  // that lack a column the catalog relies on (track_index, track_name,
  // output_type, strand, track_id; other trailing cells may be left out and
  // read as null); repeated tracks when options.unique_tracks.
  static TrackCatalog parse_tsv(const std::string& text, const std::string& where, LoadOptions options = {});
  // The same rules over comma-separated text (RFC 4180 quoting).
  static TrackCatalog parse_csv(const std::string& text, const std::string& where, LoadOptions options = {});
  // `source` names where the JSON came from, for messages.
  static TrackCatalog from_json(const nlohmann::json& j, const std::string& source = "stream header meta.tracks");
  nlohmann::json to_json() const;
  // The catalog as TSV: its own columns, one row per track (as parse_tsv reads).
  std::string to_tsv() const;

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const std::vector<std::string>& columns() const { return columns_; }
  // Index of a column, or -1.
  int find_column(const std::string& name) const;
  const Cell& cell(size_t row, size_t column) const { return rows_[row][column]; }
  // Cell by column name; nullopt when the column is absent or the cell null.
  Cell get(size_t row, const std::string& column) const;

  // Whether the rows hold padding tracks (what meta.tracks.padding says).
  bool padding_kept() const { return padding_rows() > 0; }
  size_t padding_rows() const;
  bool is_padding(size_t row) const;
  std::vector<bool> padding_mask() const;  // true = real track
  // A copy without padding rows.
  TrackCatalog strip_padding() const;
  // A copy holding `rows` in the given order (heads follow the rows).
  TrackCatalog subset(const std::vector<size_t>& rows) const;

  // Unique, stable identifier: the track_id column when present, else
  // "<output_type>/<track_name>" plus "/<strand>" for stranded tracks, and
  // "/<track_index>" for padding rows (which all share one name).
  std::string track_id(size_t row) const;
  std::vector<std::string> track_ids() const;
  // Channel of the row in its head's raw tensor (track_index column; the
  // position within the head when the column is absent).
  int64_t channel(size_t row) const;
  // Where a row came from, for messages: "file:line" for catalogs read from
  // TSV, "<source> row N" otherwise.
  std::string where(size_t row) const;
  // The file (or "stream header") the catalog was read from.
  const std::string& source() const { return source_; }

  // Heads in order of first appearance.
  const std::vector<Head>& heads() const { return heads_; }
  // Throws bad_input listing the heads when `name` is not one.
  const Head& head(const std::string& name) const;
  void set_resolutions(const std::string& head, std::vector<int> resolutions);

 private:
  static TrackCatalog from_json_checked(const nlohmann::json& j, const std::string& source);
  static TrackCatalog parse_table(const std::string& text, const std::string& where, LoadOptions options, bool csv);
  void index_heads();
  std::vector<std::string> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::vector<Head> heads_;
  std::map<std::string, std::vector<int>> resolutions_;
  std::string source_ = "track catalog";
  std::vector<size_t> lines_;  // TSV line of each row (empty when not from TSV)
};

}  // namespace s2f::catalog
