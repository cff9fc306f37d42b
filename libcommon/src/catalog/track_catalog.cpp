#include "s2f/catalog/track_catalog.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "s2f/error.hpp"
#include "s2f/utf8.hpp"

namespace s2f::catalog {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t b = 0;
  for (;;) {
    size_t e = line.find('\t', b);
    out.push_back(line.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return out;
}

// RFC 4180 cells of one line: a quoted cell may hold commas and doubled
// quotes (pandas quotes "CD14-positive, CD16-negative ..." this way). A
// quote left open at the end of the line is an error: catalog cells never
// span lines.
std::vector<std::string> split_csv(const std::string& line, const std::string& at) {
  std::vector<std::string> out(1);
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (quoted) {
      if (ch != '"') out.back() += ch;
      else if (i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else quoted = false;
    } else if (ch == ',') {
      out.emplace_back();
      was_quoted = false;
    } else if (ch == '"' && out.back().empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else out.back() += ch;
  }
  if (quoted)
    fail_input("a quoted cell is not closed on its line", at,
               "close the quote (a quote inside a quoted cell is written \"\"); cells cannot span lines");
  return out;
}

}  // namespace

std::string TrackCatalog::to_tsv() const {
  std::string s;
  for (size_t c = 0; c < columns_.size(); ++c) s += (c ? "\t" : "") + columns_[c];
  s += "\n";
  for (size_t r = 0; r < size(); ++r) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c) s += '\t';
      if (const auto& v = cell(r, c)) s += *v;
    }
    s += '\n';
  }
  return s;
}

bool is_padding_name(const std::string& name) {
  static const std::string padding = "padding";
  if (name.size() != padding.size()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (static_cast<char>(std::tolower(static_cast<unsigned char>(name[i]))) != padding[i]) return false;
  return true;
}

TrackCatalog TrackCatalog::parse_tsv(const std::string& text, const std::string& where, LoadOptions options) {
  return parse_table(text, where, options, false);
}

TrackCatalog TrackCatalog::parse_csv(const std::string& text, const std::string& where, LoadOptions options) {
  return parse_table(text, where, options, true);
}

TrackCatalog TrackCatalog::parse_table(const std::string& text, const std::string& where, LoadOptions options,
                                       bool csv) {
  TrackCatalog c;
  c.source_ = where;
  std::istringstream in(text);
  std::string line;
  size_t line_no = 0;
  int name_col = -1;
  std::map<std::string, size_t> channel_line, id_line;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string at = where + ":" + std::to_string(line_no);
    auto cells = csv ? split_csv(line, at) : split_tabs(line);
    for (size_t i = 0; i < cells.size(); ++i)
      require_utf8(cells[i], c.columns_.empty() ? "column name" : "cell " + std::to_string(i + 1), at);
    if (c.columns_.empty()) {
      c.columns_ = cells;
      name_col = c.find_column(kTrackName);
      if (c.find_column(kOutputType) < 0) {
        // A comma-separated file read as TSV would have one long column name.
        if (!csv && cells.size() == 1 && line.find(',') != std::string::npos)
          fail_input("track catalog has no '" + std::string(kOutputType) +
                         "' column: its header line has commas but no tabs", at,
                     "name a comma-separated catalog *.csv, or convert it to tab-separated");
        fail_input("track catalog has no '" + std::string(kOutputType) + "' column", at,
                   "the header must name the head of each track (atac, dnase, ...)");
      }
      continue;
    }
    if (cells.size() > c.columns_.size())
      fail_input("row has " + std::to_string(cells.size()) + " cells but the header has " +
                     std::to_string(c.columns_.size()) + " columns",
                 at, csv ? "quote cells that hold commas, or add a column name"
                         : "remove the extra tabs or add a column name");
    if (cells.size() < c.columns_.size())
      for (const char* key : {kTrackIndex, kTrackName, kOutputType, kStrand, kTrackId}) {
        int k = c.find_column(key);
        if (k >= static_cast<int>(cells.size()))
          fail_input("row has " + std::to_string(cells.size()) + " cells but the header has " +
                         std::to_string(c.columns_.size()) + " columns, so it has no '" + key + "' (column " +
                         std::to_string(k + 1) + ")",
                     at, "a tab is missing or was replaced by spaces; give every row one cell per column");
      }
    std::vector<Cell> row(c.columns_.size());
    for (size_t i = 0; i < cells.size(); ++i)
      if (!cells[i].empty()) row[i] = std::move(cells[i]);
    bool padding = name_col >= 0 && row[static_cast<size_t>(name_col)] &&
                   is_padding_name(*row[static_cast<size_t>(name_col)]);
    // One channel of a head, or one track id, on two rows would make the
    // track appear twice downstream.
    auto cell_of = [&](const char* col) -> std::string {
      int k = c.find_column(col);
      return k < 0 ? std::string() : row[static_cast<size_t>(k)].value_or("");
    };
    if (options.unique_tracks && c.find_column(kTrackIndex) >= 0) {
      std::string key = cell_of(kOutputType) + "\t" + cell_of(kTrackIndex);
      auto [it, fresh] = channel_line.emplace(key, line_no);
      if (!fresh)
        fail_input("output_type '" + cell_of(kOutputType) + "' track_index " + cell_of(kTrackIndex) +
                       " is on line " + std::to_string(it->second) + " and again on line " + std::to_string(line_no),
                   at, "remove the repeated row (each channel of a head is described once)");
    }
    std::string name = cell_of(kTrackName);
    if (options.unique_tracks && !padding) {
      std::string id = cell_of(kTrackId);
      if (id.empty()) {
        id = cell_of(kOutputType) + "/" + name;
        std::string strand = cell_of(kStrand);
        if (!strand.empty() && strand != ".") id += "/" + strand;
      }
      auto [it, fresh] = id_line.emplace(id, line_no);
      if (!fresh)
        fail_input("track '" + id + "' is on line " + std::to_string(it->second) + " and again on line " +
                       std::to_string(line_no),
                   at, "remove the repeated row or tell the tracks apart (track_name, strand or track_id)");
    }
    if (padding && !options.keep_padding) continue;
    c.rows_.push_back(std::move(row));
    c.lines_.push_back(line_no);
  }
  if (c.columns_.empty()) fail_input("track catalog is empty (no header line)", where,
                                        "give a TSV whose first line names the columns (track_index, output_type, ...)");
  c.index_heads();
  return c;
}

