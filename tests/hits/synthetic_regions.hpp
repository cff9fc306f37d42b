// Synthetic motifs and regions with planted instances for the s2f-call-hits
// unit tests (the Python generator make_regions.py does the same for the
// parity test and the benchmark).
#pragma once
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "s2f/hits/motif_set.hpp"
#include "s2f/hits/regions.hpp"

namespace s2f::hits::testing {

struct Planted {
  size_t region;
  uint32_t motif;  // id in the MotifSet (2k forward, 2k+1 reverse)
  int position;    // untrimmed start
  bool operator<(const Planted& o) const {
    return std::tie(region, motif, position) < std::tie(o.region, o.motif, o.position);
  }
};

struct SyntheticMotifs {
  MotifSet set;
  std::vector<std::vector<double>> hyp;  // per motif id, [b][w] hypothetical matrix (unnormalised)
  std::vector<std::vector<int>> cons;    // per motif id, consensus base per column or -1
};

inline SyntheticMotifs make_motifs(int patterns, int width, std::mt19937_64& rng) {
  std::normal_distribution<double> noise(0.0, 0.03);
  std::uniform_real_distribution<double> strength(0.6, 1.4);
  SyntheticMotifs out;
  out.set = MotifSet(width);
  for (int k = 0; k < patterns; ++k) {
    int core = 6 + static_cast<int>(rng() % 7);
    int offset = (width - core) / 2;
    std::vector<double> hyp(static_cast<size_t>(4 * width));
    std::vector<int> cons(static_cast<size_t>(width), -1);
    for (auto& v : hyp) v = noise(rng);
    for (int j = 0; j < core; ++j) {
      int b = static_cast<int>(rng() % 4), w = offset + j;
      double s = strength(rng);
      for (int c = 0; c < 4; ++c) hyp[static_cast<size_t>(c * width + w)] = -0.1 * s;
      hyp[static_cast<size_t>(b * width + w)] = s;
      cons[static_cast<size_t>(w)] = b;
    }
    // The CWM is the projected (consensus-only) matrix, as tfmodisco reports it.
    for (int strand = 0; strand < 2; ++strand) {
      std::vector<double> h(hyp.size()), cwm(hyp.size(), 0.0);
      std::vector<int> cc(static_cast<size_t>(width), -1);
      for (int b = 0; b < 4; ++b)
        for (int w = 0; w < width; ++w) {
          int sb = strand ? 3 - b : b, sw = strand ? width - 1 - w : w;
          h[static_cast<size_t>(b * width + w)] = hyp[static_cast<size_t>(sb * width + sw)];
        }
      for (int w = 0; w < width; ++w) {
        int sw = strand ? width - 1 - w : w;
        int c = cons[static_cast<size_t>(sw)];
        cc[static_cast<size_t>(w)] = c < 0 ? -1 : strand ? 3 - c : c;
        if (cc[static_cast<size_t>(w)] >= 0)
          cwm[static_cast<size_t>(cc[static_cast<size_t>(w)] * width + w)] =
              h[static_cast<size_t>(cc[static_cast<size_t>(w)] * width + w)];
      }
      double norm = 0;
      for (double v : cwm) norm += v * v;
      norm = std::sqrt(norm);
      for (double& v : cwm) v /= norm;
      Motif m;
      m.name = m.name_orig = "pos_patterns.pattern_" + std::to_string(k);
      m.strand = strand ? '-' : '+';
      std::tie(m.trim_start, m.trim_end) = trim_span(cwm, width, 0.3);
      std::vector<float> f(cwm.begin(), cwm.end());
      out.set.add(m, f);
      out.hyp.push_back(h);
      out.cons.push_back(cc);
    }
  }
  return out;
}

// Random sequence, Gaussian noise in all four hypothetical channels, and
// about `per_region` planted instances per region (some overlapping).
inline RegionSet make_regions(const SyntheticMotifs& motifs, size_t n, size_t length, double per_region,
                              double noise_sd, std::mt19937_64& rng, std::vector<Planted>& truth) {
  RegionSet set(n, length, 4, false);
  set.source = "synthetic";
  std::normal_distribution<float> noise(0.0f, static_cast<float>(noise_sd));
  std::poisson_distribution<int> count(per_region);
  std::uniform_real_distribution<double> amp(0.6, 2.0);
  const int W = motifs.set.width();
  for (size_t i = 0; i < n; ++i) {
    for (size_t l = 0; l < length; ++l) {
      set.bases()[i * length + l] = static_cast<uint8_t>(1u << (rng() % 4));
      for (size_t b = 0; b < 4; ++b) set.full()[(i * 4 + b) * length + l] = noise(rng);
    }
    int k = count(rng);
    int pos = static_cast<int>(rng() % 40);
    for (int j = 0; j < k; ++j) {
      pos += rng() % 10 < 3 ? W / 2 - 6 + static_cast<int>(rng() % 6) : W / 2 + 10 + static_cast<int>(rng() % 100);
      if (pos + W > static_cast<int>(length)) break;
      auto m = static_cast<uint32_t>(rng() % motifs.set.size());
      double a = amp(rng);
      for (int w = 0; w < W; ++w) {
        size_t l = static_cast<size_t>(pos + w);
        int c = motifs.cons[m][static_cast<size_t>(w)];
        if (c >= 0) set.bases()[i * length + l] = static_cast<uint8_t>(1u << c);
        for (size_t b = 0; b < 4; ++b)
          set.full()[(i * 4 + b) * length + l] += static_cast<float>(a * motifs.hyp[m][b * static_cast<size_t>(W) + static_cast<size_t>(w)]);
      }
      truth.push_back({i, m, pos});
    }
  }
  return set;
}

}  // namespace s2f::hits::testing
