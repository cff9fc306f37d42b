#include "s2f/marginalize/motif_matrix.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/npz.hpp"

namespace s2f::marginalize {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string t = "(";
  for (size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
  return t + (shape.size() == 1 ? ",)" : ")");
}

// Elements as float whatever numeric dtype numpy wrote: tangermeme's
// one-hot tensors are int8, soft motifs float32 or float64.
std::vector<float> values_of(const npz::NpyArray& a, const std::string& name) {
  if (a.descr == "|i1" || a.descr == "|u1") {
    std::vector<float> out(a.elements());
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = a.descr == "|i1" ? static_cast<float>(static_cast<int8_t>(a.data[i])) : static_cast<float>(a.data[i]);
    return out;
  }
  if (a.descr == "|b1") {
    auto b = a.as_bool(name);
    return std::vector<float>(b.begin(), b.end());
  }
  if (a.descr == "<f4" || a.descr == "<f8") return a.as_f32(name);
  auto ints = a.as_i64(name);  // fails naming the dtype when it is none of these
  return std::vector<float>(ints.begin(), ints.end());
}

MatrixMotif to_motif(const npz::NpyArray& a, const std::string& name, const std::string& where) {
  const auto& s = a.shape;
  const std::string fix =
      "save a (k, 4) array (one motif) or an (n, k, 4) array (motif i for background i), bases A, C, G, T last; "
      "a tangermeme motif tensor (n, 4, k) is saved with numpy.save(f, motif.numpy().transpose(0, 2, 1))";
  if ((s.size() != 2 && s.size() != 3) || s.back() != 4)
    fail_input("motif matrix has shape " + shape_text(s) + ", not (k, 4) or (n, k, 4)", where, fix);
  const uint64_t n = s.size() == 3 ? s[0] : 1, k = s[s.size() - 2];
  if (n == 0 || k == 0) fail_input("motif matrix of shape " + shape_text(s) + " is empty", where, fix);
  auto v = values_of(a, name);
  MatrixMotif m;
  m.name = name;
  m.source = where;
  m.per_background = s.size() == 3;
  m.motifs.assign(n, std::vector<Column>(k));
  for (uint64_t i = 0; i < n; ++i)
    for (uint64_t p = 0; p < k; ++p)
      for (size_t b = 0; b < 4; ++b) {
        const float x = v[(i * k + p) * 4 + b];
        if (!std::isfinite(x))
          fail_input("motif matrix value at " +
                         (m.per_background ? "[" + std::to_string(i) + ", " : std::string("[")) + std::to_string(p) +
                         ", " + std::to_string(b) + "] is not finite",
                     where, "write finite numbers (a row of zeros leaves the position empty, as tangermeme's N)");
        m.motifs[i][p][b] = x;
      }
  return m;
}

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail_io("cannot open motif matrix file", path, "check the --motif-matrix path");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace

std::vector<MatrixMotif> read_motif_matrices(const std::string& path) {
  std::vector<MatrixMotif> out;
  if (ends_with(path, ".npz")) {
    npz::NpzReader archive(path);
    for (const auto& name : archive.names()) out.push_back(to_motif(archive.load(name), name, path + ":" + name));
    if (out.empty()) fail_input("motif matrix archive holds no arrays", path);
  } else if (ends_with(path, ".npy")) {
    auto array = npz::parse_npy(file_bytes(path), path);
    out.push_back(to_motif(array, std::filesystem::path(path).stem().string(), path));
  } else {
    fail_usage("--motif-matrix '" + path + "' is neither .npy nor .npz",
               "save the motif with numpy.save (.npy) or numpy.savez (.npz, one motif per array)");
  }
  return out;
}

std::string matrix_bases(const std::vector<Column>& motif) {
  std::string s;
  for (const auto& col : motif) {
    size_t best = 0;
    for (size_t b = 1; b < 4; ++b)
      if (col[b] > col[best]) best = b;
    const bool empty = col[0] == 0 && col[1] == 0 && col[2] == 0 && col[3] == 0;
    s.push_back(empty ? 'N' : genome::kBases[best]);
  }
  return s;
}

}  // namespace s2f::marginalize
