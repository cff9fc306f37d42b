// Activation functions with the definitions PyTorch and Keras use:
// GELU is the erf form (gelu_tanh the tanh approximation), softplus is
// log(1 + e^x) computed stably, softmax runs over channels.
#include "activations.hpp"

#include <algorithm>
#include <cmath>

namespace s2f::engine {

namespace {

template <typename F>
void map_rows(const TensorView& in, const TensorView& out, PositionRange range, F f) {
  const int64_t ch = in.channels;
  for (int64_t p = range.lo; p < range.hi; ++p) {
    const float* x = in.row(p);
    float* y = out.row(p);
    for (int64_t c = 0; c < ch; ++c) y[c] = f(x[c]);
  }
}

}  // namespace

void apply_activation(Activation a, float alpha, const TensorView& in, const TensorView& out, PositionRange range) {
  switch (a) {
    case Activation::linear:
      if (in.data != out.data || in.pos0 != out.pos0) map_rows(in, out, range, [](float x) { return x; });
      break;
    case Activation::relu:
      map_rows(in, out, range, [](float x) { return x > 0.0f ? x : 0.0f; });
      break;
    case Activation::gelu:
      map_rows(in, out, range, [](float x) {
        return static_cast<float>(0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))));
      });
      break;
    case Activation::gelu_tanh:
      map_rows(in, out, range, [](float x) {
        const double k = std::sqrt(2.0 / M_PI);
        return static_cast<float>(0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x))));
      });
      break;
    case Activation::elu:
      map_rows(in, out, range, [alpha](float x) { return x > 0.0f ? x : alpha * std::expm1(x); });
      break;
    case Activation::sigmoid:
      map_rows(in, out, range, [](float x) {
        return x >= 0.0f ? 1.0f / (1.0f + std::exp(-x)) : std::exp(x) / (1.0f + std::exp(x));
      });
      break;
    case Activation::tanh:
      map_rows(in, out, range, [](float x) { return std::tanh(x); });
      break;
    case Activation::softplus:
      map_rows(in, out, range, [](float x) { return std::max(x, 0.0f) + std::log1p(std::exp(-std::fabs(x))); });
      break;
    case Activation::exp:
      map_rows(in, out, range, [](float x) { return std::exp(x); });
      break;
    case Activation::softmax:
      for (int64_t p = range.lo; p < range.hi; ++p) {
        const float* x = in.row(p);
        float* y = out.row(p);
        float m = x[0];
        for (int64_t c = 1; c < in.channels; ++c) m = std::max(m, x[c]);
        double sum = 0.0;
        for (int64_t c = 0; c < in.channels; ++c) {
          y[c] = std::exp(x[c] - m);
          sum += y[c];
        }
        for (int64_t c = 0; c < in.channels; ++c) y[c] = static_cast<float>(y[c] / sum);
      }
      break;
  }
}

}  // namespace s2f::engine
