#include "s2f/marginalize/motif.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/text_excerpt.hpp"
#include "s2f/utf8.hpp"

namespace s2f::marginalize {

using genome::kBases;

namespace {

// IUPAC code -> the bases it allows (bit 0 = A … bit 3 = T); 0 = not a code.
unsigned iupac_bases(char c) {
  switch (std::toupper(static_cast<unsigned char>(c))) {
    case 'A': return 1;
    case 'C': return 2;
    case 'G': return 4;
    case 'T': case 'U': return 8;
    case 'R': return 1 | 4;
    case 'Y': return 2 | 8;
    case 'S': return 2 | 4;
    case 'W': return 1 | 8;
    case 'K': return 4 | 8;
    case 'M': return 1 | 2;
    case 'B': return 2 | 4 | 8;
    case 'D': return 1 | 4 | 8;
    case 'H': return 1 | 2 | 8;
    case 'V': return 1 | 2 | 4;
    case 'N': return 15;
    default: return 0;
  }
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Numbers on a line, with JASPAR's brackets and base letter allowed around them.
bool parse_numbers(std::string line, std::vector<double>& out) {
  out.clear();
  for (auto& c : line)
    if (c == '[' || c == ']' || c == '\t') c = ' ';
  std::istringstream in(line);
  std::string tok;
  while (in >> tok) {
    char* end = nullptr;
    double v = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0') return false;
    out.push_back(v);
  }
  return !out.empty();
}

// Normalises a column to probabilities; fails on negative or all-zero rows.
std::array<double, 4> probabilities(std::array<double, 4> col, const std::string& where) {
  double sum = 0;
  for (double v : col) {
    if (!(v >= 0) || !std::isfinite(v)) fail_input("motif matrix has a negative or non-finite value", where);
    sum += v;
  }
  if (sum <= 0) fail_input("motif matrix has a position whose values are all zero", where);
  for (auto& v : col) v /= sum;
  return col;
}

std::vector<Motif> parse_meme(const std::vector<std::string>& lines, const std::string& where) {
  std::vector<Motif> motifs;
  std::vector<size_t> motif_lines;  // line of each MOTIF
  std::vector<double> nums;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trim(lines[i]);
    const std::string at = where + ":" + std::to_string(i + 1);
    if (starts_with(line, "ALPHABET")) {
      auto eq = line.find('=');
      std::string alphabet = eq == std::string::npos ? "" : trim(line.substr(eq + 1));
      if (alphabet != "ACGT")
        fail_input("MEME alphabet '" + alphabet + "' is not ACGT", at, "marginalization needs DNA motifs");
      continue;
    }
    if (starts_with(line, "MOTIF")) {
      std::istringstream in(line.substr(5));
      Motif m;
      in >> m.name >> m.alt_name;
      if (m.name.empty()) fail_input("MOTIF line without a name", at);
      require_utf8(m.name, "motif id", at);
      require_utf8(m.alt_name, "motif name", at);
      motifs.push_back(std::move(m));
      motif_lines.push_back(i + 1);
      continue;
    }
    if (starts_with(line, "letter-probability matrix")) {
      if (motifs.empty()) fail_input("letter-probability matrix before any MOTIF line", at);
      auto& m = motifs.back();
      if (!m.columns.empty()) fail_input("motif " + m.name + " has two matrices", at);
      int64_t width = -1;
      auto w = line.find("w=");
      if (w != std::string::npos) width = std::strtoll(line.c_str() + w + 2, nullptr, 10);
      auto al = line.find("alength=");
      if (al != std::string::npos && std::strtoll(line.c_str() + al + 8, nullptr, 10) != 4)
        fail_input("motif " + m.name + " is not over 4 letters (alength)", at);
      while (i + 1 < lines.size() && (width < 0 || static_cast<int64_t>(m.columns.size()) < width)) {
        std::string row = trim(lines[i + 1]);
        if (row.empty() && width >= 0) {  // blank lines inside a matrix are tolerated
          ++i;
          continue;
        }
        if (!parse_numbers(row, nums)) break;
        ++i;
        const std::string row_at = where + ":" + std::to_string(i + 1);
        if (nums.size() != 4)
          fail_input("motif " + m.name + " row has " + std::to_string(nums.size()) + " values, expected 4", row_at,
                     "write each matrix row as 4 probabilities (A C G T)");
        m.columns.push_back(probabilities({nums[0], nums[1], nums[2], nums[3]}, row_at));
      }
      if (width >= 0 && static_cast<int64_t>(m.columns.size()) != width) {
        // The matrix stopped early at a line that is not numbers: name that line.
        const std::string next = i + 1 < lines.size() ? trim(lines[i + 1]) : std::string();
        if (!next.empty() && !starts_with(next, "MOTIF"))
          fail_input("motif " + m.name + " matrix row '" + text_excerpt(next) + "' is not 4 numbers",
                     where + ":" + std::to_string(i + 2), "write each matrix row as 4 probabilities (A C G T)");
        fail_input("motif " + m.name + " declares w= " + std::to_string(width) + " but has " +
                       std::to_string(m.columns.size()) + " rows",
                   at, "set w= to the number of matrix rows");
      }
      // w= smaller than the matrix: the rows after the first w would be
      // dropped without a word; count them and refuse.
      size_t extra = 0;
      for (size_t k = i + 1; k < lines.size(); ++k) {
        std::string row = trim(lines[k]);
        if (row.empty()) continue;
        if (!parse_numbers(row, nums)) break;
        ++extra;
      }
      if (extra > 0)
        fail_input("motif " + m.name + " declares w= " + std::to_string(width) + " but its matrix has " +
                       std::to_string(m.columns.size() + extra) + " rows",
                   at, "set w= to the number of matrix rows");
    }
  }
  for (size_t k = 0; k < motifs.size(); ++k)
    if (motifs[k].columns.empty())
      fail_input("motif " + motifs[k].name + " has no letter-probability matrix", where + ":" + std::to_string(motif_lines[k]));
  std::map<std::string, size_t> first;
  for (size_t k = 0; k < motifs.size(); ++k) {
    auto [it, fresh] = first.emplace(motifs[k].name, motif_lines[k]);
    if (!fresh)
      fail_input("motif id '" + motifs[k].name + "' is used twice, on lines " + std::to_string(it->second) + " and " +
                     std::to_string(motif_lines[k]),
                 where + ":" + std::to_string(motif_lines[k]), "give each MOTIF a distinct id");
  }
  return motifs;
}

std::vector<Motif> parse_jaspar(const std::vector<std::string>& lines, const std::string& where) {
  std::vector<Motif> motifs;
  std::vector<std::vector<double>> rows;
  std::vector<double> nums;
  size_t header_line = 0;
  auto finish = [&] {
    if (motifs.empty()) return;
    auto& m = motifs.back();
    const std::string at = where + ":" + std::to_string(header_line);
    if (rows.size() != 4)
      fail_input("JASPAR motif " + m.name + " has " + std::to_string(rows.size()) + " rows, expected 4 (A C G T)", at);
    for (const auto& r : rows)
      if (r.size() != rows[0].size()) fail_input("JASPAR motif " + m.name + " has rows of different lengths", at);
    for (size_t j = 0; j < rows[0].size(); ++j) m.columns.push_back(probabilities({rows[0][j], rows[1][j], rows[2][j], rows[3][j]}, at));
    if (m.columns.empty()) fail_input("JASPAR motif " + m.name + " has no columns", at);
    rows.clear();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '>') {
      finish();
      std::istringstream in(line.substr(1));
      Motif m;
      in >> m.name >> m.alt_name;
      if (m.name.empty()) fail_input("JASPAR header without a name", where + ":" + std::to_string(i + 1));
      require_utf8(m.name, "motif id", where + ":" + std::to_string(i + 1));
      require_utf8(m.alt_name, "motif name", where + ":" + std::to_string(i + 1));
      motifs.push_back(std::move(m));
      header_line = i + 1;
      continue;
    }
    const std::string at = where + ":" + std::to_string(i + 1);
    if (motifs.empty()) fail_input("matrix row before any '>' header", at, "JASPAR files start each motif with '>ID NAME'");
    // Rows are in A, C, G, T order; a leading base letter must agree.
    char base = static_cast<char>(std::toupper(static_cast<unsigned char>(line[0])));
    if (std::isalpha(static_cast<unsigned char>(line[0]))) {
      if (rows.size() >= 4 || base != kBases[rows.size()])
        fail_input(std::string("JASPAR row for base ") + base + " out of A, C, G, T order", at);
      line = line.substr(1);
    }
    if (!parse_numbers(line, nums)) fail_input("cannot read the numbers of a JASPAR matrix row", at);
    rows.push_back(nums);
  }
  finish();
  return motifs;
}

}  // namespace

