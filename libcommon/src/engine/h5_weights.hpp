// Weight tensors in HDF5 (s2f model files and Keras imports), through the
// one HDF5 layer (s2f/hdf5/h5.hpp). Private to the engine.
#pragma once
#include <cmath>
#include <string>

#include "s2f/engine/graph.hpp"
#include "s2f/error.hpp"
#include "s2f/hdf5/h5.hpp"

namespace s2f::engine {

// What model files are, for messages about a wrong file.
inline constexpr const char* kModelFileKinds = "an s2f model file or a Keras .h5 model";

// HDF5 converts float64/float16 stored weights to float32 on read.
inline WeightTensor read_weights(const h5::File& f, const std::string& dataset) {
  if (!f.exists(dataset)) fail_input("missing weight dataset", f.where(dataset), "the file is incomplete; re-export it");
  auto a = f.read<float>(dataset);
  WeightTensor t;
  for (auto d : a.shape) t.shape.push_back(static_cast<int64_t>(d));
  t.data = std::move(a.values);
  return t;
}

// A NaN or infinite weight would turn every prediction into NaN (or
// quietly into nonsense): refused at load, naming the layer and weight.
inline void require_finite_weights(const WeightTensor& t, const std::string& file, const std::string& layer,
                                   const std::string& weight) {
  for (size_t i = 0; i < t.data.size(); ++i)
    if (!std::isfinite(t.data[i]))
      fail_input("weight '" + weight + "' of layer '" + layer + "' has a non-finite value (" +
                     std::to_string(t.data[i]) + ") at element " + std::to_string(i) + " of " +
                     std::to_string(t.data.size()),
                 file, "the model is damaged or diverged in training; export a checkpoint without NaN/inf weights");
}

// float32, contiguous; an empty shape is a scalar.
inline void write_weights(h5::File& f, const std::string& dataset, const WeightTensor& t) {
  std::vector<uint64_t> shape;
  for (auto s : t.shape) shape.push_back(static_cast<uint64_t>(s));
  f.write<float>(dataset, t.data, shape);
}

}  // namespace s2f::engine
