// What a marginalization run predicts: one Experiment per output record, a
// background sequence with segments written over it. The builders here turn
// the stage's modes into experiments, in the order records are written
// (motif-major, then background):
//   motif      each motif alone at its start (default: centred as tangermeme,
//              L/2 - m/2 with integer division); a numeric motif
//              (--motif-matrix) writes its values into the one-hot columns;
//              a per-background list puts motif i into background i
//   spacing    motif 1 at its start, each next motif `gap` bases after the end
//              of the one before (gap = next.start - previous.end)
//   annotation the source sequence's bases [start, end) written at the same
//              place in each background (tangermeme marginalize_annotations)
//   ablation   [start, end) of each input replaced by its dinucleotide shuffle
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "s2f/marginalize/motif.hpp"
#include "s2f/marginalize/motif_matrix.hpp"
#include "s2f/rng.hpp"

namespace s2f::marginalize {

// Bases written over a background from `start`; kKeepBackground keeps one.
// A numeric motif's segment also carries its columns, which replace the
// one-hot columns of the edited window; its bases are then how it reads
// (matrix_bases), for labels and saved sequences.
struct Segment {
  int64_t start = 0;
  std::string bases;
  std::vector<Column> columns;  // empty: the bases are one-hot encoded
};

struct Experiment {
  std::string label;       // motif name(s), annotation or ablated region
  int64_t background = 0;  // index of the background sequence it edits
  int64_t spacing = -1;    // --spacing gap; -1 otherwise
  int64_t replicate = -1;  // --ablate shuffle number; -1 otherwise
  std::vector<Segment> segments;
};

// The background with the experiment's segments written over it (out: L bytes).
void apply(const Experiment& e, std::span<const uint8_t> background, uint8_t* out);
// What the model input is encoded from: as apply(), but a numeric segment's
// positions hold 'A', as their columns come from write_columns (a column of
// zeros is not an N base: it does not take the model's N value).
void apply_for_encoding(const Experiment& e, std::span<const uint8_t> background, uint8_t* out);
// Numeric segments' columns written over a one-hot encoding ([L][4]).
void write_columns(const Experiment& e, float* one_hot);

// tangermeme's default insertion point: the motif's middle at the sequence's.
inline int64_t centred_start(int64_t length, int64_t motif_length) { return length / 2 - motif_length / 2; }

// How each (motif, background) gets its bases: the consensus, or a fresh
// draw from the PWM for every background (seeded).
struct Insertion {
  bool sample = false;
  uint64_t seed = 0;
  // -1: centred on the sequence (per motif; for a spacing sweep, motif 1's).
  int64_t start = -1;
};

// Checks that a motif of `motif_length` placed at `start` lies inside a
// sequence of `length`; fails naming the motif and the numbers.
void check_placement(const std::string& name, int64_t start, int64_t motif_length, int64_t length);

std::vector<Experiment> motif_experiments(const std::vector<Motif>& motifs, int64_t backgrounds, int64_t length,
                                          const Insertion& how);

// Numeric motifs: each one for every background, or (per_background) motif
// i into background i, where their number must be the backgrounds'.
std::vector<Experiment> matrix_experiments(const std::vector<MatrixMotif>& motifs, int64_t backgrounds,
                                           int64_t length, int64_t start);

// One motif string per background (--motif-per-background): motif i into
// background i, all under one label, each as `how` instantiates it.
std::vector<Experiment> paired_experiments(const std::string& label, const std::vector<Motif>& motifs,
                                           int64_t length, const Insertion& how);

struct SpacingSweep {
  int64_t first = 0, last = 0, step = 1;  // gaps first, first+step, … <= last
  static SpacingSweep parse(const std::string& text);  // "A:B:STEP" (or "A:B", step 1)
};
std::vector<Experiment> spacing_experiments(const std::vector<Motif>& motifs, const SpacingSweep& sweep,
                                            int64_t backgrounds, int64_t length, const Insertion& how);

// One annotation: bases [start, end) of source sequence `example`.
struct Annotation {
  int64_t example = 0, start = 0, end = 0;
  std::string name;  // optional 4th column; else "example:start-end"
};
// TSV: example index, start, end (0-based, half-open), optional name; lines
// starting with '#' and a header line whose first field is not a number are
// skipped.
std::vector<Annotation> read_annotations(const std::string& path);
// Checks every annotation against the sources (count and length).
void check_annotations(const std::vector<Annotation>& annotations, int64_t sources, int64_t length,
                       const std::string& where);
std::vector<Experiment> annotation_experiments(const std::vector<Annotation>& annotations,
                                               const std::vector<std::string>& sources, int64_t backgrounds);

// [start, end) of each input shuffled `shuffles` times; experiments are
// input-major, then replicate.
struct Region {
  int64_t start = 0, end = 0;
  static Region parse(const std::string& text, int64_t length);  // "START:END"
};
std::vector<Experiment> ablation_experiments(const std::vector<std::string>& inputs, Region region,
                                             int64_t shuffles, uint64_t seed);

}  // namespace s2f::marginalize