Motif parse_iupac(const std::string& text, MotifLetters letters) {
  if (text.empty()) fail_usage("empty --motif");
  Motif m;
  m.name = text;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned bases = iupac_bases(text[i]);
    if (!bases)
      fail_usage("motif '" + text + "' has '" + std::string(1, text[i]) + "' at position " + std::to_string(i + 1) +
                     ", which is not an IUPAC nucleotide code",
                 "use A C G T, or N to keep the background base (or name a motif of a --motif-file)");
    const bool plain = __builtin_popcount(bases) == 1 || bases == 15;
    const bool uracil = std::toupper(static_cast<unsigned char>(text[i])) == 'U';
    if (letters == MotifLetters::acgtn && (!plain || uracil))
      fail_usage("motif '" + text + "' has the IUPAC code '" + std::string(1, text[i]) + "' at position " +
                     std::to_string(i + 1) + "; motif strings are A, C, G, T and N (as tangermeme one-hot encodes them)",
                 "add --iupac to insert, for each degenerate code, the first of its bases in A,C,G,T order (or, "
                 "with --sample, a uniformly drawn one), or give the motif as a --motif-matrix");
    std::array<double, 4> col{};
    if (bases != 15) {
      int k = __builtin_popcount(bases);
      for (int b = 0; b < 4; ++b)
        if (bases & (1u << b)) col[static_cast<size_t>(b)] = 1.0 / k;
    }
    m.columns.push_back(col);
  }
  return m;
}

