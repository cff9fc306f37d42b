// Attribution HDF5 files of ChromBPNet (raw/seq, shap/seq: N x 4 x L) and
// BPNet (input_seqs, hyp_scores: N x L x 4). Several files (e.g. folds) are
// averaged, and values are rounded to float16 as Fi-NeMo's region
// extraction does, so both tools see the same numbers.
#include <cmath>

#include "s2f/error.hpp"
#include "s2f/hdf5/h5.hpp"
#include "s2f/hits/regions.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::hits {

namespace {

struct Array3 {
  std::vector<uint64_t> dims;
  std::vector<float> values;
};

Array3 read_array3(const std::string& path, const char* name) {
  const auto file = h5::File::open(path, "a ChromBPNet or BPNet attribution .h5");
  if (!file.exists(name))
    fail_input(std::string("no dataset '") + name + "'", file.where(name), "is this the right attribution layout (--format)?");
  if (file.shape(name).size() != 3)
    fail_input(std::string("dataset '") + name + "' is not a 3-D numeric array", file.where(name),
               "is this the right attribution layout (--format)?");
  auto a = file.read<float>(name);
  return {std::move(a.shape), std::move(a.values)};
}

// channels_last: the arrays are N x L x 4 (BPNet) rather than N x 4 x L.
RegionSet load_h5(const std::vector<std::string>& paths, size_t width, const char* seq_name, const char* score_name,
                  bool channels_last) {
  if (paths.empty()) fail_usage("no attribution files given");
  Array3 seq = read_array3(paths[0], seq_name);
  const size_t axis_l = channels_last ? 1 : 2, axis_c = channels_last ? 2 : 1;
  if (seq.dims[axis_c] != 4)
    fail_input(std::string("'") + seq_name + "' has " + std::to_string(seq.dims[axis_c]) + " bases on axis " +
                   std::to_string(axis_c) + ", expected 4",
               paths[0]);
  const size_t n = seq.dims[0], full = seq.dims[axis_l];
  if (width == 0) width = full;
  if (width > full)
    fail_usage("--region-width " + std::to_string(width) + " is wider than the " + std::to_string(full) +
               " bp in " + paths[0]);
  const size_t offset = full / 2 - width / 2;
  auto at = [&](size_t i, size_t b, size_t l) {
    return channels_last ? (i * full + l) * 4 + b : (i * 4 + b) * full + l;
  };
  RegionSet set(n, width, 4, true);
  set.source = paths[0];
  for (size_t i = 0; i < n; ++i)
    for (size_t b = 0; b < 4; ++b)
      for (size_t l = 0; l < width; ++l) {
        float v = seq.values[at(i, b, offset + l)];
        if (v == 1.0f) set.bases()[i * width + l] |= static_cast<uint8_t>(1u << b);
        else if (v != 0.0f)
          fail_input(std::string("'") + seq_name + "' is not one-hot (region " + std::to_string(i) + ", position " +
                         std::to_string(offset + l) + ")",
                     paths[0]);
      }
  std::vector<float> sum(n * 4 * width, 0.0f);
  for (const auto& path : paths) {
    Array3 s = read_array3(path, score_name);
    if (s.dims != seq.dims)
      fail_input(std::string("'") + score_name + "' has a different shape from '" + seq_name + "' of " + paths[0],
                 path, "all files must describe the same regions");
    for (size_t i = 0; i < n; ++i)
      for (size_t b = 0; b < 4; ++b)
        for (size_t l = 0; l < width; ++l) sum[(i * 4 + b) * width + l] += s.values[at(i, b, offset + l)];
  }
  const auto k = static_cast<float>(paths.size());
  for (size_t j = 0; j < sum.size(); ++j) set.half()[j] = stream::float_to_half(sum[j] / k);
  return set;
}

}  // namespace

RegionSet load_chrombpnet_h5(const std::vector<std::string>& paths, size_t width) {
  return load_h5(paths, width, "raw/seq", "shap/seq", false);
}

RegionSet load_bpnet_h5(const std::vector<std::string>& paths, size_t width) {
  return load_h5(paths, width, "input_seqs", "hyp_scores", true);
}

}  // namespace s2f::hits
