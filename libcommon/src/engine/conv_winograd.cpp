// Winograd Conv1D: input transform, one packed GEMM per transformed row
// (m + 2 for F(m,3), 30 for the nested F(4x3, 3x3)), output transform,
// over blocks of tiles that stay in L2.
#include "conv_winograd.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

namespace s2f::engine {

namespace {

// Tiles a block: the transformed rows of each (U) and their products (M)
// stay in L2 for a 512-channel layer; a multiple of the GEMM kernel's 6-row
// register tile. A nested tile has 30 rows of Cin (not 6 of 3 Cin), so
// fewer tiles fill the same L2.
int64_t tiles_per_block(int outputs) {
  return kernels::winograd_nested(outputs) ? 48 : outputs == 4 ? 72 : 128;
}

// A tile: its sequence and first output position.
struct Tile {
  size_t seq;
  int64_t base;
};

// Per-thread scratch for the transformed inputs (U) and products (M).
struct Scratch {
  std::vector<float> u, m, zero;
  std::vector<Tile> tiles;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Which of the m outputs of its tile position p is.
int64_t place_in_tile(int64_t p, int64_t d, int outputs) { return (p / d) % outputs; }

// Transformed weights G_i = sum_k c[i][k] g_k, computed in double.
constexpr std::array<std::array<double, 3>, 4> kG2 = {{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}};
constexpr std::array<std::array<double, 3>, 6> kG4 = {{{1.0 / 4, 0, 0},
                                                       {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                                       {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                                       {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                                       {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                                       {0, 0, 1}}};
// F(3,4) on F(4,3)'s points (the first factor of a nested tile of four groups).
constexpr std::array<std::array<double, 4>, 6> kG34 = {{{1.0 / 4, 0, 0, 0},
                                                        {-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6},
                                                        {-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6},
                                                        {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3},
                                                        {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3},
                                                        {0, 0, 0, 1}}};
// F(3,3), points 0, 1, -1, 2, infinity (the nested tile's second factor).
constexpr std::array<std::array<double, 3>, 5> kG3 = {
    {{0.5, 0, 0}, {0.5, 0.5, 0.5}, {1.0 / 6, -1.0 / 6, 1.0 / 6}, {1.0 / 6, 1.0 / 3, 2.0 / 3}, {0, 0, 1}}};

}  // namespace

bool winograd_enabled() { return winograd_max_outputs() > 0; }

int winograd_max_outputs() {
  const char* env = std::getenv("S2F_ENGINE_WINOGRAD");
  if (env && std::string(env) == "0") return 0;
  if (env && std::string(env) == "2") return 2;
  if (env && std::string(env) == "4") return 4;
  return 12;
}

int winograd_outputs(int64_t kernel, int64_t stride, int64_t cin, int64_t cout, kernels::Isa isa, int at_most) {
  // Narrow layers gain little: the transforms then cost as much as the
  // multiply-adds saved (SpliceAI's 32-channel layers ran 25 % faster
  // direct on an AMD EPYC with full-width AVX-512 units). F(4,3) pays for its larger transforms and its
  // wider tiles (more rows read at range edges) only on wide layers.
  const int max = std::min(at_most, winograd_max_outputs());
  if (kernel < 3 || stride != 1 || cin < 64 || cout < 2 * kernels::vector_width(isa) || max < 2) return 0;
  if (max < 4 || cin < 128 || cout < 128) return 2;
  // Seven to twelve taps: three or four groups of three, nested (2.5 or
  // 3.3 products an output instead of 4.5 or 6 stacked).
  if (max >= 12 && winograd_taps(kernel) == 9) return 12;
  if (max >= 12 && winograd_taps(kernel) == 12) return 9;
  return 4;
}

int64_t winograd_taps(int64_t kernel) { return (kernel + 2) / 3 * 3; }

std::vector<float> winograd_pack(kernels::Isa isa, int outputs, const float* w, int64_t kernel, int64_t cin,
                                 int64_t cout) {
  const int64_t n = cin * cout, groups = winograd_taps(kernel) / 3;
  auto tap = [&](int64_t k, int64_t e) { return k < kernel ? double{w[k * n + e]} : 0.0; };
  if (kernels::winograd_nested(outputs)) {
    // Matrix 5i + j: sum over groups a and taps b of Ga[i][a] G3[j][b] g_{3a+b},
    // Ga = G4 (three groups) or G34 (four).
    auto ga = [&](size_t i, int64_t a) {
      return outputs == 12 ? kG4[i][static_cast<size_t>(a)] : kG34[i][static_cast<size_t>(a)];
    };
    std::vector<float> g(static_cast<size_t>(n)), packed;
    for (size_t i = 0; i < 6; ++i)
      for (size_t j = 0; j < kG3.size(); ++j) {
        for (int64_t e = 0; e < n; ++e) {
          double sum = 0;
          for (int64_t a = 0; a < groups; ++a)
            for (int64_t b = 0; b < 3; ++b) sum += ga(i, a) * kG3[j][static_cast<size_t>(b)] * tap(3 * a + b, e);
          g[static_cast<size_t>(e)] = static_cast<float>(sum);
        }
        auto p = kernels::pack_weights(isa, g.data(), 1, cin, cout);
        packed.insert(packed.end(), p.begin(), p.end());
      }
    return packed;
  }
  const int mats = outputs + 2;
  // Matrix i stacks the groups' G_i along the reduction: rows j*Cin + ci.
  std::vector<float> g(static_cast<size_t>(groups * n));
  std::vector<float> packed;
  for (int i = 0; i < mats; ++i) {
    const auto& c = outputs == 4 ? kG4[static_cast<size_t>(i)] : kG2[static_cast<size_t>(i)];
    for (int64_t j = 0; j < groups; ++j)
      for (int64_t e = 0; e < n; ++e)
        g[static_cast<size_t>(j * n + e)] =
            static_cast<float>(c[0] * tap(3 * j, e) + c[1] * tap(3 * j + 1, e) + c[2] * tap(3 * j + 2, e));
    auto p = kernels::pack_weights(isa, g.data(), 1, groups * cin, cout);
    packed.insert(packed.end(), p.begin(), p.end());
  }
  return packed;
}

void winograd_whole_tiles(int outputs, int64_t d, int64_t length, int64_t& lo, int64_t& hi) {
  if (outputs < 4 || hi <= lo) return;
  const int64_t block = outputs * d;
  lo = std::max<int64_t>(0, lo / block * block);
  hi = std::min(length, (hi + block - 1) / block * block);
}

int64_t winograd_block_tiles(int outputs) { return tiles_per_block(outputs); }

void conv_winograd(kernels::Isa isa, int outputs, std::span<const kernels::ConvArgs> seqs) {
  if (seqs.empty() || seqs[0].hi <= seqs[0].lo) return;
  const kernels::ConvArgs& a = seqs[0];  // the layer; each sequence's in/out below
  const int m = outputs, mats = kernels::winograd_tile_mats(m);
  const int64_t tiles_max = tiles_per_block(m);
  const int64_t d = a.dilation, cin = a.cin, cout = a.cout;
  // Stacked F(m,3): one transform a group of three taps, the groups' rows
  // side by side in one reduction. Nested: one transform of all 20 rows.
  const int64_t groups = kernels::winograd_nested(m) ? 1 : winograd_taps(a.kernel) / 3;
  const int64_t reduce = groups * cin;
  const int64_t vw = kernels::vector_width(isa);
  const auto packed_size = static_cast<size_t>(reduce * ((cout + vw - 1) / vw * vw));
  Scratch& s = scratch();
  s.u.resize(static_cast<size_t>(mats * tiles_max * reduce));
  s.m.resize(static_cast<size_t>(mats * tiles_max * cout));
  s.zero.assign(static_cast<size_t>(cin), 0.0f);
  auto asked = [&](int64_t p) { return p >= a.lo && p < a.hi; };

  // A tile is met at its first position asked for.
  auto first_asked = [&](int64_t p) {
    const int64_t j = place_in_tile(p, d, m);
    return j == 0 || p - d < a.lo;
  };
  // Blocks of equal size (a multiple of the GEMM's 6-row register tile):
  // a last block of a few tiles would stream all the weights for little work.
  int64_t per_seq = 0;
  for (int64_t p = a.lo; p < a.hi; ++p) per_seq += first_asked(p) ? 1 : 0;
  const int64_t total = per_seq * static_cast<int64_t>(seqs.size());
  const int64_t blocks = (total + tiles_max - 1) / tiles_max;
  const int64_t per_block = std::min(tiles_max, ((total + blocks - 1) / blocks + 5) / 6 * 6);

  size_t seq = 0;
  int64_t next = a.lo;
  while (seq < seqs.size()) {
    // The next block of tiles: every tile holding a position asked for,
    // once; sequence after sequence.
    s.tiles.clear();
    while (seq < seqs.size() && static_cast<int64_t>(s.tiles.size()) < per_block) {
      if (first_asked(next)) s.tiles.push_back({seq, next - place_in_tile(next, d, m) * d});
      if (++next == a.hi) {
        ++seq;
        next = a.lo;
      }
    }
    const auto tiles = static_cast<int64_t>(s.tiles.size());
    float* u = s.u.data();
    for (int64_t t = 0; t < tiles; ++t) {
      const kernels::ConvArgs& sa = seqs[s.tiles[static_cast<size_t>(t)].seq];
      const int64_t p = s.tiles[static_cast<size_t>(t)].base;
      auto input = [&](int64_t q) -> const float* {
        return q < 0 || q >= sa.in_length ? s.zero.data() : sa.in + (q - sa.in_pos0) * sa.in_stride;
      };
      const int rows = kernels::winograd_tile_rows(m);
      for (int64_t j = 0; j < groups; ++j) {
        // Group j: taps 3j .. 3j + 2, read from rows p - pad + (3j + r) d.
        const int64_t q = p - a.pad_left + 3 * j * d;
        const float* x[20];
        float* us[30];
        for (int r = 0; r < rows; ++r) x[r] = input(q + r * d);
        for (int r = 0; r < mats; ++r) us[r] = u + (r * tiles_max + t) * reduce + j * cin;
        // The first row enters only the first output, the last row only the
        // last output; either may lie outside the input's view when its
        // output is not asked for.
        if (!asked(p)) x[0] = s.zero.data();
        if (!asked(p + (m - 1) * d)) x[rows - 1] = s.zero.data();
        kernels::winograd_in(isa, m, x, us, cin);
      }
    }
    for (int i = 0; i < mats; ++i) {
      kernels::ConvArgs g;
      g.in = u + i * tiles_max * reduce;
      g.in_stride = reduce;
      g.in_length = tiles;
      g.w = a.w + static_cast<size_t>(i) * packed_size;
      g.cin = reduce;
      g.cout = cout;
      g.out = s.m.data() + i * tiles_max * cout;
      g.out_stride = cout;
      g.lo = 0;
      g.hi = tiles;
      kernels::conv_packed(isa, g);
    }
    for (int64_t t = 0; t < tiles; ++t) {
      const kernels::ConvArgs& sa = seqs[s.tiles[static_cast<size_t>(t)].seq];
      const int64_t p = s.tiles[static_cast<size_t>(t)].base;
      const float* ms[30];
      float* ys[12];
      for (int i = 0; i < mats; ++i) ms[i] = s.m.data() + (i * tiles_max + t) * cout;
      for (int j = 0; j < m; ++j) {
        const int64_t pj = p + j * d;
        ys[j] = asked(pj) ? sa.out + (pj - sa.out_pos0) * sa.out_stride : nullptr;
      }
      kernels::winograd_out(isa, m, ms, a.bias, a.relu, ys, cout);
    }
  }
}

}  // namespace s2f::engine
