// Sequences to encode as they are, not cut from a genome: records of a FASTA
// file (read one at a time, so memory follows the longest record) or raw
// sequences, one per line as `SEQ` or `ID<TAB>SEQ`.
#pragma once
#include <string>

#include "s2f/genome/text_lines.hpp"

namespace s2f::genome {

struct SequenceRecord {
  std::string id;
  std::string bases;  // as written; normalised when windowed
  std::string where;
};

class FastaRecordReader {
 public:
  FastaRecordReader(const std::string& path, BadLines& bad);
  bool next(SequenceRecord& rec);

 private:
  TextLines lines_;
  BadLines& bad_;
  std::string pending_id_, pending_where_;
  bool have_pending_ = false;
};

class SequenceLineReader {
 public:
  SequenceLineReader(const std::string& path, BadLines& bad);
  bool next(SequenceRecord& rec);

 private:
  TextLines lines_;
  BadLines& bad_;
};

}  // namespace s2f::genome
