// Motifs to insert into background sequences: IUPAC strings, or
// position-weight matrices read from MEME (minimal MEME format, as JASPAR
// and tomtom write it) or JASPAR (`>ID NAME` then one `A [ counts ]` row per
// base) files. Either way a motif is a column of A, C, G, T probabilities per
// position, or "keep the background base" (IUPAC N), so one insertion path
// serves both.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "s2f/rng.hpp"

namespace s2f::marginalize {

// The byte an instantiated motif holds where the background base is kept.
inline constexpr char kKeepBackground = '.';

struct Motif {
  std::string name;      // what results are labelled with
  std::string alt_name;  // MEME/JASPAR second name (FOS::JUND), may be empty
  // Per position: P(A), P(C), P(G), P(T); all four zero = keep the background.
  std::vector<std::array<double, 4>> columns;
  size_t length() const { return columns.size(); }
};

// Which letters a motif string may hold. tangermeme one-hot encodes a motif
// string over A, C, G, T, skips N and refuses every other letter, so a
// degenerate code is an error unless asked for (--iupac).
enum class MotifLetters {
  acgtn,  // A C G T, and N (keeps the background base); any case
  iupac,  // also U and R Y S W K M B D H V
};

// A motif string. Degenerate codes (MotifLetters::iupac) spread the
// probability equally over their bases; N keeps the background base. A
// letter outside `letters` fails naming its 1-based position.
Motif parse_iupac(const std::string& text, MotifLetters letters = MotifLetters::acgtn);

// All motifs of a MEME or JASPAR file (the format is recognised from the
// text: MEME files start with "MEME version"). Rows are normalised to sum 1,
// so JASPAR counts and MEME probabilities read alike.
std::vector<Motif> read_motif_file(const std::string& path);
std::vector<Motif> parse_motif_text(const std::string& text, const std::string& where);

// The motif whose name (MEME id / JASPAR id) or alt name is `name`; fails
// naming the file and listing some of the names it has.
const Motif& find_motif(const std::vector<Motif>& motifs, const std::string& name, const std::string& where);

// Bases to insert: the most probable base of each column (ties go to the
// first in A, C, G, T order), or kKeepBackground.
std::string consensus(const Motif& m);
// Bases drawn from each column's probabilities.
std::string sample(const Motif& m, Rng& rng);

}  // namespace s2f::marginalize
