// Writes full reservoir shard files for the merge benchmark, as
// `s2f-reservoir --shard k/n` would after seeing --values values per track.
//   reservoir_make_shards --dir D [--shards 8] [--tracks 1000]
//                         [--capacity 50000] [--values 120000]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "s2f/background/reservoir.hpp"
#include "s2f/background/reservoir_stream.hpp"
#include "s2f/shard.hpp"
#include "s2f/stream/kinds.hpp"

using namespace s2f;
using namespace s2f::background;

int main(int argc, char** argv) {
  std::string dir;
  size_t shards = 8, tracks = 1000, capacity = 50000, per_track = 120000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--dir") dir = v;
    else if (a == "--shards") shards = std::stoul(v);
    else if (a == "--tracks") tracks = std::stoul(v);
    else if (a == "--capacity") capacity = std::stoul(v);
    else if (a == "--values") per_track = std::stoul(v);
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: reservoir_make_shards --dir D [--shards N] [--tracks T] [--capacity C] [--values V]\n");
    return 2;
  }
  std::vector<std::string> ids;
  for (size_t t = 0; t < tracks; ++t) ids.push_back("track_" + std::to_string(t));
  std::vector<float> chunk(tracks * 1000);
  std::mt19937 g(7);
  std::normal_distribution<float> d;
  for (auto& x : chunk) x = d(g);
  for (uint32_t s = 0; s < shards; ++s) {
    ShardSpec spec{s, static_cast<uint32_t>(shards)};
    ReservoirConfig config;
    config.capacity = capacity;
    config.seed = 12345;
    config.shard_seed = spec.derive_seed(12345);
    config.shard = spec.str();
    ReservoirSet set(tracks, capacity, config.shard_seed);
    for (size_t done = 0; done < per_track; done += 1000) set.ingest(chunk.data(), 1000, 1);
    stream::Header h;
    h.kind = stream::kind::reservoirs;
    h.schema = stream::reservoirs_schema();
    h.meta["tracks"] = ids;
    ValueMeta meta;
    meta.track_ids = ids;
    meta.signed_flags.assign(tracks, false);
    meta.geometry = {{"window", 1000}, {"statistic", "log2fc"}};
    meta.to_meta(h.meta);
    h.meta["reservoir"] = config.to_json();
    stream::Writer w(ByteSink::open(dir + "/shard" + std::to_string(s + 1) + ".res.s2f"), h);
    write_reservoirs(w, set, ids);
    w.finish();
  }
  return 0;
}