std::string TrackCatalog::where(size_t row) const {
  if (row < lines_.size()) return source_ + ":" + std::to_string(lines_[row]);
  return source_ + " row " + std::to_string(row + 1);
}

TrackCatalog TrackCatalog::from_json(const nlohmann::json& j, const std::string& source) {
  try {
    return from_json_checked(j, source);
  } catch (const nlohmann::json::exception& e) {  // a cell of the wrong JSON type
    fail_input(std::string("the track catalog is malformed: ") + e.what(), source, "rewrite it with s2f");
  }
}

TrackCatalog TrackCatalog::from_json_checked(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object() || !j.contains("columns") || !j.contains("rows") || !j["columns"].is_array() ||
      !j["rows"].is_array())
    fail_input("meta.tracks is not a track catalog (needs 'columns' and 'rows' arrays)", source);
  TrackCatalog c;
  c.source_ = source;
  for (const auto& col : j["columns"]) c.columns_.push_back(col.get<std::string>());
  for (const auto& r : j["rows"]) {
    if (!r.is_array() || r.size() != c.columns_.size())
      fail_input("catalog row " + std::to_string(c.rows_.size() + 1) + " does not have one cell per column", source);
    std::vector<Cell> row;
    row.reserve(r.size());
    for (const auto& v : r) {
      if (v.is_null()) row.emplace_back();
      else if (v.is_string()) row.emplace_back(v.get<std::string>());
      else row.emplace_back(v.dump());
    }
    c.rows_.push_back(std::move(row));
  }
  if (j.contains("resolutions") && j["resolutions"].is_object())
    for (auto it = j["resolutions"].begin(); it != j["resolutions"].end(); ++it)
      c.resolutions_[it.key()] = it.value().get<std::vector<int>>();
  c.index_heads();
  return c;
}

nlohmann::json TrackCatalog::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : rows_) {
    nlohmann::json row = nlohmann::json::array();
    for (const auto& cell : r) row.push_back(cell ? nlohmann::json(*cell) : nlohmann::json());
    rows.push_back(std::move(row));
  }
  // What the rows hold, not what was asked: a reader trusts this field.
  const size_t padding = padding_rows();
  nlohmann::json j = {{"columns", columns_}, {"rows", std::move(rows)},
                      {"padding", padding ? "kept" : "stripped"}, {"padding_rows", padding}};
  if (!resolutions_.empty()) j["resolutions"] = resolutions_;
  return j;
}

