// The native inference engine in one include.
//
// Prediction (s2f-predict):
//   auto graph = s2f::engine::load_model(path);            // .s2fm or Keras .h5
//   auto model = std::make_shared<s2f::engine::CompiledModel>(graph);
//   s2f::engine::Predictor predictor(model);               // plans memory once
//   std::vector<float> x(batch * predictor.input_length() * 4);
//   s2f::predict::one_hot(bases, 0.25f, x.data());         // per sequence (s2f/predict/one_hot.hpp)
//   std::vector<s2f::engine::HeadOutput> heads;
//   predictor.predict(x.data(), batch, heads);             // heads[h].values: [batch][tracks][bins]
//
// Fast ISM: FullActivations keeps every layer's activation of the reference
// sequence; after changing a base, update() recomputes each layer only on
// CompiledModel::changed_range() (the positions whose receptive field holds
// the change), using compute_node() on that sub-range. receptive_fields()
// gives each layer's receptive field; ActivationPlanner::plan(model, ranges)
// plans a run restricted to some output bins.
#pragma once
#include "s2f/engine/activation_planner.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/full_activations.hpp"
#include "s2f/engine/graph.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/engine/receptive_field.hpp"
#include "s2f/engine/tensor_view.hpp"
