// Winograd F(2,3) Conv1D: input transform, four packed GEMMs, output
// transform, over blocks of tiles that stay in L2.
#include "conv_winograd.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace s2f::engine {

namespace {

constexpr int64_t kTiles = 128;  // tiles a block: U and M blocks of 4 x 64 rows

// Per-thread scratch for the transformed inputs (U) and products (M).
struct Scratch {
  std::vector<float> u, m, zero;
  std::vector<int64_t> bases;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// First output position of the tile holding position p.
int64_t tile_base(int64_t p, int64_t d) { return p % (2 * d) >= d ? p - d : p; }

}  // namespace

bool winograd_enabled() {
  const char* env = std::getenv("S2F_ENGINE_WINOGRAD");
  return !(env && std::string(env) == "0");
}

bool winograd_applies(int64_t kernel, int64_t stride, int64_t cin, int64_t cout, kernels::Isa isa) {
  // Narrow layers gain little: the transforms then cost as much as the
  // multiply-adds saved.
  return kernel == 3 && stride == 1 && cin >= 32 && cout >= 2 * kernels::vector_width(isa);
}

std::vector<float> winograd_pack(kernels::Isa isa, const float* w, int64_t cin, int64_t cout) {
  const int64_t n = cin * cout;
  const float* g0 = w;
  const float* g1 = w + n;
  const float* g2 = w + 2 * n;
  std::vector<float> g(static_cast<size_t>(4 * n));
  for (int64_t k = 0; k < n; ++k) {
    g[static_cast<size_t>(k)] = g0[k];
    g[static_cast<size_t>(n + k)] = (g0[k] + g1[k] + g2[k]) * 0.5f;
    g[static_cast<size_t>(2 * n + k)] = (g0[k] - g1[k] + g2[k]) * 0.5f;
    g[static_cast<size_t>(3 * n + k)] = g2[k];
  }
  std::vector<float> packed;
  for (int i = 0; i < 4; ++i) {
    auto p = kernels::pack_weights(isa, g.data() + i * n, 1, cin, cout);
    packed.insert(packed.end(), p.begin(), p.end());
  }
  return packed;
}

void conv_winograd(kernels::Isa isa, const kernels::ConvArgs& a) {
  if (a.hi <= a.lo) return;
  const int64_t d = a.dilation, cin = a.cin, cout = a.cout;
  const size_t packed_size = static_cast<size_t>(cin * ((cout + kernels::vector_width(isa) - 1) /
                                                        kernels::vector_width(isa) * kernels::vector_width(isa)));
  Scratch& s = scratch();
  s.u.resize(static_cast<size_t>(4 * kTiles * cin));
  s.m.resize(static_cast<size_t>(4 * kTiles * cout));
  s.zero.assign(static_cast<size_t>(cin), 0.0f);
  auto input = [&](int64_t q) -> const float* {
    return q < 0 || q >= a.in_length ? s.zero.data() : a.in + (q - a.in_pos0) * a.in_stride;
  };
  auto output = [&](int64_t p) { return a.out + (p - a.out_pos0) * a.out_stride; };

  for (int64_t next = a.lo; next < a.hi;) {
    // The next block of tiles: every tile holding a position asked for, once
    // (a tile whose first position lies before lo is met at its second).
    s.bases.clear();
    for (; next < a.hi && static_cast<int64_t>(s.bases.size()) < kTiles; ++next) {
      const int64_t b = tile_base(next, d);
      if (b == next || b < a.lo) s.bases.push_back(b);
    }
    const auto tiles = static_cast<int64_t>(s.bases.size());
    float* u = s.u.data();
    for (int64_t t = 0; t < tiles; ++t) {
      // y(p) reads x0..x2 and y(p+d) x1..x3 only, so the row an output that
      // is not asked for would read alone may lie outside the input's view
      // and is taken as zero: the other output's value is the same either way.
      const int64_t p = s.bases[static_cast<size_t>(t)], q = p - a.pad_left;
      const float* x0 = p >= a.lo ? input(q) : s.zero.data();
      const float* x3 = p + d < a.hi ? input(q + 3 * d) : s.zero.data();
      const float* x[4] = {x0, input(q + d), input(q + 2 * d), x3};
      float* const us[4] = {u + t * cin, u + (kTiles + t) * cin, u + (2 * kTiles + t) * cin, u + (3 * kTiles + t) * cin};
      kernels::winograd_in(isa, x, us, cin);
    }
    for (int i = 0; i < 4; ++i) {
      kernels::ConvArgs g;
      g.in = u + i * kTiles * cin;
      g.in_stride = cin;
      g.in_length = tiles;
      g.w = a.w + static_cast<size_t>(i) * packed_size;
      g.cin = cin;
      g.cout = cout;
      g.out = s.m.data() + i * kTiles * cout;
      g.out_stride = cout;
      g.lo = 0;
      g.hi = tiles;
      kernels::conv_packed(isa, g);
    }
    for (int64_t t = 0; t < tiles; ++t) {
      const int64_t p = s.bases[static_cast<size_t>(t)];
      const float* m = s.m.data() + t * cout;
      const float* const ms[4] = {m, m + kTiles * cout, m + 2 * kTiles * cout, m + 3 * kTiles * cout};
      kernels::winograd_out(isa, ms, a.bias, a.relu, p >= a.lo ? output(p) : nullptr,
                            p + d < a.hi ? output(p + d) : nullptr, cout);
    }
  }
}

}  // namespace s2f::engine
