// Choosing tracks by metadata, with AlphaGenome's select() semantics:
//   field=value      exact match on the cell text
//   field=a,b        any of the values (a comma inside a value is written \,;
//                    a right-hand side that is itself an existing value of
//                    the field is taken whole, so "biosample_name=CD14-positive,
//                    CD16-negative classical monocyte" works unescaped)
//   field=           the cell is missing/null
// and, where an exact match is not enough (AlphaGenome's predicate=):
//   field!=a,b       none of the values (field!= : the cell is not null)
//   field~REGEX      the cell contains a match of REGEX, case-insensitive
//                    (ECMAScript; a null cell reads as ""): biosample_name~liver
//   field!~REGEX     no match
//   field>X, >=, <, <=   numeric comparison (null or non-numeric cells never
//                    match): nonzero_mean>0.1
// Several selections are ANDed. A select file holds one selection per line
// ('#' comments and blank lines ignored).
//
// The result lists, per head, the catalog rows and the tensor channels in
// catalog order, so slicing tensor channels and catalog rows together keeps
// them aligned.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"

namespace s2f::catalog {

struct Selection {
  enum class Op { equal, not_equal, regex, not_regex, less, less_equal, greater, greater_equal };
  std::string field;
  Op op = Op::equal;
  double number = 0;   // right-hand side of a numeric comparison
  std::string pattern; // right-hand side of ~ and !~
  std::vector<std::optional<std::string>> values;  // nullopt = matches null
  std::string text;                                // as written, for messages

  // Throws a usage error when `text` has no operator, a comparison's
  // right-hand side is not a number or a pattern is not a regex.
  static Selection parse(const std::string& text);
};

// Reads a select file (one selection per line).
std::vector<Selection> read_select_file(const std::string& path);

struct HeadSelection {
  std::string head;
  std::vector<size_t> rows;       // catalog rows
  std::vector<size_t> positions;  // positions within the head's track list
  std::vector<int64_t> channels;  // raw tensor channels (track_index)
};

struct SelectionResult {
  std::vector<size_t> rows;  // all matching rows, catalog order
  std::vector<HeadSelection> heads;  // heads with at least one match
  size_t count() const { return rows.size(); }
  const HeadSelection* head(const std::string& name) const;
};

class TrackSelector {
 public:
  explicit TrackSelector(const TrackCatalog& catalog) : catalog_(catalog) {}
  TrackSelector& where(Selection s);
  TrackSelector& where(const std::string& text) { return where(Selection::parse(text)); }
  TrackSelector& where_file(const std::string& path);
  // An empty result is an error (naming the field that emptied it and a few
  // of its existing values) unless allowed.
  TrackSelector& allow_empty(bool on = true) {
    allow_empty_ = on;
    return *this;
  }
  // Unknown fields are an error listing the catalog's fields.
  SelectionResult run() const;
  // True per catalog row.
  std::vector<bool> mask() const;

 private:
  const TrackCatalog& catalog_;
  std::vector<Selection> selections_;
  bool allow_empty_ = false;
};

}  // namespace s2f::catalog
