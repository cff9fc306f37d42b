#include "s2f/catalog/track_selector.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

#include "s2f/error.hpp"

namespace s2f::catalog {

namespace {

// How many existing values an error message shows.
constexpr size_t kShownValues = 8;

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Splits on commas not preceded by a backslash; "\," becomes ",".
std::vector<std::string> split_alternatives(const std::string& rhs) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < rhs.size(); ++i) {
    if (rhs[i] == '\\' && i + 1 < rhs.size() && rhs[i + 1] == ',') {
      out.back() += ',';
      ++i;
    } else if (rhs[i] == ',') out.emplace_back();
    else out.back() += rhs[i];
  }
  return out;
}

std::string describe_values(const TrackCatalog& c, size_t col, const std::vector<size_t>& rows) {
  std::set<std::string> seen;
  bool has_null = false;
  for (size_t r : rows) {
    const Cell& v = c.cell(r, col);
    if (v) seen.insert(*v);
    else has_null = true;
  }
  std::string s;
  size_t shown = 0;
  for (const auto& v : seen) {
    if (shown++ == kShownValues) break;
    s += (s.empty() ? "" : ", ") + v;
  }
  if (has_null) s += std::string(s.empty() ? "" : ", ") + "(null)";
  if (seen.size() > kShownValues) s += ", ... (" + std::to_string(seen.size()) + " distinct)";
  return s.empty() ? "no tracks left" : s;
}

}  // namespace

Selection Selection::parse(const std::string& text) {
  std::string t = trim(text);
  // The field ends at the first operator character; values may hold any.
  auto at = t.find_first_of("=!~<>");
  if (at == std::string::npos || at == 0)
    fail_usage("selection '" + text + "' is not field=value (or field!=, ~, !~, <, <=, >, >=)",
               "e.g. transcription_factor=CTCF, strand=+,-, genetically_modified= (null), biosample_name~liver, "
               "nonzero_mean>0.1");
  static const std::pair<const char*, Op> kOps[] = {
      {"!=", Op::not_equal}, {"!~", Op::not_regex}, {"<=", Op::less_equal}, {">=", Op::greater_equal},
      {"=", Op::equal},      {"~", Op::regex},      {"<", Op::less},        {">", Op::greater}};
  Selection s;
  s.text = t;
  s.field = trim(t.substr(0, at));
  size_t op_len = 0;
  for (const auto& [sym, op] : kOps)
    if (t.compare(at, std::char_traits<char>::length(sym), sym) == 0) {
      s.op = op;
      op_len = std::char_traits<char>::length(sym);
      break;
    }
  if (op_len == 0)
    fail_usage("selection '" + text + "' has '" + t.substr(at, 1) + "' where an operator belongs",
               "use =, !=, ~, !~, <, <=, > or >=");
  std::string rhs = t.substr(at + op_len);
  if (s.op == Op::regex || s.op == Op::not_regex) {
    // std::regex compiles recursively: a bound keeps a pasted blob from overflowing the stack.
    constexpr size_t kLongestPattern = 1000;
    if (rhs.size() > kLongestPattern)
      fail_usage("selection '" + s.field + "~...' has a pattern of " + std::to_string(rhs.size()) +
                 " characters (at most " + std::to_string(kLongestPattern) + ")",
                 "use a shorter pattern, or several --select lines");
    s.pattern = rhs;
    try {
      std::regex check(rhs, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      fail_usage("selection '" + text + "': '" + rhs + "' is not a regular expression (" + e.what() + ")",
                 "write an ECMAScript regex, e.g. biosample_name~liver or biosample_name~^(liver|lung)$");
    }
    return s;
  }
  if (s.op != Op::equal && s.op != Op::not_equal) {
    std::string n = trim(rhs);
    char* end = nullptr;
    s.number = n.empty() ? 0 : std::strtod(n.c_str(), &end);
    if (n.empty() || end != n.c_str() + n.size())
      fail_usage("selection '" + text + "' compares with '" + rhs + "', which is not a number",
                 "e.g. nonzero_mean>0.1");
    return s;
  }
  if (rhs.empty()) {
    s.values.push_back(std::nullopt);
    return s;
  }
  // Kept whole as the first alternative; resolved against the catalog.
  s.values.emplace_back(rhs);
  return s;
}

std::vector<Selection> read_select_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_io("cannot open select file " + path, path, "one field=value selection per line");
  std::vector<Selection> out;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    out.push_back(Selection::parse(t));
  }
  return out;
}

