// Motifs given as numbers (--motif-matrix): per position the values written
// into the A, C, G, T channels of the one-hot input, replacing the window's
// columns, as tangermeme's substitute writes a one-hot or soft motif tensor.
// A file holds one motif for every background, shape (k, 4), or one motif
// per background, shape (n, k, 4) (tangermeme's motif tensor of shape
// (n, 4, k), transposed so that the bases are the last axis as in MEME
// matrices). Values are written as they are: no normalisation, any finite
// number (a row of zeros is tangermeme's N).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace s2f::marginalize {

using Column = std::array<float, 4>;  // A, C, G, T

struct MatrixMotif {
  std::string name;    // the .npy file's stem or the .npz array's name
  std::string source;  // file (and array) it was read from, for errors
  // One motif for every background, or (per_background) motif i for background i.
  std::vector<std::vector<Column>> motifs;
  bool per_background = false;
  size_t length() const { return motifs.empty() ? 0 : motifs[0].size(); }
};

// The motifs of an .npy file (one array) or an .npz archive (every array,
// in archive order). Fails naming the file, the array and what is wrong
// (shape, dtype, a non-finite value with its index).
std::vector<MatrixMotif> read_motif_matrices(const std::string& path);

// The bases a numeric motif reads as (labels and saved sequences): each
// column's largest value (ties to the first in A, C, G, T order), 'N' for a
// column of zeros.
std::string matrix_bases(const std::vector<Column>& motif);

}  // namespace s2f::marginalize