std::vector<Motif> parse_motif_text(const std::string& text, const std::string& where) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  size_t first = 0;
  while (first < lines.size() && trim(lines[first]).empty()) ++first;
  if (first == lines.size())
    fail_input("motif file is empty", where, "give a MEME or JASPAR motif file (MEME files start with 'MEME version')");
  const std::string head = trim(lines[first]);
  std::vector<Motif> motifs;
  if (starts_with(head, "MEME version")) motifs = parse_meme(lines, where);
  else if (head[0] == '>') motifs = parse_jaspar(lines, where);
  else
    fail_input("not a MEME or JASPAR motif file (it starts with '" + text_excerpt(head, 40) + "')", where,
               "MEME files start with 'MEME version', JASPAR files with '>ID NAME'");
  if (motifs.empty()) fail_input("motif file has no motifs", where);
  return motifs;
}

std::vector<Motif> read_motif_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail_io("cannot open motif file", path, "check the --motif-file path");
  std::ostringstream text;
  text << f.rdbuf();
  return parse_motif_text(text.str(), path);
}

const Motif& find_motif(const std::vector<Motif>& motifs, const std::string& name, const std::string& where) {
  for (const auto& m : motifs)
    if (m.name == name) return m;
  for (const auto& m : motifs)
    if (!m.alt_name.empty() && m.alt_name == name) return m;
  std::string have;
  const size_t show = 8;
  for (size_t i = 0; i < motifs.size() && i < show; ++i)
    have += (i ? ", " : "") + motifs[i].name + (motifs[i].alt_name.empty() ? "" : " (" + motifs[i].alt_name + ")");
  if (motifs.size() > show) have += ", … (" + std::to_string(motifs.size()) + " in all)";
  fail_usage("no motif named '" + name + "' in " + where + "; it has " + have,
             "give a motif id or alt name from the file");
}

std::string consensus(const Motif& m) {
  std::string s;
  for (const auto& col : m.columns) {
    size_t best = 0;
    for (size_t b = 1; b < 4; ++b)
      if (col[b] > col[best]) best = b;
    s.push_back(col[best] > 0 ? kBases[best] : kKeepBackground);
  }
  return s;
}

std::string sample(const Motif& m, Rng& rng) {
  std::string s;
  for (const auto& col : m.columns) {
    if (col[0] + col[1] + col[2] + col[3] <= 0) {
      s.push_back(kKeepBackground);
      continue;
    }
    double u = rng.unit(), acc = 0;
    size_t b = 0, last = 0;
    for (; b < 4; ++b) {
      if (col[b] <= 0) continue;
      last = b;
      acc += col[b];
      if (u < acc) break;
    }
    s.push_back(kBases[b < 4 ? b : last]);  // rounding: u beyond the sum takes the last allowed base
  }
  return s;
}

}  // namespace s2f::marginalize