int TrackCatalog::find_column(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return static_cast<int>(i);
  return -1;
}

Cell TrackCatalog::get(size_t row, const std::string& column) const {
  int c = find_column(column);
  return c < 0 ? Cell{} : rows_[row][static_cast<size_t>(c)];
}

bool TrackCatalog::is_padding(size_t row) const {
  auto name = get(row, kTrackName);
  return name && is_padding_name(*name);
}

size_t TrackCatalog::padding_rows() const {
  size_t n = 0;
  for (size_t i = 0; i < rows_.size(); ++i) n += is_padding(i);
  return n;
}

std::vector<bool> TrackCatalog::padding_mask() const {
  std::vector<bool> m(rows_.size());
  for (size_t i = 0; i < rows_.size(); ++i) m[i] = !is_padding(i);
  return m;
}

TrackCatalog TrackCatalog::subset(const std::vector<size_t>& rows) const {
  TrackCatalog c;
  c.columns_ = columns_;
  c.resolutions_ = resolutions_;
  c.source_ = source_;
  c.rows_.reserve(rows.size());
  for (size_t r : rows) {
    c.rows_.push_back(rows_.at(r));
    if (r < lines_.size()) c.lines_.push_back(lines_[r]);
  }
  if (c.lines_.size() != c.rows_.size()) c.lines_.clear();
  c.index_heads();
  return c;
}

TrackCatalog TrackCatalog::strip_padding() const {
  std::vector<size_t> keep;
  for (size_t i = 0; i < rows_.size(); ++i)
    if (!is_padding(i)) keep.push_back(i);
  return subset(keep);
}

std::string TrackCatalog::track_id(size_t row) const {
  if (auto id = get(row, kTrackId)) return *id;
  std::string id = get(row, kOutputType).value_or("") + "/" + get(row, kTrackName).value_or("");
  auto strand = get(row, kStrand);
  if (strand && *strand != ".") id += "/" + *strand;
  if (is_padding(row)) id += "/" + std::to_string(channel(row));
  return id;
}

std::vector<std::string> TrackCatalog::track_ids() const {
  std::vector<std::string> ids;
  ids.reserve(rows_.size());
  for (size_t i = 0; i < rows_.size(); ++i) ids.push_back(track_id(i));
  return ids;
}

int64_t TrackCatalog::channel(size_t row) const {
  if (auto v = get(row, kTrackIndex)) {
    int64_t x = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), x);
    if (r.ec == std::errc{} && r.ptr == v->data() + v->size()) return x;
    fail_input("track_index '" + *v + "' is not an integer", where(row), "give the channel number in the head's tensor");
  }
  auto head_name = get(row, kOutputType).value_or("");
  const auto& rows = head(head_name).rows;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i] == row) return static_cast<int64_t>(i);
  return -1;
}

const Head& TrackCatalog::head(const std::string& name) const {
  for (const auto& h : heads_)
    if (h.name == name) return h;
  std::string have;
  for (const auto& h : heads_) have += (have.empty() ? "" : ", ") + h.name;
  fail_input("no head '" + name + "' in the track catalog (heads: " + have + ")", source_,
             "use one of the listed heads");
}

void TrackCatalog::set_resolutions(const std::string& head_name, std::vector<int> resolutions) {
  resolutions_[head_name] = std::move(resolutions);
  index_heads();
}

void TrackCatalog::index_heads() {
  heads_.clear();
  int col = find_column(kOutputType);
  std::map<std::string, size_t> at;
  for (size_t r = 0; r < rows_.size(); ++r) {
    std::string name = col < 0 ? std::string() : rows_[r][static_cast<size_t>(col)].value_or("");
    auto it = at.find(name);
    if (it == at.end()) {
      it = at.emplace(name, heads_.size()).first;
      Head h;
      h.name = name;
      if (auto res = resolutions_.find(name); res != resolutions_.end()) h.resolutions = res->second;
      heads_.push_back(std::move(h));
    }
    heads_[it->second].rows.push_back(r);
  }
}

}  // namespace s2f::catalog
