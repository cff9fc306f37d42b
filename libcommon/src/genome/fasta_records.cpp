#include "s2f/genome/fasta_records.hpp"

#include <algorithm>
#include <cctype>

namespace s2f::genome {

namespace {
bool looks_like_bases(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c) || c == '-' || c == '*'; });
}
std::string first_word(std::string_view header) {
  size_t e = header.find_first_of(" \t");
  return std::string(header.substr(0, e));
}
}  // namespace

FastaRecordReader::FastaRecordReader(const std::string& path, BadLines& bad) : lines_(path), bad_(bad) {}

bool FastaRecordReader::next(SequenceRecord& rec) {
  std::string_view line;
  while (!have_pending_) {
    if (!lines_.next(line)) return false;
    if (line.empty()) continue;
    if (line[0] != '>') {
      // Only possible before the first header: later bases are read below.
      bad_.report(line, lines_.where(), "sequence line before the first '>' header",
                  "FASTA records start with a '>name' line");
      continue;
    }
    pending_id_ = first_word(line.substr(1));
    pending_where_ = lines_.where();
    have_pending_ = true;
  }
  rec.id = pending_id_;
  rec.where = pending_where_;
  rec.bases.clear();
  have_pending_ = false;
  while (lines_.next(line)) {
    if (!line.empty() && line[0] == '>') {
      pending_id_ = first_word(line.substr(1));
      pending_where_ = lines_.where();
      have_pending_ = true;
      break;
    }
    if (!looks_like_bases(line)) {
      bad_.report(line, lines_.where(), "FASTA sequence line holds characters that are not bases");
      continue;
    }
    rec.bases.append(line);
  }
  if (rec.id.empty()) rec.id = "record@" + rec.where;
  return true;
}

SequenceLineReader::SequenceLineReader(const std::string& path, BadLines& bad) : lines_(path), bad_(bad) {}

bool SequenceLineReader::next(SequenceRecord& rec) {
  std::string_view line;
  while (lines_.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    std::string_view id = tab == std::string_view::npos ? std::string_view{} : line.substr(0, tab);
    std::string_view seq = tab == std::string_view::npos ? line : line.substr(tab + 1);
    if (seq.empty() || !looks_like_bases(seq)) {
      bad_.report(line, lines_.where(), "sequence line is not SEQ or ID<TAB>SEQ of bases");
      continue;
    }
    rec.where = lines_.where();
    rec.id = id.empty() ? "seq" + std::to_string(lines_.line_number()) : std::string(id);
    rec.bases.assign(seq);
    return true;
  }
  return false;
}

}  // namespace s2f::genome