const HeadSelection* SelectionResult::head(const std::string& name) const {
  for (const auto& h : heads)
    if (h.head == name) return &h;
  return nullptr;
}

TrackSelector& TrackSelector::where(Selection s) {
  selections_.push_back(std::move(s));
  return *this;
}

TrackSelector& TrackSelector::where_file(const std::string& path) {
  for (auto& s : read_select_file(path)) selections_.push_back(std::move(s));
  return *this;
}

std::vector<bool> TrackSelector::mask() const {
  std::vector<bool> m(catalog_.size(), false);
  for (size_t r : run().rows) m[r] = true;
  return m;
}

SelectionResult TrackSelector::run() const {
  std::vector<size_t> rows(catalog_.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;

  for (const auto& s : selections_) {
    int col = catalog_.find_column(s.field);
    if (col < 0) {
      std::string fields;
      for (const auto& c : catalog_.columns()) fields += (fields.empty() ? "" : ", ") + c;
      fail_usage("unknown catalog field '" + s.field + "' in selection '" + s.text + "'",
                 "fields are: " + fields);
    }
    size_t c = static_cast<size_t>(col);
    std::vector<Cell> wanted;
    if (s.op != Selection::Op::equal && s.op != Selection::Op::not_equal) {
      // nothing to resolve against the catalog
    } else if (s.values.size() == 1 && s.values[0]) {
      // The right-hand side is taken whole when it is an existing value;
      // otherwise it is split into comma-separated alternatives.
      const std::string& rhs = *s.values[0];
      bool whole = false;
      for (size_t r = 0; r < catalog_.size() && !whole; ++r) whole = catalog_.cell(r, c) == rhs;
      if (whole) wanted.emplace_back(rhs);
      else
        for (auto& v : split_alternatives(rhs)) wanted.emplace_back(std::move(v));
    } else wanted = s.values;

    std::optional<std::regex> re;
    if (s.op == Selection::Op::regex || s.op == Selection::Op::not_regex)
      re.emplace(s.pattern, std::regex::ECMAScript | std::regex::icase);
    auto matches = [&](const Cell& cell) {
      using Op = Selection::Op;
      switch (s.op) {
        case Op::equal: return std::find(wanted.begin(), wanted.end(), cell) != wanted.end();
        case Op::not_equal: return std::find(wanted.begin(), wanted.end(), cell) == wanted.end();
        case Op::regex: return std::regex_search(cell.value_or(""), *re);
        case Op::not_regex: return !std::regex_search(cell.value_or(""), *re);
        default: break;
      }
      if (!cell) return false;
      char* end = nullptr;
      double x = std::strtod(cell->c_str(), &end);
      if (cell->empty() || end != cell->c_str() + cell->size() || x != x) return false;
      switch (s.op) {
        case Op::less: return x < s.number;
        case Op::less_equal: return x <= s.number;
        case Op::greater: return x > s.number;
        case Op::greater_equal: return x >= s.number;
        default: return false;
      }
    };
    std::vector<size_t> kept;
    for (size_t r : rows)
      if (matches(catalog_.cell(r, c))) kept.push_back(r);
    if (kept.empty() && !allow_empty_)
      fail_input("no track matches " + s.text + (selections_.size() > 1 ? " (with the selections before it)" : ""),
                 "values of " + s.field + ": " + describe_values(catalog_, c, rows),
                 "use one of the listed values, or allow an empty selection");
    rows = std::move(kept);
  }

  SelectionResult out;
  out.rows = rows;
  std::vector<bool> chosen(catalog_.size(), false);
  for (size_t r : rows) chosen[r] = true;
  for (const auto& h : catalog_.heads()) {
    HeadSelection hs;
    hs.head = h.name;
    for (size_t p = 0; p < h.rows.size(); ++p) {
      size_t r = h.rows[p];
      if (!chosen[r]) continue;
      hs.rows.push_back(r);
      hs.positions.push_back(p);
      hs.channels.push_back(catalog_.channel(r));
    }
    if (!hs.rows.empty()) out.heads.push_back(std::move(hs));
  }
  return out;
}

}  // namespace s2f::catalog
